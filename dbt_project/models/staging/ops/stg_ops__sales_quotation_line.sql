-- Lines of the quotations.
select
    {{ cast_id('id') }} as sales_quotation_line_id,
    {{ cast_id('quotation_id') }} as sales_quotation_id,
    {{ cast_id('line_no') }} as line_no,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_qty('quantity') }} as quantity,
    {{ cast_money('unit_price') }} as unit_price,
    {{ cast_rate('discount_pct') }} as discount_pct,
    {{ cast_money('net_amount') }} as net_amount
from {{ source('ops', 'sales_quotation_line') }}
