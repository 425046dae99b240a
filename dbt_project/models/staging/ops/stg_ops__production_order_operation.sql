-- The routing of a production order as released, with the work centre's rates of that moment and the hours and
-- labour cost reported.
select
    {{ cast_id('id') }} as production_order_operation_id,
    {{ cast_id('order_id') }} as production_order_id,
    {{ cast_id('step_no') }} as step_no,
    {{ cast_id('work_center_id') }} as work_center_id,
    {{ cast_qty('hours_per_unit') }} as hours_per_unit,
    {{ cast_qty('setup_hours') }} as setup_hours,
    {{ cast_qty('planned_hours') }} as planned_hours,
    {{ cast_money('labour_rate') }} as labour_rate,
    {{ cast_money('overhead_rate') }} as overhead_rate,
    {{ cast_qty('labour_hours') }} as labour_hours,
    {{ cast_qty('machine_hours') }} as machine_hours,
    {{ cast_money('labour_cost') }} as labour_cost
from {{ source('ops', 'production_order_operation') }}
