-- Sales orders: what customers ordered, with amounts in the order's currency and its exchange rate to the base currency.
select
    {{ cast_id('id') }} as sales_order_id,
    {{ cast_text('number') }} as order_number,
    {{ cast_id('customer_id') }} as customer_id,
    {{ cast_date('order_date') }} as order_date,
    {{ cast_date('promised_date') }} as promised_date,
    {{ cast_id('quotation_id') }} as sales_quotation_id,
    {{ cast_id('contract_id') }} as sales_contract_id,
    {{ cast_text('currency') }} as currency,
    {{ cast_rate('exchange_rate') }} as exchange_rate,
    {{ cast_text('status') }} as order_status,
    {{ cast_money('net_amount') }} as net_amount,
    {{ cast_money('tax_amount') }} as tax_amount,
    {{ cast_money('gross_amount') }} as gross_amount,
    {{ cast_money('open_amount') }} as open_amount,
    {{ cast_rate('vat_rate') }} as vat_rate,
    {{ cast_text('reference') }} as reference,
    {{ cast_timestamp('created_at') }} as created_at
from {{ source('ops', 'sales_order') }}
