-- Lines of the shipments, with the standard unit cost they left stock at.
select
    {{ cast_id('id') }} as shipment_line_id,
    {{ cast_id('shipment_id') }} as shipment_id,
    {{ cast_id('order_line_id') }} as sales_order_line_id,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_qty('quantity') }} as quantity,
    {{ cast_money('unit_cost') }} as unit_cost
from {{ source('ops', 'shipment_line') }}
