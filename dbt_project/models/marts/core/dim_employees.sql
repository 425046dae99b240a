-- One row per employee, with cost centre and manager, and whether they are employed on the as-of date.
{%- set as_of = as_of_date() %}

select
    emp.employee_id,
    emp.employee_code,
    emp.employee_name,
    emp.department,
    emp.job_position,
    cc.cost_center_code,
    cc.cost_center_name,
    manager.employee_code as manager_employee_code,
    manager.employee_name as manager_name,
    emp.email,
    emp.hire_date,
    emp.leave_date,
    emp.is_active,
    coalesce(
        emp.is_active
        and (emp.hire_date is null or emp.hire_date <= {{ as_of }})
        and (emp.leave_date is null or emp.leave_date >= {{ as_of }}),
        false
    ) as is_employed_as_of,
    case
        when emp.hire_date <= {{ as_of }}
            then {{ dbt.datediff('emp.hire_date', as_of, 'day') }}
    end as tenure_days_as_of,
    {{ as_of }} as as_of_date
from {{ ref('stg_ops__employee') }} as emp
left join {{ ref('stg_ops__cost_center') }} as cc
    on cc.cost_center_id = emp.cost_center_id
left join {{ ref('stg_ops__employee') }} as manager
    on manager.employee_id = emp.manager_employee_id
