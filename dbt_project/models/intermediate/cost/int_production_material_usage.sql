{#- Material usage of each production order per component (the order's released bill of materials): the
    standard quantity for what was made (qty_per with its scrap allowance, rounded to 6 decimals as the service
    does), valued at the unit cost frozen at release, against what was issued (at the standard cost of the
    issue day). Their difference is the material usage variance the order's close posts, line by line. -#}
with issued as (
    select
        source_ref as order_number,
        item_id,
        -sum(quantity) as issued_qty,
        -sum(move_value) as issued_value
    from {{ ref('stg_ops__stock_move') }}
    where source_type in ('production_issue', 'production_receipt')
        and move_type = 'issue'
        and move_date <= {{ as_of_date() }}
    group by source_ref, item_id
),

lines as (
    select
        orders.production_order_id,
        orders.order_number,
        orders.made_qty,
        material.line_no,
        material.item_id as component_item_id,
        material.qty_per,
        material.scrap_pct,
        material.planned_qty,
        material.unit_cost as standard_unit_cost,
        round(
            {{ cast_wide('orders.made_qty') }} * {{ cast_wide('material.qty_per') }}
            * ({{ cast_wide('material.scrap_pct') }} + 100) * 0.01,
            6
        ) as standard_qty,
        coalesce(issued.issued_qty, 0) as issued_qty,
        coalesce(issued.issued_value, 0) as issued_value
    from {{ ref('int_production_orders') }} as orders
    inner join {{ ref('stg_ops__production_order_material') }} as material
        on material.production_order_id = orders.production_order_id
    left join issued
        on issued.order_number = orders.order_number
        and issued.item_id = material.item_id
)

select
    production_order_id,
    order_number,
    line_no,
    component_item_id,
    qty_per,
    scrap_pct,
    planned_qty,
    cast(standard_qty as numeric(18, 6)) as standard_qty,
    cast(issued_qty as numeric(18, 6)) as issued_qty,
    standard_unit_cost,
    cast(round({{ cast_wide('standard_qty') }} * {{ cast_wide('standard_unit_cost') }}, 2) as numeric(18, 4))
        as standard_cost,
    cast(issued_value as numeric(18, 4)) as actual_cost,
    cast(
        issued_value - round({{ cast_wide('standard_qty') }} * {{ cast_wide('standard_unit_cost') }}, 2)
        as numeric(18, 4)
    ) as material_usage_variance
from lines
