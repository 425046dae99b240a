-- One row per supplier.
select
    supplier_id,
    supplier_code,
    supplier_name,
    tax_id,
    country_code,
    currency,
    payment_terms_days,
    supplier_group,
    email,
    phone,
    address,
    is_active
from {{ ref('stg_ops__supplier') }}
