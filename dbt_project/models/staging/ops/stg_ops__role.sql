-- Security roles that group permissions (admin, finance, planner ...).
select
    {{ cast_id('id') }} as role_id,
    {{ cast_text('code') }} as role_code,
    {{ cast_text('name') }} as role_name,
    {{ cast_text('name_en') }} as role_name_en
from {{ source('ops', 'role') }}
