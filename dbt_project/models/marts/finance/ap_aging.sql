{#- Accounts payable aging per supplier at the as-of date, in the base currency: open amounts of posted invoices
    by days past due (current = not yet due), held invoices apart (not posted, not payable until released),
    and payments made but not yet allocated to an invoice (prepayments). -#}
with buckets as (
    select
        supplier_code,
        sum(case when not is_held and aging_bucket = 'current' then open_amount_base else 0 end) as current_amount,
        sum(case when not is_held and aging_bucket = '1-30' then open_amount_base else 0 end) as days_1_30,
        sum(case when not is_held and aging_bucket = '31-60' then open_amount_base else 0 end) as days_31_60,
        sum(case when not is_held and aging_bucket = '61-90' then open_amount_base else 0 end) as days_61_90,
        sum(case when not is_held and aging_bucket = 'over_90' then open_amount_base else 0 end) as over_90,
        sum(case when not is_held then open_amount_base else 0 end) as total_open,
        sum(case when is_held then open_amount_base else 0 end) as held_amount,
        sum(case when is_held then 1 else 0 end) as held_invoices,
        max(case when not is_held then days_past_due end) as oldest_days_past_due
    from {{ ref('ap_open_items') }}
    group by supplier_code
),

unapplied as (
    select
        payment.supplier_id,
        sum(payment.amount * payment.exchange_rate) as paid,
        sum(coalesce(applied.amount, 0) * payment.exchange_rate) as applied
    from {{ ref('stg_ops__supplier_payment') }} as payment
    left join (
        select allocation.supplier_payment_id, sum(allocation.amount) as amount
        from {{ ref('stg_ops__supplier_payment_allocation') }} as allocation
        inner join {{ ref('stg_ops__supplier_invoice') }} as invoice
            on invoice.supplier_invoice_id = allocation.supplier_invoice_id
        where invoice.invoice_date <= {{ as_of_date() }}
        group by allocation.supplier_payment_id
    ) as applied
        on applied.supplier_payment_id = payment.supplier_payment_id
    where payment.payment_date <= {{ as_of_date() }}
    group by payment.supplier_id
),

suppliers as (
    select
        dim.supplier_code,
        dim.supplier_name,
        dim.supplier_group,
        cast(round(coalesce(unapplied.paid - unapplied.applied, 0), 2) as numeric(18, 4)) as unapplied_payments
    from {{ ref('dim_suppliers') }} as dim
    left join unapplied
        on unapplied.supplier_id = dim.supplier_id
)

select
    suppliers.supplier_code,
    suppliers.supplier_name,
    suppliers.supplier_group,
    cast(coalesce(buckets.current_amount, 0) as numeric(18, 4)) as current_amount,
    cast(coalesce(buckets.days_1_30, 0) as numeric(18, 4)) as days_1_30,
    cast(coalesce(buckets.days_31_60, 0) as numeric(18, 4)) as days_31_60,
    cast(coalesce(buckets.days_61_90, 0) as numeric(18, 4)) as days_61_90,
    cast(coalesce(buckets.over_90, 0) as numeric(18, 4)) as over_90,
    cast(coalesce(buckets.total_open, 0) as numeric(18, 4)) as total_open,
    cast(coalesce(buckets.held_amount, 0) as numeric(18, 4)) as held_amount,
    cast(coalesce(buckets.held_invoices, 0) as {{ dbt.type_int() }}) as held_invoices,
    suppliers.unapplied_payments,
    cast(coalesce(buckets.total_open, 0) - suppliers.unapplied_payments as numeric(18, 4)) as net_payable,
    cast(buckets.oldest_days_past_due as {{ dbt.type_int() }}) as oldest_days_past_due,
    {{ as_of_date() }} as as_of_date
from suppliers
left join buckets
    on buckets.supplier_code = suppliers.supplier_code
where buckets.supplier_code is not null or suppliers.unapplied_payments <> 0
