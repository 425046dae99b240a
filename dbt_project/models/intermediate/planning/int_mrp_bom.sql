-- Single-level BOM lines between active items, by item id and code (a line to a retired item is not planned).
select
    parent.item_id as parent_item_id,
    component.item_id as component_item_id,
    parent.item_code as parent_item,
    component.item_code as component_item,
    b.qty_per,
    b.scrap_pct
from {{ ref('stg_ops__bom_line') }} as b
inner join {{ ref('int_mrp_items') }} as parent on parent.item_id = b.parent_item_id
inner join {{ ref('int_mrp_items') }} as component on component.item_id = b.component_item_id
