{#- Labour and overhead of one unit of each routed item at its own level (no components), from its routing:
    hours_per_unit * the work centre's hourly labour_rate and overhead_rate, summed over the steps.
    Setup hours are totalled for information only: the standard unit cost ignores them (see the
    standard_cost_rollup docs) because items have no standard batch size to spread them over. -#}

select
    step.item_id,
    count(*) as routing_steps,
    sum(step.hours_per_unit) as run_hours_per_unit,
    sum(step.setup_hours) as setup_hours,
    sum(step.hours_per_unit * wc.labour_rate) as labour_cost_per_unit,
    sum(step.hours_per_unit * wc.overhead_rate) as overhead_cost_per_unit
from {{ ref('stg_ops__routing_step') }} as step
inner join {{ ref('stg_ops__work_center') }} as wc
    on wc.work_center_id = step.work_center_id
group by step.item_id
