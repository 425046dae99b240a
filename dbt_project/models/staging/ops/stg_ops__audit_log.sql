-- Every change made through the service layer, with before and after images as JSON.
-- Append-only (see macros/incremental.sql): each build reads only the rows added since the last one.
{{ config(
    materialized='incremental',
    unique_key='audit_log_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    meta={'append_only': true},
) }}

select
    {{ cast_id('id') }} as audit_log_id,
    {{ cast_timestamp(adapter.quote("at")) }} as logged_at,
    {{ cast_id('user_id') }} as user_id,
    {{ cast_text('username') }} as username,
    {{ cast_text('action') }} as action_name,
    {{ cast_text('entity') }} as entity_name,
    {{ cast_text('entity_key') }} as entity_key,
    {{ cast_text('before_json') }} as before_json,
    {{ cast_text('after_json') }} as after_json
from {{ append_only_rows(source('ops', 'audit_log'), 'id', 'audit_log_id') }}
