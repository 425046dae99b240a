{#- Firm open supply MRP nets but never moves: one row per open order (line) with its remaining quantity due,
    the same rows as erp.services.open_supply.open_supply():
    - approved purchase order lines not fully received (order approved or partially received): ordered -
      received, due on the line's expected date, order_ref ORDER/LINE;
    - production orders planned or released with quantity still to make: quantity - completed, due on the
      order's due date, order_ref the order number;
    - scheduled receipts imported from another system.
    MRP, the exception messages and the inventory alerts all read open supply only from this model. -#}
select
    i.item_id,
    i.item_code,
    line.expected_date as due_date,
    cast(line.quantity - line.received_qty as numeric(18, 6)) as quantity,
    'purchase' as supply_type,
    {{ dbt.concat(['po.order_number', "'/'", cast_text('line.line_no')]) }} as order_ref,
    'purchase_order_line' as source_table
from {{ ref('stg_ops__purchase_order_line') }} as line
inner join {{ ref('stg_ops__purchase_order') }} as po on po.purchase_order_id = line.purchase_order_id
inner join {{ ref('int_mrp_items') }} as i on i.item_id = line.item_id
where po.order_status in ('approved', 'partially_received')
    and line.received_qty < line.quantity

union all

select
    i.item_id,
    i.item_code,
    mo.due_date,
    cast(mo.quantity - mo.completed_qty as numeric(18, 6)) as quantity,
    'production' as supply_type,
    mo.order_number as order_ref,
    'production_order' as source_table
from {{ ref('stg_ops__production_order') }} as mo
inner join {{ ref('int_mrp_items') }} as i on i.item_id = mo.item_id
where mo.order_status in ('planned', 'released')
    and mo.completed_qty < mo.quantity

union all

select
    i.item_id,
    i.item_code,
    r.due_date,
    r.quantity,
    r.supply_type,
    coalesce(r.reference, {{ dbt.concat(["'SR-'", cast_text('r.scheduled_receipt_id')]) }}) as order_ref,
    'scheduled_receipt' as source_table
from {{ ref('stg_ops__scheduled_receipt') }} as r
inner join {{ ref('int_mrp_items') }} as i on i.item_id = r.item_id
where r.quantity > 0
