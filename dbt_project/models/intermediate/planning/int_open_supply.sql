{#- Firm open supply MRP nets but never moves: one row per open order (line) with its remaining quantity due.

    Extension point: open purchase order lines and open production orders (issue 4) are added here as further
    `union all` branches with the same columns (remaining quantity = ordered - received, due date = the line's
    expected date; supply_type purchase|production; order_ref = the document number, unique across branches).
    MRP, the exception messages and the inventory alerts all read open supply only from this model. -#}
select
    i.item_code,
    r.due_date,
    r.quantity,
    r.supply_type,
    coalesce(r.reference, {{ dbt.concat(["'SR-'", cast_text('r.scheduled_receipt_id')]) }}) as order_ref,
    'scheduled_receipt' as source_table
from {{ ref('stg_ops__scheduled_receipt') }} as r
inner join {{ ref('int_mrp_items') }} as i on i.item_id = r.item_id
where r.quantity > 0
