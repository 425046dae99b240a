{#- The income statement per fiscal period, one row per line of the seed income_statement_lines: the month,
    the fiscal year to date, and the same figures for the same period of the previous fiscal year.
    Income and expense lines are positive in their normal direction (revenue as credit, cost as debit);
    a subtotal is the profit of every line above it. -#}
with periods as (
    select fiscal_period_code, fiscal_year, period_no
    from {{ ref('stg_ops__fiscal_period') }}
    where start_date <= {{ as_of_date() }}
),

layout as (
    select line_no, line, line_type, label
    from {{ ref('income_statement_lines') }}
),

account_amounts as (
    select
        balances.fiscal_period,
        statement.line,
        -- profit contribution: credit minus debit
        sum(balances.credit - balances.debit) as period_profit,
        sum(-balances.ytd_net) as ytd_profit
    from {{ ref('int_account_period_balances') }} as balances
    inner join {{ ref('int_account_statement_lines') }} as statement
        on statement.account_id = balances.account_id
    group by balances.fiscal_period, statement.line
),

detail as (
    select
        periods.fiscal_period_code as fiscal_period,
        periods.fiscal_year,
        periods.period_no,
        layout.line_no,
        layout.line,
        layout.line_type,
        layout.label,
        coalesce(account_amounts.period_profit, 0) as period_profit,
        coalesce(account_amounts.ytd_profit, 0) as ytd_profit
    from periods
    cross join layout
    left join account_amounts
        on account_amounts.fiscal_period = periods.fiscal_period_code
        and account_amounts.line = layout.line
),

lines as (
    select
        detail.fiscal_period,
        detail.fiscal_year,
        detail.period_no,
        detail.line_no,
        detail.line,
        detail.line_type,
        detail.label,
        case
            when detail.line_type = 'subtotal' then (
                select coalesce(sum(above.period_profit), 0) from detail as above
                where above.fiscal_period = detail.fiscal_period and above.line_no < detail.line_no
                    and above.line_type <> 'subtotal'
            )
            when detail.line_type = 'expense' then -detail.period_profit
            else detail.period_profit
        end as amount,
        case
            when detail.line_type = 'subtotal' then (
                select coalesce(sum(above.ytd_profit), 0) from detail as above
                where above.fiscal_period = detail.fiscal_period and above.line_no < detail.line_no
                    and above.line_type <> 'subtotal'
            )
            when detail.line_type = 'expense' then -detail.ytd_profit
            else detail.ytd_profit
        end as ytd_amount
    from detail
)

select
    lines.fiscal_period,
    lines.line_no,
    lines.line,
    lines.label,
    lines.line_type,
    cast(lines.amount as numeric(18, 4)) as amount,
    cast(lines.ytd_amount as numeric(18, 4)) as ytd_amount,
    prior.fiscal_period as prior_year_period,
    cast(prior.amount as numeric(18, 4)) as prior_year_amount,
    cast(prior.ytd_amount as numeric(18, 4)) as prior_year_ytd_amount
from lines
left join lines as prior
    on prior.fiscal_year = lines.fiscal_year - 1
    and prior.period_no = lines.period_no
    and prior.line = lines.line
