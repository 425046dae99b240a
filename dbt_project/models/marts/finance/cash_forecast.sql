{#- Cash forecast for the weeks after the as-of date (var cash_forecast_weeks, default 13): the cash position
    rolled forward with the receipts expected from open customer invoices on their due dates. Week 1 runs from
    the day after the as-of date for seven days; invoices due on or before the as-of date are expected in
    week 1 (the overdue ones also shown as overdue_receipts); receipts due after the last week are left out.
    Only receivables are known to the store so far: there are no supplier invoices to forecast payments from. -#}
{%- set weeks = var('cash_forecast_weeks') | int -%}

with weeks as (
    select
        cast(generated_number as {{ dbt.type_int() }}) as week_no,
        cast({{ dbt.dateadd('day', '(generated_number - 1) * 7 + 1', as_of_date()) }} as date) as week_start,
        cast({{ dbt.dateadd('day', 'generated_number * 7', as_of_date()) }} as date) as week_end
    from ({{ dbt.generate_series(weeks) }}) as series
),

receipts as (
    select
        case
            when days_past_due >= 0 then 1
            else cast(floor(({{ dbt.datediff(as_of_date(), 'due_date', 'day') }} - 1) / 7.0) as {{ dbt.type_int() }}) + 1
        end as week_no,
        open_amount_base,
        days_past_due > 0 as is_overdue
    from {{ ref('ar_open_items') }}
),

weekly as (
    select
        weeks.week_no,
        weeks.week_start,
        weeks.week_end,
        coalesce(sum(receipts.open_amount_base), 0) as expected_receipts,
        coalesce(sum(case when receipts.is_overdue then receipts.open_amount_base else 0 end), 0) as overdue_receipts
    from weeks
    left join receipts
        on receipts.week_no = weeks.week_no
    group by weeks.week_no, weeks.week_start, weeks.week_end
),

opening as (
    select coalesce(sum(balance), 0) as cash from {{ ref('cash_position') }}
),

running as (
    select
        weekly.*,
        opening.cash + sum(weekly.expected_receipts) over (
            order by weekly.week_no rows between unbounded preceding and current row
        ) as closing_cash
    from weekly
    cross join opening
)

select
    {{ as_of_date() }} as as_of_date,
    week_no,
    week_start,
    week_end,
    cast(closing_cash - expected_receipts as numeric(18, 4)) as opening_cash,
    cast(expected_receipts as numeric(18, 4)) as expected_receipts,
    cast(overdue_receipts as numeric(18, 4)) as overdue_receipts,
    cast(closing_cash as numeric(18, 4)) as closing_cash
from running
