-- Lines of the customer invoices.
select
    {{ cast_id('id') }} as customer_invoice_line_id,
    {{ cast_id('invoice_id') }} as customer_invoice_id,
    {{ cast_id('line_no') }} as line_no,
    {{ cast_id('order_line_id') }} as sales_order_line_id,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_text('description') }} as line_description,
    {{ cast_qty('quantity') }} as quantity,
    {{ cast_money('unit_price') }} as unit_price,
    {{ cast_rate('discount_pct') }} as discount_pct,
    {{ cast_money('net_amount') }} as net_amount,
    {{ cast_rate('vat_rate') }} as vat_rate,
    {{ cast_money('tax_amount') }} as tax_amount
from {{ source('ops', 'customer_invoice_line') }}
