-- One row per stock location, with the location that encloses it.
select
    loc.location_id,
    loc.location_code,
    loc.location_name,
    loc.location_type,
    parent.location_code as parent_location_code,
    loc.is_active
from {{ ref('stg_ops__location') }} as loc
left join {{ ref('stg_ops__location') }} as parent
    on parent.location_id = loc.parent_location_id
