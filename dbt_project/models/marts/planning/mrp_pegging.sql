{{ config(materialized='view') }}
-- Every demand source of every planned order (order rows, unconsumed forecast, parents' dependent demand): the
-- stored rows of int_mrp_pegging_rows with item codes, week dates and the demand rows' source_ref joined back.
select
    cast(g.planned_order_id as bigint) as planned_order_id,
    i.item_code,
    cast(g.period as integer) as period,
    h.start_week + cast(7 * (g.period - 1) as integer) as week_start,
    case g.source_type when 0 then 'order' when 1 then 'forecast' else 'parent' end as source_type,
    d.source_ref,
    g.demand_row,
    p.item_code as parent_item,
    g.quantity
from {{ ref('int_mrp_pegging_rows').include(database=False) }} as g
inner join {{ ref('int_mrp_items').include(database=False) }} as i on i.item_id = g.item_id
left join {{ ref('int_mrp_items').include(database=False) }} as p on p.item_id = g.parent_item_id
left join {{ ref('int_mrp_demand').include(database=False) }} as d on d.demand_row = g.demand_row
cross join {{ ref('mrp_plan').include(database=False) }} as h
