-- Customer invoices (accounts receivable), in the customer's currency with the exchange rate of the invoice.
select
    {{ cast_id('id') }} as customer_invoice_id,
    {{ cast_text('number') }} as invoice_number,
    {{ cast_id('customer_id') }} as customer_id,
    {{ cast_id('order_id') }} as sales_order_id,
    {{ cast_date('invoice_date') }} as invoice_date,
    {{ cast_date('due_date') }} as due_date,
    {{ cast_text('currency') }} as currency,
    {{ cast_rate('exchange_rate') }} as exchange_rate,
    {{ cast_money('net_amount') }} as net_amount,
    {{ cast_money('tax_amount') }} as tax_amount,
    {{ cast_money('gross_amount') }} as gross_amount,
    {{ cast_money('paid_amount') }} as paid_amount,
    {{ cast_text('status') }} as invoice_status,
    {{ cast_id('journal_entry_id') }} as journal_entry_id,
    {{ cast_text('reference') }} as reference,
    {{ cast_timestamp('created_at') }} as created_at
from {{ source('ops', 'customer_invoice') }}
