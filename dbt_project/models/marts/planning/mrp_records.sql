{{ config(materialized='view') }}
-- The time-phased MRP record per item and week (weeks where nothing happens are left out, see docs/planning.md):
-- the stored rows of int_mrp_record_rows with item codes and week dates joined back, gross = independent +
-- dependent.
select
    i.item_code,
    cast(r.period as integer) as period,
    h.start_week + cast(7 * (r.period - 1) as integer) as week_start,
    cast(r.independent + r.dependent as decimal(18, 6)) as gross,
    r.independent,
    r.dependent,
    r.scheduled,
    r.projected_on_hand,
    r.net,
    r.planned_receipts,
    r.planned_releases
from {{ ref('int_mrp_record_rows').include(database=False) }} as r
inner join {{ ref('int_mrp_items').include(database=False) }} as i on i.item_id = r.item_id
cross join {{ ref('mrp_plan').include(database=False) }} as h
