-- Journal entries: written as a draft, lines added, then posted; posted entries never change (a reversal cancels one).
select
    {{ cast_id('id') }} as journal_entry_id,
    {{ cast_text('number') }} as entry_number,
    {{ cast_date('entry_date') }} as entry_date,
    {{ cast_id('period_id') }} as fiscal_period_id,
    {{ cast_text('source_type') }} as source_type,
    {{ cast_text('source_ref') }} as source_ref,
    {{ cast_text('description') }} as entry_description,
    {{ cast_text('status') }} as entry_status,
    {{ cast_id('reverses_id') }} as reverses_entry_id,
    {{ cast_timestamp('created_at') }} as created_at,
    {{ cast_text('created_by') }} as created_by
from {{ source('ops', 'journal_entry') }}
