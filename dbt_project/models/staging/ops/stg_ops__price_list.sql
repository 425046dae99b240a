-- Price lists: the default list (no customer) and customer-specific lists.
select
    {{ cast_id('id') }} as price_list_id,
    {{ cast_text('code') }} as price_list_code,
    {{ cast_text('name') }} as price_list_name,
    {{ cast_id('customer_id') }} as customer_id,
    {{ cast_text('currency') }} as currency,
    {{ cast_date('valid_from') }} as valid_from,
    {{ cast_date('valid_to') }} as valid_to,
    {{ cast_bool('active') }} as is_active
from {{ source('ops', 'price_list') }}
