{#- The income statement line of every revenue and expense account: the seed income_statement_accounts maps
    account code prefixes to lines (the longest matching prefix wins); an unmapped revenue account falls to
    other_income, an unmapped expense account to other_expenses. -#}
with accounts as (
    select account_id, account_code, account_type
    from {{ ref('dim_accounts') }}
    where financial_statement = 'income_statement'
),

matches as (
    select
        accounts.account_id,
        mapping.line,
        row_number() over (
            partition by accounts.account_id order by {{ dbt.length('mapping.account_code_prefix') }} desc
        ) as preference
    from accounts
    inner join {{ ref('income_statement_accounts') }} as mapping
        on accounts.account_code like {{ dbt.concat(['mapping.account_code_prefix', "'%'"]) }}
)

select
    accounts.account_id,
    accounts.account_code,
    accounts.account_type,
    coalesce(
        matches.line,
        case when accounts.account_type = 'revenue' then 'other_income' else 'other_expenses' end
    ) as line
from accounts
left join matches
    on matches.account_id = accounts.account_id
    and matches.preference = 1
