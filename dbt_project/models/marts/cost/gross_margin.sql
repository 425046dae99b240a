{#- Revenue, cost of goods sold and gross margin per fiscal period, item and customer, from the ledger: the
    accounts the seed income_statement_accounts maps to operating_revenue and cost_of_sales, over posted lines
    up to the as-of date. Summed over items and customers it equals the income statement's gross profit.
    Revenue is booked when invoiced and cost when shipped, so a month can hold one without the other.
    Lines posted without an item or customer (e.g. a manual journal) keep an empty item or customer. -#}
with lines as (
    select
        journal.fiscal_period,
        journal.item_id,
        case when journal.partner_type = 'customer' then journal.partner_code end as customer_code,
        statement.line,
        journal.debit,
        journal.credit
    from {{ ref('fct_journal_lines') }} as journal
    inner join {{ ref('int_account_statement_lines') }} as statement
        on statement.account_id = journal.account_id
    where journal.entry_date <= {{ as_of_date() }}
        and statement.line in ('operating_revenue', 'cost_of_sales')
),

amounts as (
    select
        fiscal_period,
        item_id,
        customer_code,
        sum(case when line = 'operating_revenue' then credit - debit else 0 end) as revenue,
        sum(case when line = 'cost_of_sales' then debit - credit else 0 end) as cost_of_goods_sold
    from lines
    group by fiscal_period, item_id, customer_code
),

shipped as (
    select
        period.fiscal_period_code as fiscal_period,
        line.item_id,
        customers.customer_code,
        sum(line.quantity) as shipped_qty
    from {{ ref('stg_ops__shipment_line') }} as line
    inner join {{ ref('stg_ops__shipment') }} as shipment
        on shipment.shipment_id = line.shipment_id
    inner join {{ ref('dim_customers') }} as customers
        on customers.customer_id = shipment.customer_id
    inner join {{ ref('stg_ops__fiscal_period') }} as period
        on shipment.ship_date between period.start_date and period.end_date
    where shipment.ship_date <= {{ as_of_date() }}
    group by period.fiscal_period_code, line.item_id, customers.customer_code
),

invoiced as (
    select
        period.fiscal_period_code as fiscal_period,
        line.item_id,
        customers.customer_code,
        sum(line.quantity) as invoiced_qty
    from {{ ref('stg_ops__customer_invoice_line') }} as line
    inner join {{ ref('stg_ops__customer_invoice') }} as invoice
        on invoice.customer_invoice_id = line.customer_invoice_id
    inner join {{ ref('dim_customers') }} as customers
        on customers.customer_id = invoice.customer_id
    inner join {{ ref('stg_ops__fiscal_period') }} as period
        on invoice.invoice_date between period.start_date and period.end_date
    where invoice.invoice_date <= {{ as_of_date() }}
        and line.item_id is not null
    group by period.fiscal_period_code, line.item_id, customers.customer_code
),

grain as (
    select fiscal_period, item_id, customer_code from amounts
    union
    select fiscal_period, item_id, customer_code from shipped
    union
    select fiscal_period, item_id, customer_code from invoiced
),

combined as (
    select
        grain.fiscal_period,
        grain.item_id,
        grain.customer_code,
        coalesce(shipped.shipped_qty, 0) as shipped_qty,
        coalesce(invoiced.invoiced_qty, 0) as invoiced_qty,
        coalesce(amounts.revenue, 0) as revenue,
        coalesce(amounts.cost_of_goods_sold, 0) as cost_of_goods_sold
    from grain
    left join amounts
        on amounts.fiscal_period = grain.fiscal_period
        and amounts.item_id is not distinct from grain.item_id
        and amounts.customer_code is not distinct from grain.customer_code
    left join shipped
        on shipped.fiscal_period = grain.fiscal_period
        and shipped.item_id = grain.item_id
        and shipped.customer_code = grain.customer_code
    left join invoiced
        on invoiced.fiscal_period = grain.fiscal_period
        and invoiced.item_id = grain.item_id
        and invoiced.customer_code = grain.customer_code
)

select
    combined.fiscal_period,
    items.item_code,
    items.item_description,
    items.product_family,
    combined.customer_code,
    customers.customer_name,
    customers.customer_group,
    cast(combined.shipped_qty as numeric(18, 6)) as shipped_qty,
    cast(combined.invoiced_qty as numeric(18, 6)) as invoiced_qty,
    cast(combined.revenue as numeric(18, 4)) as revenue,
    cast(combined.cost_of_goods_sold as numeric(18, 4)) as cost_of_goods_sold,
    cast(combined.revenue - combined.cost_of_goods_sold as numeric(18, 4)) as gross_margin,
    cast(case
        when combined.revenue <> 0 then round(100 * (combined.revenue - combined.cost_of_goods_sold) / combined.revenue, 2)
    end as numeric(9, 2)) as gross_margin_pct
from combined
left join {{ ref('dim_items') }} as items
    on items.item_id = combined.item_id
left join {{ ref('dim_customers') }} as customers
    on customers.customer_code = combined.customer_code
