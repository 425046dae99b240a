{#- A number widened before it is multiplied: DuckDB keeps the wider operand's width when it multiplies decimals
    (numeric(18,6) x numeric(18,6) is numeric(18,12), six integer digits), so cost arithmetic on quantities,
    rates and money casts its operands to 38 digits first. Harmless on PostgreSQL. -#}
{% macro cast_wide(expr) -%}
    cast({{ expr }} as numeric(38, 6))
{%- endmacro %}
