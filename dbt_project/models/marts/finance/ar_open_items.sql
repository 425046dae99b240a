{#- Customer invoices open at the as-of date, with their age. An invoice is open as of the date when it was
    issued on or before it and payments received on or before it have not settled it. (A payment allocation
    has no date of its own; it counts from its payment's date, and never before its invoice's date.)
    Days past due count from the due date; amounts are also given in the base currency at the invoice's rate. -#}
with invoices as (
    select *
    from {{ ref('stg_ops__customer_invoice') }}
    where invoice_date <= {{ as_of_date() }}
),

settled as (
    select
        allocation.customer_invoice_id,
        sum(allocation.amount) as settled_amount
    from {{ ref('stg_ops__payment_allocation') }} as allocation
    inner join {{ ref('stg_ops__customer_payment') }} as payment
        on payment.customer_payment_id = allocation.customer_payment_id
    where payment.payment_date <= {{ as_of_date() }}
    group by allocation.customer_invoice_id
),

open_items as (
    select
        invoices.*,
        invoices.gross_amount - coalesce(settled.settled_amount, 0) as open_amount,
        {{ dbt.datediff('invoices.due_date', as_of_date(), 'day') }} as days_past_due
    from invoices
    left join settled
        on settled.customer_invoice_id = invoices.customer_invoice_id
)

select
    open_items.invoice_number,
    customers.customer_code,
    customers.customer_name,
    customers.customer_group,
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
    {{ as_of_date() }} as as_of_date
from open_items
inner join {{ ref('dim_customers') }} as customers
    on customers.customer_id = open_items.customer_id
where open_items.open_amount > 0
