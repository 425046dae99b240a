{#- Supplier invoices open at the as-of date, with their age: registered on or before it (cancelled ones never
    count) and not settled by payments made on or before it. A payment allocation has no date of its own; it
    counts from its payment's date (as in ar_open_items). Held invoices (price beyond tolerance: recorded but
    neither posted nor payable until released) are listed with is_held, and ap_aging keeps them out of the
    buckets. Amounts are in the invoice currency and in the base currency at the invoice's rate. -#}
with invoices as (
    select *
    from {{ ref('stg_ops__supplier_invoice') }}
    where invoice_date <= {{ as_of_date() }}
        and invoice_status <> 'cancelled'
),

settled as (
    select
        allocation.supplier_invoice_id,
        sum(allocation.amount) as settled_amount
    from {{ ref('stg_ops__supplier_payment_allocation') }} as allocation
    inner join {{ ref('stg_ops__supplier_payment') }} as payment
        on payment.supplier_payment_id = allocation.supplier_payment_id
    where payment.payment_date <= {{ as_of_date() }}
    group by allocation.supplier_invoice_id
),

open_items as (
    select
        invoices.*,
        invoices.gross_amount - coalesce(settled.settled_amount, 0) as open_amount,
        {{ dbt.datediff('invoices.due_date', as_of_date(), 'day') }} as days_past_due
    from invoices
    left join settled
        on settled.supplier_invoice_id = invoices.supplier_invoice_id
)

select
    open_items.invoice_number,
    open_items.supplier_ref,
    suppliers.supplier_code,
    suppliers.supplier_name,
    suppliers.supplier_group,
    purchase_orders.order_number as purchase_order_number,
    open_items.invoice_date,
    open_items.due_date,
    open_items.currency,
    open_items.exchange_rate,
    open_items.gross_amount,
    cast(open_items.open_amount as numeric(18, 4)) as open_amount,
    cast(round(open_items.open_amount * open_items.exchange_rate, 2) as numeric(18, 4)) as open_amount_base,
    cast(open_items.days_past_due as {{ dbt.type_int() }}) as days_past_due,
    cast(case
        when open_items.days_past_due <= 0 then 'current'
        when open_items.days_past_due <= 30 then '1-30'
        when open_items.days_past_due <= 60 then '31-60'
        when open_items.days_past_due <= 90 then '61-90'
        else 'over_90'
    end as {{ dbt.type_string() }}) as aging_bucket,
    open_items.invoice_status = 'held' as is_held,
    open_items.hold_reason,
    {{ as_of_date() }} as as_of_date
from open_items
inner join {{ ref('dim_suppliers') }} as suppliers
    on suppliers.supplier_id = open_items.supplier_id
left join {{ ref('stg_ops__purchase_order') }} as purchase_orders
    on purchase_orders.purchase_order_id = open_items.purchase_order_id
where open_items.open_amount > 0
