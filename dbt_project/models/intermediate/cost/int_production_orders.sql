{#- Production orders under way or done (released, completed, closed) with what their stock moves dated up to the
    as-of date say: quantity made and its value at standard (completion), materials issued at standard. The
    close entry (the posted variances) counts when it is dated up to the as-of date. Orders never released
    (planned, cancelled) have no costs and are left out. -#}
with orders as (
    select *
    from {{ ref('stg_ops__production_order') }}
    where order_status in ('released', 'completed', 'closed')
),

moves as (
    select
        source_ref as order_number,
        move_type,
        quantity,
        move_value,
        move_date
    from {{ ref('stg_ops__stock_move') }}
    where source_type in ('production_issue', 'production_receipt')
        and move_date <= {{ as_of_date() }}
),

progress as (
    select
        order_number,
        sum(case when move_type = 'receipt' then quantity else 0 end) as made_qty,
        sum(case when move_type = 'receipt' then move_value else 0 end) as completed_value,
        -sum(case when move_type = 'issue' then move_value else 0 end) as material_issued_value,
        min(move_date) as first_move_date
    from moves
    group by order_number
),

time_reported as (
    select
        production_order_id,
        sum(labour_cost) as labour_cost,
        sum(overhead_cost) as overhead_cost,
        min(report_date) as first_report_date
    from {{ ref('stg_ops__production_time') }}
    where report_date <= {{ as_of_date() }}
    group by production_order_id
),

close_entries as (
    select
        entry.journal_entry_id,
        entry.entry_date,
        period.fiscal_period_code
    from {{ ref('stg_ops__journal_entry') }} as entry
    inner join {{ ref('stg_ops__fiscal_period') }} as period
        on period.fiscal_period_id = entry.fiscal_period_id
    where entry.entry_status = 'posted'
        and entry.entry_date <= {{ as_of_date() }}
)

select
    orders.production_order_id,
    orders.order_number,
    orders.item_id,
    orders.order_status,
    orders.quantity,
    orders.start_date,
    orders.due_date,
    orders.issue_method,
    cast(coalesce(progress.made_qty, 0) as numeric(18, 6)) as made_qty,
    cast(coalesce(progress.completed_value, 0) as numeric(18, 4)) as completed_value,
    cast(coalesce(progress.material_issued_value, 0) as numeric(18, 4)) as actual_material_cost,
    cast(coalesce(time_reported.labour_cost, 0) as numeric(18, 4)) as actual_labour_cost,
    cast(coalesce(time_reported.overhead_cost, 0) as numeric(18, 4)) as actual_overhead_cost,
    close_entries.journal_entry_id as close_journal_entry_id,
    close_entries.entry_date as close_date,
    close_entries.fiscal_period_code as close_fiscal_period,
    close_entries.journal_entry_id is not null as is_closed
from orders
left join progress
    on progress.order_number = orders.order_number
left join time_reported
    on time_reported.production_order_id = orders.production_order_id
left join close_entries
    on close_entries.journal_entry_id = orders.close_journal_entry_id
where orders.start_date <= {{ as_of_date() }}
    or progress.first_move_date is not null
    or time_reported.first_report_date is not null
