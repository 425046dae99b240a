{#- Every item exploded through its multi-level bill of materials: one row per path from a root item to a
    component, with the quantity of that component needed per unit of the root.

    Quantities compound down the tree: extended_qty = product of qty_per * (1 + scrap_pct / 100) along the
    path. Each item is also its own root at depth 0 with quantity 1. Explosion stops at buy items (their
    cost is their purchase standard cost). The service layer refuses BOM cycles; the depth cap only
    guarantees termination, and the test on max depth fails the build if it is ever reached.

    A plain recursive CTE with explicit casts, so it runs unchanged on DuckDB and PostgreSQL. -#}
{%- set max_depth = var('bom_max_depth', 25) | int -%}

with recursive explosion (root_item_id, item_id, depth, extended_qty) as (
    select
        item.item_id as root_item_id,
        item.item_id,
        0 as depth,
        cast(1 as numeric(38, 12)) as extended_qty
    from {{ ref('stg_ops__item') }} as item

    union all

    select
        explosion.root_item_id,
        bom.component_item_id as item_id,
        explosion.depth + 1 as depth,
        cast(explosion.extended_qty * bom.qty_per * (1 + bom.scrap_pct / 100) as numeric(38, 12)) as extended_qty
    from explosion
    inner join {{ ref('stg_ops__item') }} as parent
        on parent.item_id = explosion.item_id
    inner join {{ ref('stg_ops__bom_line') }} as bom
        on bom.parent_item_id = explosion.item_id
    where parent.item_type = 'make'
        and explosion.depth < {{ max_depth }}
)

select
    root_item_id,
    item_id,
    depth,
    extended_qty
from explosion
