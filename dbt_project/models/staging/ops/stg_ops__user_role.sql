-- Roles held by each user.
select
    {{ cast_id('user_id') }} as user_id,
    {{ cast_id('role_id') }} as role_id
from {{ source('ops', 'user_role') }}
