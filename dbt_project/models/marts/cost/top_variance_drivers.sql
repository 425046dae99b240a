{#- The largest cost variances of each fiscal period by cause, item and work centre, ranked by absolute amount
    (var top_variance_drivers, default 20 per period). Causes and where they come from:
    material_price (purchased item; goods receipts and supplier invoices), material_usage (component issued
    to closed orders), labour_rate, labour_efficiency and overhead (the item made and the operation's work
    centre), cost_difference (the item made). Amounts are summed over the documents of the period. -#}
with production_orders as (
    select production_order_id, item_id, close_fiscal_period as fiscal_period
    from {{ ref('int_production_order_variances') }}
    where is_closed
),

drivers as (
    select
        fiscal_period,
        'material_price' as variance_type,
        item_id,
        cast(null as {{ dbt.type_int() }}) as work_center_id,
        material_price_variance as amount
    from {{ ref('int_purchase_price_variances') }}

    union all

    select
        orders.fiscal_period,
        'material_usage' as variance_type,
        usage.component_item_id as item_id,
        cast(null as {{ dbt.type_int() }}) as work_center_id,
        usage.material_usage_variance as amount
    from {{ ref('int_production_material_usage') }} as usage
    inner join production_orders as orders
        on orders.production_order_id = usage.production_order_id

    union all

    select orders.fiscal_period, 'labour_rate', orders.item_id, ops.work_center_id, ops.labour_rate_variance
    from {{ ref('int_production_operation_costs') }} as ops
    inner join production_orders as orders
        on orders.production_order_id = ops.production_order_id

    union all

    select orders.fiscal_period, 'labour_efficiency', orders.item_id, ops.work_center_id, ops.labour_efficiency_variance
    from {{ ref('int_production_operation_costs') }} as ops
    inner join production_orders as orders
        on orders.production_order_id = ops.production_order_id

    union all

    select orders.fiscal_period, 'overhead', orders.item_id, ops.work_center_id, ops.overhead_variance
    from {{ ref('int_production_operation_costs') }} as ops
    inner join production_orders as orders
        on orders.production_order_id = ops.production_order_id

    union all

    select
        close_fiscal_period,
        'cost_difference',
        item_id,
        cast(null as {{ dbt.type_int() }}),
        cost_difference
    from {{ ref('int_production_order_variances') }}
    where is_closed
),

summed as (
    select
        fiscal_period,
        variance_type,
        item_id,
        work_center_id,
        sum(amount) as variance_amount,
        count(*) as document_lines
    from drivers
    group by fiscal_period, variance_type, item_id, work_center_id
    having sum(amount) <> 0
),

ranked as (
    select
        summed.*,
        sum(abs(variance_amount)) over (partition by fiscal_period) as period_absolute_total,
        row_number() over (
            partition by fiscal_period
            order by abs(variance_amount) desc, variance_type, item_id, work_center_id
        ) as driver_rank
    from summed
)

select
    ranked.fiscal_period,
    cast(ranked.driver_rank as {{ dbt.type_int() }}) as driver_rank,
    ranked.variance_type,
    items.item_code,
    items.item_description,
    work_centers.work_center_code,
    cast(ranked.variance_amount as numeric(18, 4)) as variance_amount,
    cast(abs(ranked.variance_amount) as numeric(18, 4)) as absolute_amount,
    cast(round(abs(ranked.variance_amount) * 100 / ranked.period_absolute_total, 2) as numeric(9, 2))
        as share_of_period_pct,
    cast(ranked.document_lines as {{ dbt.type_int() }}) as document_lines
from ranked
inner join {{ ref('dim_items') }} as items
    on items.item_id = ranked.item_id
left join {{ ref('stg_ops__work_center') }} as work_centers
    on work_centers.work_center_id = ranked.work_center_id
where ranked.driver_rank <= {{ var('top_variance_drivers', 20) }}
