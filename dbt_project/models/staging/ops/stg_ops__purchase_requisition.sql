-- Internal requests to buy: what is needed, for which cost centre, by when.
select
    {{ cast_id('id') }} as purchase_requisition_id,
    {{ cast_text('number') }} as requisition_number,
    {{ cast_date('request_date') }} as request_date,
    {{ cast_date('needed_date') }} as needed_date,
    {{ cast_id('cost_center_id') }} as cost_center_id,
    {{ cast_text('requested_by') }} as requested_by,
    {{ cast_text('status') }} as requisition_status,
    {{ cast_text('reference') }} as reference,
    {{ cast_text('notes') }} as notes,
    {{ cast_timestamp('created_at') }} as created_at
from {{ source('ops', 'purchase_requisition') }}
