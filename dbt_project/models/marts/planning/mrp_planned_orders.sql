{{ config(materialized='view') }}
-- Planned orders, one per item and due week: the plan's stored rows (int_mrp_planned_order_rows, keyed by item_id
-- and 1-based weeks: text costs the store most of its write time) with item codes, order types and the Mondays
-- of the weeks joined back. References leave out the database name, so the view also reads from an attached
-- copy of the file (the next build reads this one as the previous publication).
select
    cast(o.planned_order_id as bigint) as planned_order_id,
    i.item_code,
    case when lower(trim(i.item_type)) = 'make' then 'production' else 'purchase' end as order_type,
    h.start_week + cast(7 * (o.release_period - 1) as integer) as release_date,
    h.start_week + cast(7 * (o.due_period - 1) as integer) as due_date,
    o.quantity,
    cast(o.release_period as integer) as release_period,
    cast(o.due_period as integer) as due_period,
    o.expedite,
    o.pegged_order_qty,
    o.pegged_forecast_qty,
    o.pegged_parent_qty,
    o.pegged_sources
from {{ ref('int_mrp_planned_order_rows').include(database=False) }} as o
inner join {{ ref('int_mrp_items').include(database=False) }} as i on i.item_id = o.item_id
cross join {{ ref('mrp_plan').include(database=False) }} as h
