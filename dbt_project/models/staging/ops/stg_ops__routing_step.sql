-- Routing operations: which work centre makes an item, for how many hours per unit.
select
    {{ cast_id('id') }} as routing_step_id,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_id('step_no') }} as step_no,
    {{ cast_id('work_center_id') }} as work_center_id,
    {{ cast_qty('hours_per_unit') }} as hours_per_unit,
    {{ cast_qty('setup_hours') }} as setup_hours
from {{ source('ops', 'routing_step') }}
