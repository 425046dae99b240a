{#- Standard unit cost of every item, rolled up through the multi-level BOM and the routings, kept by cost
    element: material (buy items' standard_cost times their extended quantity), labour and overhead (run
    hours times the work centre rates, at this level and every level below, times the extended quantity).
    Setup hours are ignored: items carry no standard batch size to spread them over. -#}

with explosion as (
    select * from {{ ref('int_bom_explosion') }}
),

items as (
    select * from {{ ref('stg_ops__item') }}
),

routing as (
    select * from {{ ref('int_item_routing_cost') }}
),

contributions as (
    select
        explosion.root_item_id,
        explosion.depth,
        case
            when items.item_type = 'buy' then explosion.extended_qty * items.standard_cost
            else 0
        end as material_cost,
        case
            when items.item_type = 'make' then explosion.extended_qty * coalesce(routing.labour_cost_per_unit, 0)
            else 0
        end as labour_cost,
        case
            when items.item_type = 'make' then explosion.extended_qty * coalesce(routing.overhead_cost_per_unit, 0)
            else 0
        end as overhead_cost
    from explosion
    inner join items
        on items.item_id = explosion.item_id
    left join routing
        on routing.item_id = explosion.item_id
),

rolled as (
    select
        root_item_id,
        cast(sum(material_cost) as numeric(18, 4)) as material_cost,
        cast(sum(labour_cost) as numeric(18, 4)) as labour_cost,
        cast(sum(overhead_cost) as numeric(18, 4)) as overhead_cost,
        cast(sum(case when depth = 0 then labour_cost + overhead_cost else 0 end) as numeric(18, 4))
            as this_level_conversion_cost,
        max(depth) as bom_depth
    from contributions
    group by root_item_id
),

low_level_codes as (
    -- the deepest level an item is used at in any structure (0 = never a component); MRP plans by it
    select
        item_id,
        max(depth) as low_level_code
    from explosion
    group by item_id
)

select
    items.item_code,
    items.item_description,
    items.item_type,
    cast(low_level_codes.low_level_code as {{ dbt.type_int() }}) as low_level_code,
    cast(rolled.bom_depth as {{ dbt.type_int() }}) as bom_depth,
    rolled.material_cost,
    rolled.labour_cost,
    rolled.overhead_cost,
    cast(rolled.material_cost + rolled.labour_cost + rolled.overhead_cost as numeric(18, 4)) as total_cost,
    rolled.this_level_conversion_cost,
    items.standard_cost as entered_standard_cost
from rolled
inner join items
    on items.item_id = rolled.root_item_id
inner join low_level_codes
    on low_level_codes.item_id = rolled.root_item_id
