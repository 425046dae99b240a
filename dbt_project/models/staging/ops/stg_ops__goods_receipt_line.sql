-- Lines of goods receipts: quantity received per order line, at the order price and the standard cost of the day.
select
    {{ cast_id('id') }} as goods_receipt_line_id,
    {{ cast_id('receipt_id') }} as goods_receipt_id,
    {{ cast_id('order_line_id') }} as purchase_order_line_id,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_qty('quantity') }} as quantity,
    {{ cast_money('unit_price') }} as unit_price,
    {{ cast_money('unit_cost') }} as unit_cost
from {{ source('ops', 'goods_receipt_line') }}
