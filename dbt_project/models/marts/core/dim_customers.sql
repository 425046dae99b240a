-- One row per customer.
select
    customer_id,
    customer_code,
    customer_name,
    tax_id,
    country_code,
    currency,
    credit_limit,
    payment_terms_days,
    customer_group,
    email,
    phone,
    address,
    is_active
from {{ ref('stg_ops__customer') }}
