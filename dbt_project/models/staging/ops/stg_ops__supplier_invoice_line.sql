-- Lines of supplier invoices: quantity and price per purchase order line, with the order price for the match.
select
    {{ cast_id('id') }} as supplier_invoice_line_id,
    {{ cast_id('invoice_id') }} as supplier_invoice_id,
    {{ cast_id('line_no') }} as line_no,
    {{ cast_id('order_line_id') }} as purchase_order_line_id,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_qty('quantity') }} as quantity,
    {{ cast_money('unit_price') }} as unit_price,
    {{ cast_money('order_price') }} as order_price,
    {{ cast_money('net_amount') }} as net_amount,
    {{ cast_rate('vat_rate') }} as vat_rate,
    {{ cast_money('tax_amount') }} as tax_amount
from {{ source('ops', 'supplier_invoice_line') }}
