{#- The trial balance per fiscal period: every account used up to the period, with the period's debits and
    credits and its closing balance (debit minus credit). Posted lines up to the as-of date only. -#}
select
    fiscal_period,
    account_code,
    account_name,
    account_type,
    opening_balance,
    debit,
    credit,
    closing_balance as balance
from {{ ref('int_account_period_balances') }}
