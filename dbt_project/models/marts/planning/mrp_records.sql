{{ config(materialized='view') }}
-- The time-phased MRP record per item and week (weeks where nothing happens are left out, see docs/planning.md):
-- the stored rows of int_mrp_record_rows with item codes and week dates joined back, and the columns the plan does
-- not store derived here (erp/planning/tables.py, RECORD_FIELDS): gross = independent + dependent; planned
-- receipts: the planned order due that week (one per item and week); planned releases: the orders released that
-- week; net requirement = max(0, safety stock - projected on hand + planned receipts), the balance identity.
select
    i.item_code,
    cast(r.period as integer) as period,
    h.start_week + cast(7 * (r.period - 1) as integer) as week_start,
    cast(r.independent + r.dependent as decimal(18, 6)) as gross,
    r.independent,
    r.dependent,
    r.scheduled,
    r.projected_on_hand,
    cast(
        greatest(0, coalesce(i.safety_stock_qty, 0) - r.projected_on_hand + coalesce(received.quantity, 0))
        as decimal(18, 6)
    ) as net,
    cast(coalesce(received.quantity, 0) as decimal(18, 6)) as planned_receipts,
    cast(coalesce(released.quantity, 0) as decimal(18, 6)) as planned_releases
from {{ ref('int_mrp_record_rows').include(database=False) }} as r
inner join {{ ref('int_mrp_items').include(database=False) }} as i on i.item_id = r.item_id
left join {{ ref('int_mrp_planned_order_rows').include(database=False) }} as received
    on received.item_id = r.item_id and received.due_period = r.period
left join (
    select item_id, release_period, sum(quantity) as quantity
    from {{ ref('int_mrp_planned_order_rows').include(database=False) }}
    group by item_id, release_period
) as released on released.item_id = r.item_id and released.release_period = r.period
cross join {{ ref('mrp_plan').include(database=False) }} as h
