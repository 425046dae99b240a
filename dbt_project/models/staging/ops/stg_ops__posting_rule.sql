-- Which accounts a business event posts to; a qualifier of '*' matches anything and the most specific rule wins.
select
    {{ cast_id('id') }} as posting_rule_id,
    {{ cast_text('event') }} as event,
    {{ cast_text('item_type') }} as item_type,
    {{ cast_text('item_group') }} as item_group,
    {{ cast_text('partner_group') }} as partner_group,
    {{ cast_id('debit_account_id') }} as debit_account_id,
    {{ cast_id('credit_account_id') }} as credit_account_id,
    {{ cast_text('description') }} as rule_description
from {{ source('ops', 'posting_rule') }}
