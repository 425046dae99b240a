{#- The as-of date of this build (var `as_of`, YYYY-MM-DD; empty means today), as a Python date for Jinja. -#}
{% macro as_of_value() -%}
    {%- set raw = var('as_of', '') | string | trim -%}
    {%- if raw in ('', 'None') -%}
        {{ return(modules.datetime.date.today()) }}
    {%- endif -%}
    {%- set parsed = modules.re.fullmatch('(\\d{4})-(\\d{2})-(\\d{2})', raw) -%}
    {%- if not parsed -%}
        {{ exceptions.raise_compiler_error("var as_of must be a date YYYY-MM-DD, got '" ~ raw ~ "'") }}
    {%- endif -%}
    {{ return(modules.datetime.date(parsed.group(1) | int, parsed.group(2) | int, parsed.group(3) | int)) }}
{%- endmacro %}

{#- The as-of date as a SQL date literal, for date-relative models. -#}
{% macro as_of_date() -%}
    cast('{{ as_of_value().isoformat() }}' as date)
{%- endmacro %}
