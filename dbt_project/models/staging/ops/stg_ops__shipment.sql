-- Shipments of sales orders from a stock location; each posts cost of goods sold.
select
    {{ cast_id('id') }} as shipment_id,
    {{ cast_text('number') }} as shipment_number,
    {{ cast_id('order_id') }} as sales_order_id,
    {{ cast_id('customer_id') }} as customer_id,
    {{ cast_date('ship_date') }} as ship_date,
    {{ cast_id('location_id') }} as location_id,
    {{ cast_id('journal_entry_id') }} as journal_entry_id,
    {{ cast_text('reference') }} as reference,
    {{ cast_timestamp('created_at') }} as created_at
from {{ source('ops', 'shipment') }}
