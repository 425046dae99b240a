-- Journal lines: one-sided debit or credit amounts in the base currency, with their analysis dimensions.
-- Append-only (see macros/incremental.sql): each build reads only the rows added since the last one.
{{ config(
    materialized='incremental',
    unique_key='journal_line_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    meta={'append_only': true},
) }}

select
    {{ cast_id('id') }} as journal_line_id,
    {{ cast_id('entry_id') }} as journal_entry_id,
    {{ cast_id('line_no') }} as line_no,
    {{ cast_id('account_id') }} as account_id,
    {{ cast_id('cost_center_id') }} as cost_center_id,
    {{ cast_id('customer_id') }} as customer_id,
    {{ cast_id('supplier_id') }} as supplier_id,
    {{ cast_id('item_id') }} as item_id,
    {{ cast_text('doc_type') }} as doc_type,
    {{ cast_text('doc_number') }} as doc_number,
    {{ cast_text('description') }} as line_description,
    {{ cast_money('debit') }} as debit,
    {{ cast_money('credit') }} as credit
from {{ append_only_rows(source('ops', 'journal_line'), 'id', 'journal_line_id') }}
