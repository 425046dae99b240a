{{ config(materialized='view') }}
-- MRP exception messages (expedite, reschedule in or out, cancel, below safety stock at the horizon start): the
-- stored rows of int_mrp_exception_rows with item codes, types and week dates joined back, and each message's detail
-- composed from its type's wording in the build's language (int_mrp_exception_texts: the literal parts and the
-- fields between them) and its values, written as erp/planning/output.py writes them: quantities without trailing
-- zeros, ISO dates, '-' for a receipt without a reference. Below safety stock: quantity = safety stock - on hand.
{%- set slots = 6 %}
with messages as (
    select
        i.item_code,
        x.exception_type,
        cast(e.period as integer) as period,
        h.start_week + cast(7 * (e.period - 1) as integer) as exception_date,
        e.quantity,
        cast(e.to_period as integer) as to_period,
        h.start_week + cast(7 * (e.to_period - 1) as integer) as to_date,
        e.order_ref,
        cast(e.planned_order_id as bigint) as planned_order_id,
        cast(coalesce(i.safety_stock_qty, 0) as decimal(18, 6)) as safety,
        x.text_0
        {%- for n in range(1, slots + 1) %},
        x.field_{{ n }},
        x.text_{{ n }}
        {%- endfor %}
    from {{ ref('int_mrp_exception_rows').include(database=False) }} as e
    inner join {{ ref('int_mrp_items').include(database=False) }} as i on i.item_id = e.item_id
    inner join {{ ref('int_mrp_exception_texts').include(database=False) }} as x on x.exception_kind = e.exception_kind
    cross join {{ ref('mrp_plan').include(database=False) }} as h
),

valued as (
    select
        *,
        regexp_replace(cast(quantity as varchar), '\.?0+$', '') as qty_value,
        cast(exception_date as varchar) as due_value,
        cast(to_date as varchar) as to_value,
        cast(planned_order_id as varchar) as order_value,
        cast(1 - to_period as varchar) as weeks_value,
        coalesce(order_ref, '-') as ref_value,
        regexp_replace(cast(cast(safety - quantity as decimal(18, 6)) as varchar), '\.?0+$', '') as on_hand_value,
        regexp_replace(cast(safety as varchar), '\.?0+$', '') as safety_value
    from messages
)

select
    item_code,
    exception_type,
    period,
    exception_date,
    quantity,
    to_period,
    to_date,
    order_ref,
    planned_order_id,
    concat(
        text_0
        {%- for n in range(1, slots + 1) %},
        case field_{{ n }}
            {%- for field in ['qty', 'due', 'to', 'order', 'weeks', 'ref', 'on_hand', 'safety'] %}
            when '{{ field }}' then {{ field }}_value
            {%- endfor %}
        end,
        text_{{ n }}
        {%- endfor %}
    ) as detail
from valued
