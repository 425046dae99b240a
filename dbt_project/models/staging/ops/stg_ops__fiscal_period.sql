-- Monthly fiscal periods, named YYYY-MM by calendar month, open or closed for posting.
select
    {{ cast_id('id') }} as fiscal_period_id,
    {{ cast_text('code') }} as fiscal_period_code,
    {{ cast_id('fiscal_year') }} as fiscal_year,
    {{ cast_id('period_no') }} as period_no,
    {{ cast_date('start_date') }} as start_date,
    {{ cast_date('end_date') }} as end_date,
    {{ cast_text('status') }} as period_status
from {{ source('ops', 'fiscal_period') }}
