-- Framework agreements with suppliers: agreed prices over a period.
select
    {{ cast_id('id') }} as purchase_contract_id,
    {{ cast_text('number') }} as contract_number,
    {{ cast_id('supplier_id') }} as supplier_id,
    {{ cast_date('start_date') }} as start_date,
    {{ cast_date('end_date') }} as end_date,
    {{ cast_text('currency') }} as currency,
    {{ cast_text('status') }} as contract_status,
    {{ cast_text('reference') }} as reference,
    {{ cast_text('notes') }} as notes,
    {{ cast_timestamp('created_at') }} as created_at
from {{ source('ops', 'purchase_contract') }}
