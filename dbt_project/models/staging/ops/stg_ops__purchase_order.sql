-- Purchase orders to suppliers, in the supplier's currency, approved by someone other than their creator before
-- goods can be received.
select
    {{ cast_id('id') }} as purchase_order_id,
    {{ cast_text('number') }} as order_number,
    {{ cast_id('supplier_id') }} as supplier_id,
    {{ cast_date('order_date') }} as order_date,
    {{ cast_date('expected_date') }} as expected_date,
    {{ cast_id('requisition_id') }} as purchase_requisition_id,
    {{ cast_id('cost_center_id') }} as cost_center_id,
    {{ cast_text('currency') }} as currency,
    {{ cast_rate('exchange_rate') }} as exchange_rate,
    {{ cast_rate('vat_rate') }} as vat_rate,
    {{ cast_text('status') }} as order_status,
    {{ cast_money('net_amount') }} as net_amount,
    {{ cast_money('tax_amount') }} as tax_amount,
    {{ cast_money('gross_amount') }} as gross_amount,
    {{ cast_rate('receipt_tolerance_pct') }} as receipt_tolerance_pct,
    {{ cast_rate('price_tolerance_pct') }} as price_tolerance_pct,
    {{ cast_text('created_by') }} as created_by,
    {{ cast_text('approved_by') }} as approved_by,
    {{ cast_timestamp('approved_at') }} as approved_at,
    {{ cast_text('reference') }} as reference,
    {{ cast_text('notes') }} as notes,
    {{ cast_timestamp('created_at') }} as created_at
from {{ source('ops', 'purchase_order') }}
