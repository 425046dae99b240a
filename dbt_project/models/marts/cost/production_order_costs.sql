{#- Actual against standard cost of every production order released by the as-of date, per cost element, from
    its documents dated up to then (int_production_order_variances holds the logic). -#}
select
    orders.order_number,
    items.item_code,
    items.item_description,
    items.product_family,
    orders.order_status,
    orders.quantity,
    orders.made_qty,
    orders.start_date,
    orders.due_date,
    orders.is_closed,
    orders.close_date,
    orders.close_fiscal_period,
    orders.actual_material_cost,
    orders.actual_labour_cost,
    orders.actual_overhead_cost,
    orders.actual_total_cost,
    orders.standard_material_cost,
    orders.standard_labour_cost,
    orders.standard_overhead_cost,
    orders.standard_total_cost,
    cast(orders.actual_material_cost - orders.standard_material_cost as numeric(18, 4)) as material_difference,
    cast(orders.actual_labour_cost - orders.standard_labour_cost as numeric(18, 4)) as labour_difference,
    cast(orders.actual_overhead_cost - orders.standard_overhead_cost as numeric(18, 4)) as overhead_difference,
    orders.completed_value,
    cast(
        case when orders.is_closed then 0 else orders.actual_total_cost - orders.completed_value end
        as numeric(18, 4)
    ) as work_in_process,
    orders.material_usage_variance,
    orders.labour_rate_variance,
    orders.labour_efficiency_variance,
    orders.overhead_variance,
    orders.cost_difference,
    {{ as_of_date() }} as as_of_date
from {{ ref('int_production_order_variances') }} as orders
inner join {{ ref('dim_items') }} as items
    on items.item_id = orders.item_id
