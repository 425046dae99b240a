-- Lines of the recurring journal templates.
select
    {{ cast_id('id') }} as recurring_journal_line_id,
    {{ cast_id('template_id') }} as recurring_journal_id,
    {{ cast_id('line_no') }} as line_no,
    {{ cast_id('account_id') }} as account_id,
    {{ cast_id('cost_center_id') }} as cost_center_id,
    {{ cast_text('description') }} as line_description,
    {{ cast_money('debit') }} as debit,
    {{ cast_money('credit') }} as credit
from {{ source('ops', 'recurring_journal_line') }}
