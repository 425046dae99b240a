{#- Labour and overhead of each production order per operation (its released routing): standard hours for what
    was made (setup + hours per unit x quantity made; none while nothing is made), hours and labour cost reported
    up to the as-of date, and the split the order's close posts:
    labour rate = labour cost reported - labour hours x standard rate;
    labour efficiency = (labour hours - standard hours) x standard rate;
    overhead = (machine hours - standard hours) x overhead rate (overhead is absorbed on machine hours).
    Each is rounded to cents per operation, as the service rounds them. -#}
with reported as (
    select
        production_order_operation_id,
        sum(labour_hours) as labour_hours,
        sum(machine_hours) as machine_hours,
        sum(labour_cost) as labour_cost,
        sum(overhead_cost) as overhead_cost
    from {{ ref('stg_ops__production_time') }}
    where report_date <= {{ as_of_date() }}
    group by production_order_operation_id
),

operations as (
    select
        orders.production_order_id,
        orders.order_number,
        operation.step_no,
        operation.work_center_id,
        operation.labour_rate,
        operation.overhead_rate,
        operation.planned_hours,
        case
            when orders.made_qty > 0
                then round(
                    {{ cast_wide('operation.setup_hours') }}
                    + {{ cast_wide('operation.hours_per_unit') }} * {{ cast_wide('orders.made_qty') }},
                    6
                )
            else 0
        end as standard_hours,
        coalesce(reported.labour_hours, 0) as labour_hours,
        coalesce(reported.machine_hours, 0) as machine_hours,
        coalesce(reported.labour_cost, 0) as labour_cost,
        coalesce(reported.overhead_cost, 0) as overhead_cost
    from {{ ref('int_production_orders') }} as orders
    inner join {{ ref('stg_ops__production_order_operation') }} as operation
        on operation.production_order_id = orders.production_order_id
    left join reported
        on reported.production_order_operation_id = operation.production_order_operation_id
)

select
    production_order_id,
    order_number,
    step_no,
    work_center_id,
    labour_rate,
    overhead_rate,
    planned_hours,
    cast(standard_hours as numeric(18, 6)) as standard_hours,
    cast(labour_hours as numeric(18, 6)) as labour_hours,
    cast(machine_hours as numeric(18, 6)) as machine_hours,
    cast(labour_cost as numeric(18, 4)) as actual_labour_cost,
    cast(overhead_cost as numeric(18, 4)) as actual_overhead_cost,
    cast(round({{ cast_wide('standard_hours') }} * {{ cast_wide('labour_rate') }}, 2) as numeric(18, 4))
        as standard_labour_cost,
    cast(round({{ cast_wide('standard_hours') }} * {{ cast_wide('overhead_rate') }}, 2) as numeric(18, 4))
        as standard_overhead_cost,
    cast(
        labour_cost - round({{ cast_wide('labour_hours') }} * {{ cast_wide('labour_rate') }}, 2) as numeric(18, 4)
    ) as labour_rate_variance,
    cast(
        round(({{ cast_wide('labour_hours') }} - {{ cast_wide('standard_hours') }}) * {{ cast_wide('labour_rate') }}, 2)
        as numeric(18, 4)
    ) as labour_efficiency_variance,
    cast(
        round(
            ({{ cast_wide('machine_hours') }} - {{ cast_wide('standard_hours') }}) * {{ cast_wide('overhead_rate') }}, 2
        ) as numeric(18, 4)
    ) as overhead_variance
from operations
