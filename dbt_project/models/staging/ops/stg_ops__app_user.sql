-- People who sign in to the ERP. The password hash is never copied into the warehouse.
select
    {{ cast_id('id') }} as user_id,
    {{ cast_text('username') }} as username,
    {{ cast_text('display_name') }} as display_name,
    {{ cast_text('language') }} as language,
    {{ cast_id('employee_id') }} as employee_id,
    {{ cast_bool('active') }} as is_active,
    {{ cast_timestamp('created_at') }} as created_at
from {{ source('ops', 'app_user') }}
