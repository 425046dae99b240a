-- Per active item: consumption over the history window before as_of (issues and shipments), ABC class by
-- consumption value, XYZ class by the variability of weekly consumption, average daily demand, days of supply,
-- reorder point and a suggested safety stock for the service level of its ABC class. With no consumption in
-- the window, average daily demand is the MRP's gross requirements over the horizon (a new item, an import).
{%- set history_days = var('alert_history_days', 182) | int %}
{%- set history_weeks = (history_days / 7) | round(0, 'ceil') | int %}
{%- set horizon_weeks = var('mrp_horizon_weeks', 26) | int %}
with items as (
    select item_id, item_code, item_type, lead_time_days, safety_stock_qty, standard_cost
    from {{ ref('int_mrp_items') }}
),

on_hand as (
    select item_id, sum(quantity) as on_hand_qty from {{ ref('stg_ops__stock_balance') }} group by item_id
),

open_supply as (
    select item_code, sum(quantity) as open_supply_qty from {{ ref('int_open_supply') }} group by item_code
),

issues as (
    -- consumption: stock leaving through issues to production and shipments to customers, up to as_of
    select item_id, move_date, -quantity as quantity
    from {{ ref('stg_ops__stock_move') }}
    where move_type in ('issue', 'shipment') and quantity < 0 and move_date <= {{ as_of_date() }}
),

weekly as (
    select
        item_id,
        floor({{ dbt.datediff(dbt.dateadd('day', -history_days, as_of_date()), 'move_date', 'day') }} / 7) as week_no,
        sum(quantity) as quantity
    from issues
    where move_date > {{ dbt.dateadd('day', -history_days, as_of_date()) }}
    group by 1, 2
),

usage as (
    -- mean and population variance over every week of the window, weeks without consumption counting as 0
    select
        item_id,
        sum(quantity) as used_qty,
        sum(quantity) / {{ history_weeks }} as mean_weekly,
        greatest(sum(quantity * quantity) / {{ history_weeks }} - power(sum(quantity) / {{ history_weeks }}, 2), 0)
            as var_weekly
    from weekly
    group by item_id
),

last_issue as (
    select item_id, max(move_date) as last_issue_date from issues group by item_id
),

first_move as (
    select item_id, min(move_date) as first_move_date
    from {{ ref('stg_ops__stock_move') }}
    where move_date <= {{ as_of_date() }}
    group by item_id
),

forward as (
    -- the MRP's gross requirements over the horizon, from the stored record (weeks left out have none): the view
    -- mrp_records would add a node to the chain every everyday build waits for (MRP, these stats, the alerts)
    select item_id, sum(independent + dependent) as gross_qty from {{ ref('int_mrp_record_rows') }} group by item_id
),

base as (
    select
        i.item_code,
        i.item_type,
        i.lead_time_days,
        i.safety_stock_qty,
        i.standard_cost,
        coalesce(o.on_hand_qty, 0) as on_hand_qty,
        coalesce(s.open_supply_qty, 0) as open_supply_qty,
        coalesce(u.used_qty, 0) as consumed_qty,
        coalesce(u.used_qty, 0) * i.standard_cost as consumption_value,
        case
            when coalesce(u.used_qty, 0) > 0 then u.used_qty / {{ history_days }}.0
            else coalesce(f.gross_qty, 0) / {{ horizon_weeks * 7 }}.0
        end as avg_daily_demand,
        case when coalesce(u.used_qty, 0) > 0 then 'history' else 'mrp' end as demand_basis,
        case when u.mean_weekly > 0 then sqrt(u.var_weekly) / u.mean_weekly end as demand_cv,
        sqrt(coalesce(u.var_weekly, 0)) as weekly_demand_std,
        l.last_issue_date,
        m.first_move_date
    from items as i
    left join on_hand as o on o.item_id = i.item_id
    left join open_supply as s on s.item_code = i.item_code
    left join usage as u on u.item_id = i.item_id
    left join last_issue as l on l.item_id = i.item_id
    left join first_move as m on m.item_id = i.item_id
    left join forward as f on f.item_id = i.item_id
),

ranked as (
    select
        *,
        sum(consumption_value) over (order by consumption_value desc, item_code rows unbounded preceding)
            as running_value,
        sum(consumption_value) over () as total_value
    from base
),

classified as (
    select
        *,
        case
            when consumption_value <= 0 then 'C'
            when running_value - consumption_value < {{ var('abc_a_share', 0.8) }} * total_value then 'A'
            when running_value - consumption_value < {{ var('abc_b_share', 0.95) }} * total_value then 'B'
            else 'C'
        end as abc_class,
        case
            when demand_cv is null then 'Z'
            when demand_cv <= {{ var('xyz_x_cv', 0.5) }} then 'X'
            when demand_cv <= {{ var('xyz_y_cv', 1.0) }} then 'Y'
            else 'Z'
        end as xyz_class
    from ranked
),

serviced as (
    select
        *,
        case abc_class
            when 'A' then {{ var('service_level_a', 0.98) }}
            when 'B' then {{ var('service_level_b', 0.95) }}
            else {{ var('service_level_c', 0.90) }}
        end as service_level
    from classified
)

select
    item_code,
    item_type,
    abc_class,
    xyz_class,
    consumed_qty,
    cast(consumption_value as numeric(18, 4)) as consumption_value,
    demand_basis,
    cast(avg_daily_demand as numeric(18, 6)) as avg_daily_demand,
    cast(demand_cv as numeric(18, 6)) as demand_cv,
    on_hand_qty,
    open_supply_qty,
    case when avg_daily_demand > 0 then cast(on_hand_qty / avg_daily_demand as numeric(18, 1)) end as days_of_supply,
    lead_time_days,
    safety_stock_qty,
    cast(avg_daily_demand * lead_time_days + safety_stock_qty as numeric(18, 6)) as reorder_point,
    service_level,
    cast(
        {{ normal_quantile('service_level') }} * weekly_demand_std * sqrt(lead_time_days / 7.0) as numeric(18, 6)
    ) as suggested_safety_stock,
    last_issue_date,
    first_move_date
from serviced
