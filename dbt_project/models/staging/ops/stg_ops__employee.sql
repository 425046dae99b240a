-- Employees, their cost centre and manager.
select
    {{ cast_id('id') }} as employee_id,
    {{ cast_text('employee_code') }} as employee_code,
    {{ cast_text('name') }} as employee_name,
    {{ cast_text('department') }} as department,
    {{ cast_text('position') }} as job_position,
    {{ cast_id('cost_center_id') }} as cost_center_id,
    {{ cast_id('manager_id') }} as manager_employee_id,
    {{ cast_text('email') }} as email,
    {{ cast_date('hire_date') }} as hire_date,
    {{ cast_date('leave_date') }} as leave_date,
    {{ cast_bool('active') }} as is_active
from {{ source('ops', 'employee') }}
