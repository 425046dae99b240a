{#- Cost variances per source document, item and fiscal period (positive = unfavourable), as the ledger holds
    them: one row per production order closed up to the as-of date (its item; the month of its close entry)
    and one row per goods receipt or supplier invoice and purchased item with a material price variance.
    Summed per period they equal the postings of those documents on the variance accounts (tested). -#}
with production as (
    select
        close_fiscal_period as fiscal_period,
        'production_order' as source_type,
        order_number as source_number,
        close_date as posting_date,
        item_id,
        cast(null as {{ dbt.type_int() }}) as supplier_id,
        cast(0 as numeric(18, 4)) as material_price_variance,
        material_usage_variance,
        labour_rate_variance,
        labour_efficiency_variance,
        overhead_variance,
        cost_difference
    from {{ ref('int_production_order_variances') }}
    where is_closed
),

purchasing as (
    select
        fiscal_period,
        source_type,
        source_number,
        posting_date,
        item_id,
        supplier_id,
        material_price_variance,
        cast(0 as numeric(18, 4)) as material_usage_variance,
        cast(0 as numeric(18, 4)) as labour_rate_variance,
        cast(0 as numeric(18, 4)) as labour_efficiency_variance,
        cast(0 as numeric(18, 4)) as overhead_variance,
        cast(0 as numeric(18, 4)) as cost_difference
    from {{ ref('int_purchase_price_variances') }}
    where material_price_variance <> 0
),

all_rows as (
    select * from production
    union all
    select * from purchasing
)

select
    all_rows.fiscal_period,
    all_rows.source_type,
    all_rows.source_number,
    all_rows.posting_date,
    items.item_code,
    items.item_description,
    items.item_type,
    items.product_family,
    suppliers.supplier_code,
    cast(all_rows.material_price_variance as numeric(18, 4)) as material_price_variance,
    cast(all_rows.material_usage_variance as numeric(18, 4)) as material_usage_variance,
    cast(all_rows.labour_rate_variance as numeric(18, 4)) as labour_rate_variance,
    cast(all_rows.labour_efficiency_variance as numeric(18, 4)) as labour_efficiency_variance,
    cast(all_rows.overhead_variance as numeric(18, 4)) as overhead_variance,
    cast(all_rows.cost_difference as numeric(18, 4)) as cost_difference,
    cast(
        all_rows.material_price_variance + all_rows.material_usage_variance + all_rows.labour_rate_variance
        + all_rows.labour_efficiency_variance + all_rows.overhead_variance + all_rows.cost_difference
        as numeric(18, 4)
    ) as total_variance
from all_rows
inner join {{ ref('dim_items') }} as items
    on items.item_id = all_rows.item_id
left join {{ ref('dim_suppliers') }} as suppliers
    on suppliers.supplier_id = all_rows.supplier_id
