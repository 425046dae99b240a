-- Purchase order lines: item, quantity, price, expected date and what was received and invoiced so far.
select
    {{ cast_id('id') }} as purchase_order_line_id,
    {{ cast_id('order_id') }} as purchase_order_id,
    {{ cast_id('line_no') }} as line_no,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_qty('quantity') }} as quantity,
    {{ cast_money('unit_price') }} as unit_price,
    {{ cast_money('net_amount') }} as net_amount,
    {{ cast_date('expected_date') }} as expected_date,
    {{ cast_id('account_id') }} as account_id,
    {{ cast_id('contract_id') }} as purchase_contract_id,
    {{ cast_id('requisition_line_id') }} as purchase_requisition_line_id,
    {{ cast_qty('received_qty') }} as received_qty,
    {{ cast_qty('invoiced_qty') }} as invoiced_qty
from {{ source('ops', 'purchase_order_line') }}
