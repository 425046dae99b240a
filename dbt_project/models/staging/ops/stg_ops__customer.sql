-- Customers.
select
    {{ cast_id('id') }} as customer_id,
    {{ cast_text('code') }} as customer_code,
    {{ cast_text('name') }} as customer_name,
    {{ cast_text('tax_id') }} as tax_id,
    {{ cast_text('address') }} as address,
    {{ cast_text('country') }} as country_code,
    {{ cast_text('phone') }} as phone,
    {{ cast_text('email') }} as email,
    {{ cast_text('currency') }} as currency,
    {{ cast_money('credit_limit') }} as credit_limit,
    {{ cast_id('payment_terms_days') }} as payment_terms_days,
    {{ cast_text('customer_group') }} as customer_group,
    {{ cast_bool('active') }} as is_active
from {{ source('ops', 'customer') }}
