-- Prices per item on each price list.
select
    {{ cast_id('id') }} as price_list_line_id,
    {{ cast_id('price_list_id') }} as price_list_id,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_money('unit_price') }} as unit_price
from {{ source('ops', 'price_list_line') }}
