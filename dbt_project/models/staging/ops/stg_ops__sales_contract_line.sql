-- Items of a sales contract with their agreed price and volume.
select
    {{ cast_id('id') }} as sales_contract_line_id,
    {{ cast_id('contract_id') }} as sales_contract_id,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_money('agreed_price') }} as agreed_price,
    {{ cast_qty('agreed_qty') }} as agreed_qty
from {{ source('ops', 'sales_contract_line') }}
