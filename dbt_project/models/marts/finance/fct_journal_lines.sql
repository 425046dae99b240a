{#- One row per posted journal line with its entry, period and analysis dimensions. Posted lines never
    change (database triggers refuse it; a reversal is a new entry), so new lines are simply appended. -#}
{{ config(
    materialized='incremental',
    unique_key='journal_line_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    meta={'append_only': true},
) }}

with entries as (
    select entry.*
    from {{ ref('stg_ops__journal_entry') }} as entry
    where entry.entry_status = 'posted'
),

lines as (
    select line.*
    from {{ ref('stg_ops__journal_line') }} as line
    {{ append_only_filter('line.journal_line_id', 'journal_line_id') }}
)

select
    lines.journal_line_id,
    lines.journal_entry_id,
    entries.entry_number,
    lines.line_no,
    entries.entry_date,
    period.fiscal_period_code as fiscal_period,
    period.fiscal_year,
    entries.source_type,
    entries.source_ref,
    entries.entry_description,
    reversed.entry_number as reverses_entry_number,
    lines.account_id,
    accounts.account_code,
    accounts.account_name,
    accounts.account_type,
    cost_centers.cost_center_code,
    cost_centers.cost_center_name,
    case
        when lines.customer_id is not null then 'customer'
        when lines.supplier_id is not null then 'supplier'
    end as partner_type,
    coalesce(customers.customer_code, suppliers.supplier_code) as partner_code,
    coalesce(customers.customer_name, suppliers.supplier_name) as partner_name,
    customers.customer_group,
    lines.item_id,
    items.item_code,
    items.item_type,
    items.product_family,
    lines.doc_type,
    lines.doc_number,
    lines.line_description,
    lines.debit,
    lines.credit,
    cast(lines.debit - lines.credit as numeric(18, 4)) as amount
from lines
inner join entries
    on entries.journal_entry_id = lines.journal_entry_id
inner join {{ ref('stg_ops__fiscal_period') }} as period
    on period.fiscal_period_id = entries.fiscal_period_id
inner join {{ ref('dim_accounts') }} as accounts
    on accounts.account_id = lines.account_id
left join {{ ref('stg_ops__journal_entry') }} as reversed
    on reversed.journal_entry_id = entries.reverses_entry_id
left join {{ ref('dim_cost_centers') }} as cost_centers
    on cost_centers.cost_center_id = lines.cost_center_id
left join {{ ref('dim_customers') }} as customers
    on customers.customer_id = lines.customer_id
left join {{ ref('dim_suppliers') }} as suppliers
    on suppliers.supplier_id = lines.supplier_id
left join {{ ref('dim_items') }} as items
    on items.item_id = lines.item_id
