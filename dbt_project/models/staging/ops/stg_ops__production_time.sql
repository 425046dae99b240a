-- Labour and machine time reported on production order operations, at the actual labour rate and the standard
-- overhead rate.
select
    {{ cast_id('id') }} as production_time_id,
    {{ cast_id('order_id') }} as production_order_id,
    {{ cast_id('operation_id') }} as production_order_operation_id,
    {{ cast_date('report_date') }} as report_date,
    {{ cast_id('employee_id') }} as employee_id,
    {{ cast_qty('labour_hours') }} as labour_hours,
    {{ cast_qty('machine_hours') }} as machine_hours,
    {{ cast_money('labour_rate') }} as labour_rate,
    {{ cast_money('labour_cost') }} as labour_cost,
    {{ cast_money('overhead_cost') }} as overhead_cost,
    {{ cast_id('journal_entry_id') }} as journal_entry_id,
    {{ cast_text('created_by') }} as created_by,
    {{ cast_timestamp('created_at') }} as created_at
from {{ source('ops', 'production_time') }}
