-- Money received from customers; what is not allocated to invoices is an advance from the customer.
select
    {{ cast_id('id') }} as customer_payment_id,
    {{ cast_text('number') }} as payment_number,
    {{ cast_id('customer_id') }} as customer_id,
    {{ cast_date('payment_date') }} as payment_date,
    {{ cast_text('currency') }} as currency,
    {{ cast_rate('exchange_rate') }} as exchange_rate,
    {{ cast_money('amount') }} as amount,
    {{ cast_money('allocated_amount') }} as allocated_amount,
    {{ cast_id('journal_entry_id') }} as journal_entry_id,
    {{ cast_text('reference') }} as reference,
    {{ cast_timestamp('created_at') }} as created_at
from {{ source('ops', 'customer_payment') }}
