-- Supplier invoices (accounts payable), matched to their order and receipts; a held invoice (price beyond tolerance)
-- is recorded but neither posted nor payable until released.
select
    {{ cast_id('id') }} as supplier_invoice_id,
    {{ cast_text('number') }} as invoice_number,
    {{ cast_id('supplier_id') }} as supplier_id,
    {{ cast_id('order_id') }} as purchase_order_id,
    {{ cast_text('supplier_ref') }} as supplier_ref,
    {{ cast_date('invoice_date') }} as invoice_date,
    {{ cast_date('due_date') }} as due_date,
    {{ cast_text('currency') }} as currency,
    {{ cast_rate('exchange_rate') }} as exchange_rate,
    {{ cast_money('net_amount') }} as net_amount,
    {{ cast_money('tax_amount') }} as tax_amount,
    {{ cast_money('gross_amount') }} as gross_amount,
    {{ cast_money('price_variance') }} as price_variance,
    {{ cast_money('paid_amount') }} as paid_amount,
    {{ cast_text('status') }} as invoice_status,
    {{ cast_text('hold_reason') }} as hold_reason,
    {{ cast_text('released_by') }} as released_by,
    {{ cast_id('journal_entry_id') }} as journal_entry_id,
    {{ cast_text('reference') }} as reference,
    {{ cast_timestamp('created_at') }} as created_at
from {{ source('ops', 'supplier_invoice') }}
