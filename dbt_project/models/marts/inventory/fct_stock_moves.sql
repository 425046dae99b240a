{#- One row per stock move with its item, location, period and journal entry. Moves are never changed after
    they are written (a correction is a new move), so new moves are simply appended. -#}
{{ config(
    materialized='incremental',
    unique_key='stock_move_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    meta={'append_only': true},
) }}

with moves as (
    select *
    from {{ ref('stg_ops__stock_move') }}
    {{ append_only_filter('stock_move_id', 'stock_move_id') }}
)

select
    moves.stock_move_id,
    moves.move_number,
    moves.move_date,
    periods.fiscal_period_code as fiscal_period,
    moves.move_type,
    moves.item_id,
    items.item_code,
    items.item_type,
    items.product_family,
    moves.location_id,
    locations.location_code,
    moves.quantity,
    case when moves.quantity > 0 then moves.quantity else 0 end as quantity_in,
    case when moves.quantity < 0 then -moves.quantity else 0 end as quantity_out,
    moves.unit_cost,
    moves.move_value,
    moves.source_type,
    moves.source_ref,
    moves.reason,
    entries.entry_number as journal_entry_number
from moves
inner join {{ ref('dim_items') }} as items
    on items.item_id = moves.item_id
inner join {{ ref('dim_locations') }} as locations
    on locations.location_id = moves.location_id
left join {{ ref('stg_ops__fiscal_period') }} as periods
    on moves.move_date between periods.start_date and periods.end_date
left join {{ ref('stg_ops__journal_entry') }} as entries
    on entries.journal_entry_id = moves.journal_entry_id
