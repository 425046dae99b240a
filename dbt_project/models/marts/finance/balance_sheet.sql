{#- The balance sheet at the end of every fiscal period (posted lines up to the as-of date). Amounts are
    positive in the section's normal balance: debit minus credit for assets (cost accounts such as work in
    process are inventory, so they count as assets), credit minus debit for liabilities and equity.
    Revenue and expense not yet closed into equity appear as two equity lines: the earnings of the current
    fiscal year to date and those of earlier years, so assets = liabilities + equity in every period. -#}
with periods as (
    select fiscal_period_code, fiscal_year, start_date
    from {{ ref('stg_ops__fiscal_period') }}
    where start_date <= {{ as_of_date() }}
),

balances as (
    select * from {{ ref('int_account_period_balances') }}
),

accounts as (
    select
        fiscal_period,
        case
            when account_type in ('asset', 'cost') then 'asset'
            else account_type
        end as section,
        account_code,
        account_name,
        false as is_unclosed_earnings,
        case
            when account_type in ('asset', 'cost') then closing_balance
            else -closing_balance
        end as amount
    from balances
    where financial_statement = 'balance_sheet'
),

earnings as (
    select
        periods.fiscal_period_code as fiscal_period,
        coalesce(sum(-balances.ytd_net), 0) as current_year,
        coalesce(sum(balances.ytd_net - balances.closing_balance), 0) as prior_years
    from periods
    left join balances
        on balances.fiscal_period = periods.fiscal_period_code
        and balances.financial_statement = 'income_statement'
    group by periods.fiscal_period_code
),

earnings_lines as (
    select
        fiscal_period,
        'equity' as section,
        'current_year_earnings' as account_code,
        'Current fiscal year earnings, not closed' as account_name,
        true as is_unclosed_earnings,
        current_year as amount
    from earnings
    union all
    select
        fiscal_period,
        'equity' as section,
        'prior_years_earnings' as account_code,
        'Earlier years earnings, not closed' as account_name,
        true as is_unclosed_earnings,
        prior_years as amount
    from earnings
)

select
    cast(fiscal_period as {{ dbt.type_string() }}) as fiscal_period,
    cast(section as {{ dbt.type_string() }}) as section,
    cast(account_code as {{ dbt.type_string() }}) as account_code,
    cast(account_name as {{ dbt.type_string() }}) as account_name,
    cast(amount as numeric(18, 4)) as amount,
    is_unclosed_earnings
from accounts
union all
select
    cast(fiscal_period as {{ dbt.type_string() }}),
    cast(section as {{ dbt.type_string() }}),
    cast(account_code as {{ dbt.type_string() }}),
    cast(account_name as {{ dbt.type_string() }}),
    cast(amount as numeric(18, 4)),
    is_unclosed_earnings
from earnings_lines
