-- Which supplier invoices each payment settled, and for how much (invoice currency).
select
    {{ cast_id('id') }} as supplier_payment_allocation_id,
    {{ cast_id('payment_id') }} as supplier_payment_id,
    {{ cast_id('invoice_id') }} as supplier_invoice_id,
    {{ cast_money('amount') }} as amount
from {{ source('ops', 'supplier_payment_allocation') }}
