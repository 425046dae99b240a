-- Lines of purchase requisitions: item, quantity, date needed and how much is ordered already.
select
    {{ cast_id('id') }} as purchase_requisition_line_id,
    {{ cast_id('requisition_id') }} as purchase_requisition_id,
    {{ cast_id('line_no') }} as line_no,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_qty('quantity') }} as quantity,
    {{ cast_date('needed_date') }} as needed_date,
    {{ cast_id('supplier_id') }} as supplier_id,
    {{ cast_qty('ordered_qty') }} as ordered_qty
from {{ source('ops', 'purchase_requisition_line') }}
