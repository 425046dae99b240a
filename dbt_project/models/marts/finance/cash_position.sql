{#- Cash and bank balances at the as-of date (posted lines up to it), per cash account of the dbt var
    cash_account_codes (default: the CAS cash accounts 1001 cash on hand, 1002 bank deposits, 1012 other
    monetary funds). Every listed account that exists appears, with 0 when nothing was posted to it. -#}
with lines as (
    select account_id, sum(debit - credit) as balance, max(entry_date) as last_entry_date
    from {{ ref('fct_journal_lines') }}
    where entry_date <= {{ as_of_date() }}
    group by account_id
)

select
    {{ as_of_date() }} as as_of_date,
    accounts.account_code,
    accounts.account_name,
    cast(coalesce(lines.balance, 0) as numeric(18, 4)) as balance,
    lines.last_entry_date
from {{ ref('dim_accounts') }} as accounts
left join lines
    on lines.account_id = accounts.account_id
where accounts.account_code in (
    {%- for code in var('cash_account_codes') %}'{{ code }}'{{ ", " if not loop.last }}{% endfor -%}
)
