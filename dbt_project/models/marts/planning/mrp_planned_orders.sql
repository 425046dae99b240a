{{ config(materialized='view') }}
-- Planned orders, one per item and due week: the plan's stored rows (int_mrp_planned_order_rows, keyed by item_id
-- and 1-based weeks: text costs the store most of its write time) with item codes, order types and the Mondays
-- of the weeks joined back. The pegged demand by source (0 order, 1 forecast, 2 parent, as in mrp_pegging) is
-- summed from the stored pegging rows: stored with the orders, those four columns cost the MRP's build about 0.25 s
-- at 100,000 items (1.27 million orders) and made the orders wait for the pegging. References leave out the
-- database name, so the view also reads from an attached copy of the file (the next build reads this one as the
-- previous publication).
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
    cast(coalesce(p.pegged_order_qty, 0) as decimal(18, 6)) as pegged_order_qty,
    cast(coalesce(p.pegged_forecast_qty, 0) as decimal(18, 6)) as pegged_forecast_qty,
    cast(coalesce(p.pegged_parent_qty, 0) as decimal(18, 6)) as pegged_parent_qty,
    cast(coalesce(p.pegged_sources, 0) as integer) as pegged_sources
from {{ ref('int_mrp_planned_order_rows').include(database=False) }} as o
left join (
    select
        planned_order_id,
        sum(case when source_type = 0 then quantity end) as pegged_order_qty,
        sum(case when source_type = 1 then quantity end) as pegged_forecast_qty,
        sum(case when source_type = 2 then quantity end) as pegged_parent_qty,
        count(*) as pegged_sources
    from {{ ref('int_mrp_pegging_rows').include(database=False) }}
    group by planned_order_id
) as p on p.planned_order_id = o.planned_order_id
inner join {{ ref('int_mrp_items').include(database=False) }} as i on i.item_id = o.item_id
cross join {{ ref('mrp_plan').include(database=False) }} as h
