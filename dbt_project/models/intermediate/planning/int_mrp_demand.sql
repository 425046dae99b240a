-- Independent demand for MRP: imported planning demand (orders and forecasts) and the open quantity of every
-- open sales order line (ordered - shipped, due on the line's promised date). Forecasts are consumed by orders
-- in the same week inside the engine. source_ref names the document the demand comes from; demand_row (0..,
-- by source table and id) is the row's position as MRP reads it, which mrp_pegging refers to.
with demand as (
    select
        i.item_id,
        i.item_code,
        d.due_date,
        d.quantity,
        d.demand_type,
        coalesce(d.reference, {{ dbt.concat(["'PD-'", cast_text('d.planning_demand_id')]) }}) as source_ref,
        'planning_demand' as source_table,
        d.planning_demand_id as source_id
    from {{ ref('stg_ops__planning_demand') }} as d
    inner join {{ ref('int_mrp_items') }} as i on i.item_id = d.item_id

    union all

    select
        i.item_id,
        i.item_code,
        l.promised_date as due_date,
        l.quantity - l.shipped_qty as quantity,
        'order' as demand_type,
        {{ dbt.concat(["o.order_number", "'/'", cast_text('l.line_no')]) }} as source_ref,
        'sales_order_line' as source_table,
        l.sales_order_line_id as source_id
    from {{ ref('stg_ops__sales_order_line') }} as l
    inner join {{ ref('stg_ops__sales_order') }} as o on o.sales_order_id = l.sales_order_id
    inner join {{ ref('int_mrp_items') }} as i on i.item_id = l.item_id
    where o.order_status in ('open', 'partially_shipped')
        and l.quantity > l.shipped_qty
)

select
    item_id,
    item_code,
    due_date,
    quantity,
    demand_type,
    source_ref,
    source_table,
    row_number() over (order by source_table, source_id) - 1 as demand_row
from demand
