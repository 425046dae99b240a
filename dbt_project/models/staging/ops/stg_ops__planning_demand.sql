-- Independent demand imported for planning (forecasts and firm demand not entered as sales orders).
select
    {{ cast_id('id') }} as planning_demand_id,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_date('due_date') }} as due_date,
    {{ cast_qty('quantity') }} as quantity,
    {{ cast_text('demand_type') }} as demand_type,
    {{ cast_id('customer_id') }} as customer_id,
    {{ cast_text('reference') }} as reference
from {{ source('ops', 'planning_demand') }}
