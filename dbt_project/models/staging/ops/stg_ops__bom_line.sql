-- Single-level bill of materials lines: components per unit of the parent.
select
    {{ cast_id('id') }} as bom_line_id,
    {{ cast_id('parent_item_id') }} as parent_item_id,
    {{ cast_id('component_item_id') }} as component_item_id,
    {{ cast_qty('qty_per') }} as qty_per,
    {{ cast_rate('scrap_pct') }} as scrap_pct
from {{ source('ops', 'bom_line') }}
