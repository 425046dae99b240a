{#- One row per account and fiscal period from the account's first posting on, over posted lines dated up to
    the as-of date: the period's debit and credit, the opening and closing balance (debit minus credit) and the
    fiscal-year-to-date movement. Periods that start after the as-of date are left out. -#}
with periods as (
    select fiscal_period_code, fiscal_year, period_no, start_date, end_date
    from {{ ref('stg_ops__fiscal_period') }}
    where start_date <= {{ as_of_date() }}
),

movements as (
    select
        fiscal_period,
        account_id,
        sum(debit) as debit,
        sum(credit) as credit
    from {{ ref('fct_journal_lines') }}
    where entry_date <= {{ as_of_date() }}
    group by fiscal_period, account_id
),

first_use as (
    select movements.account_id, min(periods.start_date) as first_start
    from movements
    inner join periods on periods.fiscal_period_code = movements.fiscal_period
    group by movements.account_id
),

dense as (
    select
        periods.fiscal_period_code as fiscal_period,
        periods.fiscal_year,
        periods.period_no,
        periods.start_date,
        periods.end_date,
        first_use.account_id,
        coalesce(movements.debit, 0) as debit,
        coalesce(movements.credit, 0) as credit
    from periods
    inner join first_use
        on periods.start_date >= first_use.first_start
    left join movements
        on movements.fiscal_period = periods.fiscal_period_code
        and movements.account_id = first_use.account_id
),

running as (
    select
        dense.*,
        sum(debit - credit) over (
            partition by account_id order by start_date rows between unbounded preceding and current row
        ) as closing_balance,
        sum(debit - credit) over (
            partition by account_id, fiscal_year order by start_date rows between unbounded preceding and current row
        ) as ytd_net
    from dense
)

select
    running.fiscal_period,
    running.fiscal_year,
    running.period_no,
    running.start_date,
    running.end_date,
    running.account_id,
    accounts.account_code,
    accounts.account_name,
    accounts.account_type,
    accounts.financial_statement,
    cast(running.closing_balance - running.debit + running.credit as numeric(18, 4)) as opening_balance,
    cast(running.debit as numeric(18, 4)) as debit,
    cast(running.credit as numeric(18, 4)) as credit,
    cast(running.closing_balance as numeric(18, 4)) as closing_balance,
    cast(running.ytd_net as numeric(18, 4)) as ytd_net
from running
inner join {{ ref('dim_accounts') }} as accounts
    on accounts.account_id = running.account_id
