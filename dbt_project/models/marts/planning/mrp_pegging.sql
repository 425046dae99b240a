{{ config(materialized='view') }}
-- Every demand source of every planned order (order rows, unconsumed forecast, parents' dependent demand): the
-- stored rows of int_mrp_pegging_rows with the order's item code, week dates and the source joined back (source_id
-- is the demand_row of an order or forecast row, the item_id of a parent).
select
    cast(g.planned_order_id as bigint) as planned_order_id,
    i.item_code,
    cast(g.period as integer) as period,
    h.start_week + cast(7 * (g.period - 1) as integer) as week_start,
    case g.source_type when 0 then 'order' when 1 then 'forecast' else 'parent' end as source_type,
    d.source_ref,
    case when g.source_type < 2 then g.source_id end as demand_row,
    p.item_code as parent_item,
    g.quantity
from {{ ref('int_mrp_pegging_rows').include(database=False) }} as g
inner join {{ ref('int_mrp_planned_order_rows').include(database=False) }} as o
    on o.planned_order_id = g.planned_order_id
inner join {{ ref('int_mrp_items').include(database=False) }} as i on i.item_id = o.item_id
left join {{ ref('int_mrp_items').include(database=False) }} as p
    on p.item_id = case when g.source_type = 2 then g.source_id end
left join {{ ref('int_mrp_demand').include(database=False) }} as d
    on d.demand_row = case when g.source_type < 2 then g.source_id end
cross join {{ ref('mrp_plan').include(database=False) }} as h
