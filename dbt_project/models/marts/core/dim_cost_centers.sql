-- One row per cost centre, with its parent.
select
    cc.cost_center_id,
    cc.cost_center_code,
    cc.cost_center_name,
    parent.cost_center_code as parent_cost_center_code,
    cc.is_active
from {{ ref('stg_ops__cost_center') }} as cc
left join {{ ref('stg_ops__cost_center') }} as parent
    on parent.cost_center_id = cc.parent_cost_center_id
