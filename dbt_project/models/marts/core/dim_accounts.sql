-- One row per account of the chart, with its parent and the side and statement its balance belongs to.
select
    account.account_id,
    account.account_code,
    account.account_name,
    account.account_name_en,
    account.account_type,
    case
        when account.account_type in ('asset', 'cost', 'expense') then 'debit'
        else 'credit'
    end as normal_balance,
    case
        when account.account_type in ('revenue', 'expense') then 'income_statement'
        else 'balance_sheet'
    end as financial_statement,
    parent.account_code as parent_account_code,
    account.is_postable,
    account.is_active
from {{ ref('stg_ops__account') }} as account
left join {{ ref('stg_ops__account') }} as parent
    on parent.account_id = account.parent_account_id
