-- Suppliers.
select
    {{ cast_id('id') }} as supplier_id,
    {{ cast_text('code') }} as supplier_code,
    {{ cast_text('name') }} as supplier_name,
    {{ cast_text('tax_id') }} as tax_id,
    {{ cast_text('address') }} as address,
    {{ cast_text('country') }} as country_code,
    {{ cast_text('phone') }} as phone,
    {{ cast_text('email') }} as email,
    {{ cast_text('currency') }} as currency,
    {{ cast_id('payment_terms_days') }} as payment_terms_days,
    {{ cast_text('supplier_group') }} as supplier_group,
    {{ cast_bool('active') }} as is_active
from {{ source('ops', 'supplier') }}
