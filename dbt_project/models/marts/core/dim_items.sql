-- One row per item with its unit of measure and planning parameters.
select
    item.item_id,
    item.item_code,
    item.item_description,
    item.item_type,
    uom.uom_code,
    uom.uom_name,
    item.lead_time_days,
    item.lot_sizing,
    item.lot_size_qty,
    item.lot_size_periods,
    item.min_order_qty,
    item.order_multiple,
    item.safety_stock_qty,
    item.standard_cost,
    item.abc_class,
    item.product_family,
    item.allow_negative_stock,
    item.is_active
from {{ ref('stg_ops__item') }} as item
left join {{ ref('stg_ops__uom') }} as uom
    on uom.uom_id = item.uom_id
