-- The stock ledger: one signed move per item and location (+ in, - out), valued at the standard cost of its day.
-- Append-only (see macros/incremental.sql): each build reads only the rows added since the last one.
{{ config(
    materialized='incremental',
    unique_key='stock_move_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    meta={'append_only': true},
) }}

select
    {{ cast_id('id') }} as stock_move_id,
    {{ cast_text('number') }} as move_number,
    {{ cast_date('move_date') }} as move_date,
    {{ cast_text('move_type') }} as move_type,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_id('location_id') }} as location_id,
    {{ cast_qty('quantity') }} as quantity,
    {{ cast_money('unit_cost') }} as unit_cost,
    {{ cast_money('value') }} as move_value,
    {{ cast_text('source_type') }} as source_type,
    {{ cast_text('source_ref') }} as source_ref,
    {{ cast_text('reason') }} as reason,
    {{ cast_id('journal_entry_id') }} as journal_entry_id,
    {{ cast_timestamp('created_at') }} as created_at
from {{ append_only_rows(source('ops', 'stock_move'), 'id', 'stock_move_id') }}
