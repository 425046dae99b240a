{#- Stock on hand per item and location at the as-of date (moves dated up to it), valued at the item's current
    standard cost. book_value is the moves' own value (each at the standard cost of its day, as posted to the
    ledger); standard_value - book_value is what a revaluation to today's standard would post. -#}
with positions as (
    select
        item_id,
        location_id,
        sum(quantity) as quantity,
        sum(move_value) as book_value,
        max(move_date) as last_move_date
    from {{ ref('fct_stock_moves') }}
    where move_date <= {{ as_of_date() }}
    group by item_id, location_id
)

select
    {{ as_of_date() }} as as_of_date,
    items.item_code,
    items.item_description,
    items.item_type,
    items.product_family,
    items.uom_code,
    locations.location_code,
    cast(positions.quantity as numeric(18, 6)) as quantity,
    items.standard_cost as standard_unit_cost,
    cast(round(positions.quantity * items.standard_cost, 2) as numeric(18, 4)) as standard_value,
    cast(positions.book_value as numeric(18, 4)) as book_value,
    cast(round(positions.quantity * items.standard_cost, 2) - positions.book_value as numeric(18, 4))
        as revaluation_difference,
    positions.last_move_date
from positions
inner join {{ ref('dim_items') }} as items
    on items.item_id = positions.item_id
inner join {{ ref('dim_locations') }} as locations
    on locations.location_id = positions.location_id
where positions.quantity <> 0 or positions.book_value <> 0
