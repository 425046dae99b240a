-- Recurring journal templates (rent, depreciation ...) posted every interval_months from next_date.
select
    {{ cast_id('id') }} as recurring_journal_id,
    {{ cast_text('code') }} as recurring_journal_code,
    {{ cast_text('description') }} as recurring_journal_description,
    {{ cast_date('next_date') }} as next_date,
    {{ cast_date('end_date') }} as end_date,
    {{ cast_id('interval_months') }} as interval_months,
    {{ cast_bool('active') }} as is_active
from {{ source('ops', 'recurring_journal') }}
