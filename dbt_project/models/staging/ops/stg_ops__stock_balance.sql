-- On hand per item and location, as the store keeps it (always the sum of the stock moves).
select
    {{ cast_id('item_id') }} as item_id,
    {{ cast_id('location_id') }} as location_id,
    {{ cast_qty('quantity') }} as quantity
from {{ source('ops', 'stock_balance') }}
