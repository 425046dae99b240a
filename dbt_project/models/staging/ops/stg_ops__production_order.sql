-- Production orders: make an item from its bill of materials along its routing, at standard cost; on close the
-- variances are stored and posted.
select
    {{ cast_id('id') }} as production_order_id,
    {{ cast_text('number') }} as order_number,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_qty('quantity') }} as quantity,
    {{ cast_date('start_date') }} as start_date,
    {{ cast_date('due_date') }} as due_date,
    {{ cast_id('location_id') }} as location_id,
    {{ cast_id('issue_location_id') }} as issue_location_id,
    {{ cast_text('issue_method') }} as issue_method,
    {{ cast_text('status') }} as order_status,
    {{ cast_qty('completed_qty') }} as completed_qty,
    {{ cast_money('material_variance') }} as material_variance,
    {{ cast_money('labour_rate_variance') }} as labour_rate_variance,
    {{ cast_money('labour_efficiency_variance') }} as labour_efficiency_variance,
    {{ cast_money('overhead_variance') }} as overhead_variance,
    {{ cast_money('cost_difference') }} as cost_difference,
    {{ cast_id('close_entry_id') }} as close_journal_entry_id,
    {{ cast_text('reference') }} as reference,
    {{ cast_text('created_by') }} as created_by,
    {{ cast_timestamp('created_at') }} as created_at,
    {{ cast_timestamp('released_at') }} as released_at,
    {{ cast_timestamp('closed_at') }} as closed_at
from {{ source('ops', 'production_order') }}
