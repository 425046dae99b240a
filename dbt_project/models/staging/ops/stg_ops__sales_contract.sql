-- Framework contracts with customers: agreed prices and volumes over a period.
select
    {{ cast_id('id') }} as sales_contract_id,
    {{ cast_text('number') }} as contract_number,
    {{ cast_id('customer_id') }} as customer_id,
    {{ cast_date('start_date') }} as start_date,
    {{ cast_date('end_date') }} as end_date,
    {{ cast_date('renewal_date') }} as renewal_date,
    {{ cast_text('status') }} as contract_status,
    {{ cast_text('reference') }} as reference,
    {{ cast_text('notes') }} as notes,
    {{ cast_timestamp('created_at') }} as created_at
from {{ source('ops', 'sales_contract') }}
