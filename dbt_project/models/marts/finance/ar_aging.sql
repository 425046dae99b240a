{#- Accounts receivable aging per customer at the as-of date, in the base currency: open invoice amounts by
    days past due (current = not yet due), and payments received but not yet allocated to an invoice. -#}
with buckets as (
    select
        customer_code,
        sum(case when aging_bucket = 'current' then open_amount_base else 0 end) as current_amount,
        sum(case when aging_bucket = '1-30' then open_amount_base else 0 end) as days_1_30,
        sum(case when aging_bucket = '31-60' then open_amount_base else 0 end) as days_31_60,
        sum(case when aging_bucket = '61-90' then open_amount_base else 0 end) as days_61_90,
        sum(case when aging_bucket = 'over_90' then open_amount_base else 0 end) as over_90,
        sum(open_amount_base) as total_open,
        max(days_past_due) as oldest_days_past_due
    from {{ ref('ar_open_items') }}
    group by customer_code
),

unapplied as (
    select
        payment.customer_id,
        sum(payment.amount * payment.exchange_rate) as received,
        sum(coalesce(applied.amount, 0) * payment.exchange_rate) as applied
    from {{ ref('stg_ops__customer_payment') }} as payment
    left join (
        select allocation.customer_payment_id, sum(allocation.amount) as amount
        from {{ ref('stg_ops__payment_allocation') }} as allocation
        inner join {{ ref('stg_ops__customer_invoice') }} as invoice
            on invoice.customer_invoice_id = allocation.customer_invoice_id
        where invoice.invoice_date <= {{ as_of_date() }}
        group by allocation.customer_payment_id
    ) as applied
        on applied.customer_payment_id = payment.customer_payment_id
    where payment.payment_date <= {{ as_of_date() }}
    group by payment.customer_id
),

customers as (
    select
        dim.customer_code,
        dim.customer_name,
        dim.customer_group,
        cast(round(coalesce(unapplied.received - unapplied.applied, 0), 2) as numeric(18, 4)) as unapplied_payments
    from {{ ref('dim_customers') }} as dim
    left join unapplied
        on unapplied.customer_id = dim.customer_id
)

select
    customers.customer_code,
    customers.customer_name,
    customers.customer_group,
    cast(coalesce(buckets.current_amount, 0) as numeric(18, 4)) as current_amount,
    cast(coalesce(buckets.days_1_30, 0) as numeric(18, 4)) as days_1_30,
    cast(coalesce(buckets.days_31_60, 0) as numeric(18, 4)) as days_31_60,
    cast(coalesce(buckets.days_61_90, 0) as numeric(18, 4)) as days_61_90,
    cast(coalesce(buckets.over_90, 0) as numeric(18, 4)) as over_90,
    cast(coalesce(buckets.total_open, 0) as numeric(18, 4)) as total_open,
    customers.unapplied_payments,
    cast(coalesce(buckets.total_open, 0) - customers.unapplied_payments as numeric(18, 4)) as net_receivable,
    cast(buckets.oldest_days_past_due as {{ dbt.type_int() }}) as oldest_days_past_due,
    {{ as_of_date() }} as as_of_date
from customers
left join buckets
    on buckets.customer_code = customers.customer_code
where buckets.customer_code is not null or customers.unapplied_payments <> 0
