-- Active items with their planning parameters, in the shape erp.planning.plan_mrp reads.
select
    item_id,
    item_code,
    item_type,
    lead_time_days,
    lot_sizing,
    lot_size_qty,
    lot_size_periods,
    min_order_qty,
    order_multiple,
    safety_stock_qty,
    standard_cost
from {{ ref('stg_ops__item') }}
where is_active
