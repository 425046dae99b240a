-- On hand per active item, summed over locations.
select
    i.item_id,
    i.item_code,
    sum(b.quantity) as quantity
from {{ ref('stg_ops__stock_balance') }} as b
inner join {{ ref('int_mrp_items') }} as i on i.item_id = b.item_id
group by i.item_id, i.item_code
