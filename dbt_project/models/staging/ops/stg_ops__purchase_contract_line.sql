-- Agreed prices (and committed quantities) per item on purchase contracts.
select
    {{ cast_id('id') }} as purchase_contract_line_id,
    {{ cast_id('contract_id') }} as purchase_contract_id,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_money('agreed_price') }} as agreed_price,
    {{ cast_qty('committed_qty') }} as committed_qty
from {{ source('ops', 'purchase_contract_line') }}
