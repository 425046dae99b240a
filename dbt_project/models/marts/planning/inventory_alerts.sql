-- Inventory alerts, one row per item and alert type that is true as of this build. alert_key (item|type) is
-- stable: an alert still true in the next build is the same alert and keeps its first_seen (read from the
-- warehouse published before this build). severity: high > medium > low (severity_rank 3, 2, 1).
--   projected_stockout   on hand + firm open supply - firm demand (orders, not forecasts) goes below 0
--                        within the horizon: alert_date = that week's date, quantity = the shortfall then
--   below_safety_stock   on hand below the item's safety stock now
--   below_reorder_point  on hand + open supply below average daily demand x lead time + safety stock
--   excess               on hand beyond excess_cover_weeks of average demand (+ safety stock)
--   slow_moving          stock but no issue for slow_moving_days (obsolete_days: severity medium)
{%- set horizon_weeks = var('mrp_horizon_weeks', 26) | int %}
{%- set slow_days = var('slow_moving_days', 90) | int %}
{%- set obsolete_days = var('obsolete_days', 365) | int %}
{%- set cover_weeks = var('excess_cover_weeks', 26) | int %}
with stats as (
    select * from {{ ref('inventory_item_stats') }}
),

horizon_end as (
    select {{ dbt.dateadd('day', horizon_weeks * 7, as_of_date()) }} as end_date
),

firm_events as (
    select item_code, greatest(due_date, {{ as_of_date() }}) as event_date, quantity
    from {{ ref('int_open_supply') }}
    union all
    select item_code, greatest(due_date, {{ as_of_date() }}) as event_date, -quantity
    from {{ ref('int_mrp_demand') }}
    where demand_type = 'order'
),

daily as (
    select e.item_code, e.event_date, sum(e.quantity) as change_qty
    from firm_events as e
    cross join horizon_end as h
    where e.event_date < h.end_date
    group by e.item_code, e.event_date
),

balance as (
    select
        d.item_code,
        d.event_date,
        s.on_hand_qty + sum(d.change_qty) over (
            partition by d.item_code order by d.event_date rows unbounded preceding
        ) as projected_qty,
        s.lead_time_days
    from daily as d
    inner join stats as s on s.item_code = d.item_code
),

first_short as (
    select item_code, event_date, projected_qty, lead_time_days,
        row_number() over (partition by item_code order by event_date) as n
    from balance
    where projected_qty < 0
),

alerts as (
    select
        item_code,
        'projected_stockout' as alert_type,
        case
            when event_date < {{ dbt.dateadd('day', 'lead_time_days', as_of_date()) }} then 'high' else 'medium'
        end as severity,
        event_date as alert_date,
        -projected_qty as quantity,
        {{ dbt.concat([
            "'Projected stockout on '", cast_text('event_date'), "': short '", cast_text('-projected_qty'),
            "' from on hand, firm open supply and firm orders'"
        ]) }} as detail
    from first_short
    where n = 1

    union all

    select
        item_code,
        'below_safety_stock',
        case when on_hand_qty <= 0 then 'high' else 'medium' end,
        {{ as_of_date() }},
        safety_stock_qty - on_hand_qty,
        {{ dbt.concat([
            "'On hand '", cast_text('on_hand_qty'), "' is below the safety stock '", cast_text('safety_stock_qty')
        ]) }}
    from stats
    where on_hand_qty < safety_stock_qty

    union all

    select
        item_code,
        'below_reorder_point',
        'medium',
        {{ as_of_date() }},
        reorder_point - (on_hand_qty + open_supply_qty),
        {{ dbt.concat([
            "'On hand '", cast_text('on_hand_qty'), "' + open supply '", cast_text('open_supply_qty'),
            "' is below the reorder point '", cast_text('reorder_point'),
            "' (average daily demand x lead time + safety stock)'"
        ]) }}
    from stats
    where avg_daily_demand > 0 and on_hand_qty + open_supply_qty < reorder_point

    union all

    select
        item_code,
        'excess',
        'low',
        {{ as_of_date() }},
        on_hand_qty - (avg_daily_demand * {{ cover_weeks * 7 }} + safety_stock_qty),
        {{ dbt.concat([
            "'On hand '", cast_text('on_hand_qty'), "' covers '", cast_text('days_of_supply'),
            "' days of demand, beyond " ~ cover_weeks ~ " weeks'"
        ]) }}
    from stats
    where avg_daily_demand > 0 and on_hand_qty > avg_daily_demand * {{ cover_weeks * 7 }} + safety_stock_qty

    union all

    select
        item_code,
        'slow_moving',
        case
            when coalesce(last_issue_date, first_move_date) <= {{ dbt.dateadd('day', -obsolete_days, as_of_date()) }}
                then 'medium'
            else 'low'
        end,
        {{ dbt.dateadd('day', slow_days, 'coalesce(last_issue_date, first_move_date)') }},
        on_hand_qty,
        {{ dbt.concat([
            "'On hand '", cast_text('on_hand_qty'), "' and no issue since '",
            cast_text('coalesce(last_issue_date, first_move_date)')
        ]) }}
    from stats
    where on_hand_qty > 0
        and coalesce(last_issue_date, first_move_date) <= {{ dbt.dateadd('day', -slow_days, as_of_date()) }}
)

select
    {{ dbt.concat(['a.item_code', "'|'", 'a.alert_type']) }} as alert_key,
    a.item_code,
    a.alert_type,
    a.severity,
    case a.severity when 'high' then 3 when 'medium' then 2 else 1 end as severity_rank,
    cast(a.alert_date as date) as alert_date,
    coalesce(p.first_seen, {{ as_of_date() }}) as first_seen,
    p.severity as previous_severity,
    cast(a.quantity as numeric(18, 6)) as quantity,
    a.detail
from alerts as a
left join {{ ref('int_previous_inventory_alerts') }} as p
    on p.alert_key = {{ dbt.concat(['a.item_code', "'|'", 'a.alert_type']) }}
