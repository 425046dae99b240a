-- Cost centres (a tree through parent).
select
    {{ cast_id('id') }} as cost_center_id,
    {{ cast_text('code') }} as cost_center_code,
    {{ cast_text('name') }} as cost_center_name,
    {{ cast_id('parent_id') }} as parent_cost_center_id,
    {{ cast_bool('active') }} as is_active
from {{ source('ops', 'cost_center') }}
