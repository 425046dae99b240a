-- Budget versions per fiscal year: draft, approved (one per year) or superseded.
select
    {{ cast_id('id') }} as budget_version_id,
    {{ cast_text('code') }} as version_code,
    {{ cast_text('name') }} as version_name,
    {{ cast_id('fiscal_year') }} as fiscal_year,
    {{ cast_text('status') }} as version_status,
    {{ cast_id('copied_from_id') }} as copied_from_version_id,
    {{ cast_text('created_by') }} as created_by,
    {{ cast_timestamp('created_at') }} as created_at,
    {{ cast_text('approved_by') }} as approved_by,
    {{ cast_timestamp('approved_at') }} as approved_at
from {{ source('ops', 'budget_version') }}
