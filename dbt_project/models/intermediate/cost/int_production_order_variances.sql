{#- Actual against standard cost of each production order, and the variance split its close posts (positive =
    unfavourable): material usage (per component), labour rate, labour efficiency and overhead (per operation),
    and the cost difference: whatever else is left in work in process, i.e. the standard released with the
    order against the item's standard cost at completion (plus rounding). The elements add up to
    actual cost - completed value, so a closed order's work in process ends at zero. -#}
with materials as (
    select
        production_order_id,
        sum(standard_cost) as standard_material_cost,
        sum(material_usage_variance) as material_usage_variance
    from {{ ref('int_production_material_usage') }}
    group by production_order_id
),

operations as (
    select
        production_order_id,
        sum(standard_labour_cost) as standard_labour_cost,
        sum(standard_overhead_cost) as standard_overhead_cost,
        sum(labour_rate_variance) as labour_rate_variance,
        sum(labour_efficiency_variance) as labour_efficiency_variance,
        sum(overhead_variance) as overhead_variance
    from {{ ref('int_production_operation_costs') }}
    group by production_order_id
),

joined as (
    select
        orders.*,
        coalesce(materials.standard_material_cost, 0) as standard_material_cost,
        coalesce(operations.standard_labour_cost, 0) as standard_labour_cost,
        coalesce(operations.standard_overhead_cost, 0) as standard_overhead_cost,
        coalesce(materials.material_usage_variance, 0) as material_usage_variance,
        coalesce(operations.labour_rate_variance, 0) as labour_rate_variance,
        coalesce(operations.labour_efficiency_variance, 0) as labour_efficiency_variance,
        coalesce(operations.overhead_variance, 0) as overhead_variance
    from {{ ref('int_production_orders') }} as orders
    left join materials
        on materials.production_order_id = orders.production_order_id
    left join operations
        on operations.production_order_id = orders.production_order_id
)

select
    production_order_id,
    order_number,
    item_id,
    order_status,
    quantity,
    made_qty,
    start_date,
    due_date,
    is_closed,
    close_journal_entry_id,
    close_date,
    close_fiscal_period,
    actual_material_cost,
    actual_labour_cost,
    actual_overhead_cost,
    cast(actual_material_cost + actual_labour_cost + actual_overhead_cost as numeric(18, 4)) as actual_total_cost,
    cast(standard_material_cost as numeric(18, 4)) as standard_material_cost,
    cast(standard_labour_cost as numeric(18, 4)) as standard_labour_cost,
    cast(standard_overhead_cost as numeric(18, 4)) as standard_overhead_cost,
    cast(standard_material_cost + standard_labour_cost + standard_overhead_cost as numeric(18, 4))
        as standard_total_cost,
    completed_value,
    cast(material_usage_variance as numeric(18, 4)) as material_usage_variance,
    cast(labour_rate_variance as numeric(18, 4)) as labour_rate_variance,
    cast(labour_efficiency_variance as numeric(18, 4)) as labour_efficiency_variance,
    cast(overhead_variance as numeric(18, 4)) as overhead_variance,
    cast(
        actual_material_cost + actual_labour_cost + actual_overhead_cost - completed_value
        - material_usage_variance - labour_rate_variance - labour_efficiency_variance - overhead_variance
        as numeric(18, 4)
    ) as cost_difference
from joined
