-- Work centres with their hourly labour and overhead rates.
select
    {{ cast_id('id') }} as work_center_id,
    {{ cast_text('code') }} as work_center_code,
    {{ cast_text('name') }} as work_center_name,
    {{ cast_id('cost_center_id') }} as cost_center_id,
    {{ cast_money('labour_rate') }} as labour_rate,
    {{ cast_money('overhead_rate') }} as overhead_rate,
    {{ cast_qty('capacity_hours_per_day') }} as capacity_hours_per_day,
    {{ cast_bool('active') }} as is_active
from {{ source('ops', 'work_center') }}
