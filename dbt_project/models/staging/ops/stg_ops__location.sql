-- Stock locations: warehouses, production areas, bins (a tree through parent).
select
    {{ cast_id('id') }} as location_id,
    {{ cast_text('code') }} as location_code,
    {{ cast_text('name') }} as location_name,
    {{ cast_text('location_type') }} as location_type,
    {{ cast_id('parent_id') }} as parent_location_id,
    {{ cast_bool('active') }} as is_active
from {{ source('ops', 'location') }}
