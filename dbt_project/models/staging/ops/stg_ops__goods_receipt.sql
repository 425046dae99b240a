-- Goods received against purchase orders (posted: inventory at standard, GR/IR at the order price, the difference as
-- purchase price variance).
select
    {{ cast_id('id') }} as goods_receipt_id,
    {{ cast_text('number') }} as receipt_number,
    {{ cast_id('order_id') }} as purchase_order_id,
    {{ cast_id('supplier_id') }} as supplier_id,
    {{ cast_date('receipt_date') }} as receipt_date,
    {{ cast_id('location_id') }} as location_id,
    {{ cast_id('journal_entry_id') }} as journal_entry_id,
    {{ cast_text('reference') }} as reference,
    {{ cast_timestamp('created_at') }} as created_at
from {{ source('ops', 'goods_receipt') }}
