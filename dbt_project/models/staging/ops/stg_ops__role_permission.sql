-- Permissions granted to each role ('*' grants all).
select
    {{ cast_id('id') }} as role_permission_id,
    {{ cast_id('role_id') }} as role_id,
    {{ cast_text('permission') }} as permission
from {{ source('ops', 'role_permission') }}
