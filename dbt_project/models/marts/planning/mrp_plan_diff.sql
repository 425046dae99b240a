-- Plan-to-plan diff: this build's planned orders against those of the warehouse published before it
-- (int_previous_mrp_planned_orders reads the published file; empty on a first build, so every order is new).
-- Orders are matched by item, order type and due week; unchanged orders are left out.
with current_plan as (
    select item_code, order_type, due_date, release_date, quantity from {{ ref('mrp_planned_orders') }}
),

previous_plan as (
    select item_code, order_type, due_date, release_date, quantity from {{ ref('int_previous_mrp_planned_orders') }}
),

matched as (
    select
        coalesce(c.item_code, p.item_code) as item_code,
        coalesce(c.order_type, p.order_type) as order_type,
        coalesce(c.due_date, p.due_date) as due_date,
        p.release_date as previous_release_date,
        c.release_date,
        p.quantity as previous_quantity,
        c.quantity
    from current_plan as c
    full outer join previous_plan as p
        on c.item_code = p.item_code and c.order_type = p.order_type and c.due_date = p.due_date
)

select
    item_code,
    order_type,
    due_date,
    case
        when previous_quantity is null then 'new'
        when quantity is null then 'removed'
        when quantity <> previous_quantity then 'quantity_changed'
        else 'release_moved'
    end as change_type,
    previous_quantity,
    quantity,
    coalesce(quantity, 0) - coalesce(previous_quantity, 0) as quantity_change,
    previous_release_date,
    release_date
from matched
where previous_quantity is null
    or quantity is null
    or quantity <> previous_quantity
    or release_date <> previous_release_date
