-- Budget amounts per version, account, cost centre and month (debit-positive, as expenses are).
select
    {{ cast_id('id') }} as budget_line_id,
    {{ cast_id('version_id') }} as budget_version_id,
    {{ cast_id('account_id') }} as account_id,
    {{ cast_id('cost_center_id') }} as cost_center_id,
    {{ cast_text('period') }} as fiscal_period,
    {{ cast_money('amount') }} as amount
from {{ source('ops', 'budget_line') }}
