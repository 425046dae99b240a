{#- Portable casts for the operational store's column kinds (same precision as erp/schema.py). SQLite hands
    numbers to DuckDB as DOUBLE and booleans as 0/1; these casts give every target the same exact types. -#}

{% macro cast_money(expr) -%}
    cast({{ expr }} as numeric(18, 4))
{%- endmacro %}

{% macro cast_qty(expr) -%}
    cast({{ expr }} as numeric(18, 6))
{%- endmacro %}

{% macro cast_rate(expr) -%}
    cast({{ expr }} as numeric(9, 6))
{%- endmacro %}

{% macro cast_id(expr) -%}
    cast({{ expr }} as {{ dbt.type_int() }})
{%- endmacro %}

{% macro cast_text(expr) -%}
    cast({{ expr }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro cast_bool(expr) -%}
    cast({{ expr }} as {{ dbt.type_boolean() }})
{%- endmacro %}

{% macro cast_date(expr) -%}
    cast({{ expr }} as date)
{%- endmacro %}

{% macro cast_timestamp(expr) -%}
    cast({{ expr }} as {{ dbt.type_timestamp() }})
{%- endmacro %}
