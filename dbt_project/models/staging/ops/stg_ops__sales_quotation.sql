-- Quotations to customers; an accepted quotation becomes a sales order.
select
    {{ cast_id('id') }} as sales_quotation_id,
    {{ cast_text('number') }} as quotation_number,
    {{ cast_id('customer_id') }} as customer_id,
    {{ cast_date('quote_date') }} as quote_date,
    {{ cast_date('valid_until') }} as valid_until,
    {{ cast_text('currency') }} as currency,
    {{ cast_text('status') }} as quotation_status,
    {{ cast_money('net_amount') }} as net_amount,
    {{ cast_text('reference') }} as reference,
    {{ cast_text('notes') }} as notes,
    {{ cast_timestamp('created_at') }} as created_at
from {{ source('ops', 'sales_quotation') }}
