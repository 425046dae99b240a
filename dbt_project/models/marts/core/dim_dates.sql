{#- The calendar: one row per day, with ISO weeks (starting Monday), calendar and fiscal periods, and the
    day's distance from the as-of date. Fiscal periods are named YYYY-MM by calendar month (as
    erp/services/company.py opens them); the fiscal year follows company.fiscal_year_start_month.
    Range: var calendar_start / calendar_end, else 1 January twenty years before as_of to 31 December two
    years after. -#}
{%- set as_of = as_of_value() -%}
{%- set start = modules.datetime.date.fromisoformat(var('calendar_start') or (as_of.year - 20) ~ '-01-01') -%}
{%- set end = modules.datetime.date.fromisoformat(var('calendar_end') or (as_of.year + 2) ~ '-12-31') -%}
{%- if end < start -%}
    {{ exceptions.raise_compiler_error("var calendar_end is before calendar_start") }}
{%- endif -%}

with days as (
    select
        cast({{ dbt.dateadd('day', 'generated_number - 1', "cast('" ~ start.isoformat() ~ "' as date)") }} as date)
            as date_day
    from ({{ dbt.generate_series((end - start).days + 1) }}) as series
),

parts as (
    select
        date_day,
        cast(extract(year from date_day) as {{ dbt.type_int() }}) as calendar_year,
        cast(extract(quarter from date_day) as {{ dbt.type_int() }}) as calendar_quarter,
        cast(extract(month from date_day) as {{ dbt.type_int() }}) as calendar_month,
        cast(extract(day from date_day) as {{ dbt.type_int() }}) as day_of_month,
        cast(extract(doy from date_day) as {{ dbt.type_int() }}) as day_of_year,
        cast(extract(isodow from date_day) as {{ dbt.type_int() }}) as iso_day_of_week,
        cast(extract(week from date_day) as {{ dbt.type_int() }}) as iso_week,
        cast(extract(isoyear from date_day) as {{ dbt.type_int() }}) as iso_year
    from days
),

company as (
    select coalesce(max(fiscal_year_start_month), 1) as start_month
    from {{ ref('stg_ops__company') }}
),

calendar as (
    select
        parts.*,
        cast({{ dbt.dateadd('day', '1 - parts.iso_day_of_week', 'parts.date_day') }} as date) as week_start_date,
        cast({{ dbt.dateadd('day', '7 - parts.iso_day_of_week', 'parts.date_day') }} as date) as week_end_date,
        {{ dbt.concat([
            dbt.cast('parts.calendar_year', dbt.type_string()),
            "'-'",
            "lpad(" ~ dbt.cast('parts.calendar_month', dbt.type_string()) ~ ", 2, '0')",
        ]) }} as fiscal_period_code,
        case
            when company.start_month = 1 or parts.calendar_month < company.start_month then parts.calendar_year
            else parts.calendar_year + 1
        end as fiscal_year,
        mod(parts.calendar_month - company.start_month + 12, 12) + 1 as fiscal_period_no
    from parts
    cross join company
)

select
    calendar.date_day,
    calendar.calendar_year,
    calendar.calendar_quarter,
    calendar.calendar_month,
    calendar.day_of_month,
    calendar.day_of_year,
    calendar.iso_year,
    calendar.iso_week,
    {{ dbt.concat([
        dbt.cast('calendar.iso_year', dbt.type_string()),
        "'-W'",
        "lpad(" ~ dbt.cast('calendar.iso_week', dbt.type_string()) ~ ", 2, '0')",
    ]) }} as iso_week_code,
    calendar.iso_day_of_week,
    calendar.week_start_date,
    calendar.week_end_date,
    calendar.iso_day_of_week >= 6 as is_weekend,
    calendar.fiscal_period_code,
    cast(calendar.fiscal_year as {{ dbt.type_int() }}) as fiscal_year,
    cast(calendar.fiscal_period_no as {{ dbt.type_int() }}) as fiscal_period_no,
    period.period_status as fiscal_period_status,
    {{ dbt.datediff(as_of_date(), 'calendar.date_day', 'day') }} as days_from_as_of,
    calendar.date_day = {{ as_of_date() }} as is_as_of_date
from calendar
left join {{ ref('stg_ops__fiscal_period') }} as period
    on period.fiscal_period_code = calendar.fiscal_period_code
