-- Which invoices each payment settled, and for how much (in the invoice's currency).
select
    {{ cast_id('id') }} as payment_allocation_id,
    {{ cast_id('payment_id') }} as customer_payment_id,
    {{ cast_id('invoice_id') }} as customer_invoice_id,
    {{ cast_money('amount') }} as amount
from {{ source('ops', 'payment_allocation') }}
