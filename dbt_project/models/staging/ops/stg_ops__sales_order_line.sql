-- Sales order lines with what has been shipped and invoiced of them.
select
    {{ cast_id('id') }} as sales_order_line_id,
    {{ cast_id('order_id') }} as sales_order_id,
    {{ cast_id('line_no') }} as line_no,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_qty('quantity') }} as quantity,
    {{ cast_money('unit_price') }} as unit_price,
    {{ cast_rate('discount_pct') }} as discount_pct,
    {{ cast_money('net_amount') }} as net_amount,
    {{ cast_date('promised_date') }} as promised_date,
    {{ cast_qty('shipped_qty') }} as shipped_qty,
    {{ cast_qty('invoiced_qty') }} as invoiced_qty
from {{ source('ops', 'sales_order_line') }}
