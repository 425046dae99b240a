-- Open supply imported from another system (open purchase and production orders not entered here).
select
    {{ cast_id('id') }} as scheduled_receipt_id,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_date('due_date') }} as due_date,
    {{ cast_qty('quantity') }} as quantity,
    {{ cast_text('supply_type') }} as supply_type,
    {{ cast_text('reference') }} as reference
from {{ source('ops', 'scheduled_receipt') }}
