-- The bill of materials of a production order as released, with the standard unit costs of that moment.
select
    {{ cast_id('id') }} as production_order_material_id,
    {{ cast_id('order_id') }} as production_order_id,
    {{ cast_id('line_no') }} as line_no,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_qty('qty_per') }} as qty_per,
    {{ cast_rate('scrap_pct') }} as scrap_pct,
    {{ cast_qty('planned_qty') }} as planned_qty,
    {{ cast_qty('issued_qty') }} as issued_qty,
    {{ cast_money('unit_cost') }} as unit_cost
from {{ source('ops', 'production_order_material') }}
