-- Items: what is bought (buy) and what is made (make), with planning and costing parameters.
select
    {{ cast_id('id') }} as item_id,
    {{ cast_text('item_code') }} as item_code,
    {{ cast_text('description') }} as item_description,
    {{ cast_text('item_type') }} as item_type,
    {{ cast_id('uom_id') }} as uom_id,
    {{ cast_id('lead_time_days') }} as lead_time_days,
    {{ cast_text('lot_sizing') }} as lot_sizing,
    {{ cast_qty('lot_size_qty') }} as lot_size_qty,
    {{ cast_id('lot_size_periods') }} as lot_size_periods,
    {{ cast_qty('min_order_qty') }} as min_order_qty,
    {{ cast_qty('order_multiple') }} as order_multiple,
    {{ cast_qty('safety_stock_qty') }} as safety_stock_qty,
    {{ cast_money('standard_cost') }} as standard_cost,
    {{ cast_text('abc_class') }} as abc_class,
    {{ cast_text('product_family') }} as product_family,
    {{ cast_bool('allow_negative_stock') }} as allow_negative_stock,
    {{ cast_bool('active') }} as is_active
from {{ source('ops', 'item') }}
