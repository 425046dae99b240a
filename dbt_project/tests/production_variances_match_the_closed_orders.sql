{#- A closed production order's row in production_variances must carry the variances stored on the order when
    it was closed (erp.services.production.close_production_order). Returns the orders that differ. -#}
select
    orders.order_number,
    orders.material_variance,
    variances.material_usage_variance,
    orders.labour_rate_variance,
    variances.labour_rate_variance as computed_labour_rate_variance,
    orders.labour_efficiency_variance,
    variances.labour_efficiency_variance as computed_labour_efficiency_variance,
    orders.overhead_variance,
    variances.overhead_variance as computed_overhead_variance,
    orders.cost_difference,
    variances.cost_difference as computed_cost_difference
from {{ ref('stg_ops__production_order') }} as orders
inner join {{ ref('production_variances') }} as variances
    on variances.source_type = 'production_order'
    and variances.source_number = orders.order_number
where orders.material_variance <> variances.material_usage_variance
    or orders.labour_rate_variance <> variances.labour_rate_variance
    or orders.labour_efficiency_variance <> variances.labour_efficiency_variance
    or orders.overhead_variance <> variances.overhead_variance
    or orders.cost_difference <> variances.cost_difference
