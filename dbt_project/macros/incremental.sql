{#- Append-only incremental models: operational rows that are never changed once written (posted journal lines,
    stock moves: a correction is a new row) are copied once. Only rows above the highest id already loaded are
    read, less a look-back window (var incremental_id_lookback) for ids handed out by a transaction that committed
    after a later one (possible on PostgreSQL; SQLite writers are serial); rows read twice replace themselves
    through the model's unique_key (delete+insert). The nightly full refresh rebuilds everything from scratch. -#}

{#- `where <column> > (highest <loaded_column> in this model - look-back)` on an incremental run, else nothing.
    ``column`` is the id as the query reads it, ``loaded_column`` the same id as this model stores it. -#}
{% macro append_only_filter(column, loaded_column, where='where') -%}
    {%- if is_incremental() -%}
    {{ where }} {{ column }} > (
        select coalesce(max({{ loaded_column }}), 0) - {{ var('incremental_id_lookback') | int }}
        from {{ this }}
    )
    {%- endif -%}
{%- endmacro %}

{#- What an append-only model selects from: the store table ``relation``, on an incremental run only its rows with
    ``column`` above the highest ``loaded_column`` already loaded (less the look-back window).

    On the duckdb target that range is read inside SQLite (sqlite_query, with the bound computed first): DuckDB's
    SQLite scanner pushes no filter down, so a filter on the attached table reads the whole table to keep a few
    thousand rows (half a second for the journal lines at ten times the demo's volume, on every everyday build).
    sqlite_query returns text; each column is cast back to the type the scanner gives it, and numbers travel as 17
    significant digits (which round-trip a double), so both paths give the same values. -#}
{% macro append_only_rows(relation, column, loaded_column) -%}
    {%- if not is_incremental() -%}
    {{ relation }}
    {%- elif target.type == 'duckdb' -%}
    {%- set bound = run_query(
        'select coalesce(max(' ~ loaded_column ~ '), 0) - ' ~ (var('incremental_id_lookback') | int)
        ~ ' from ' ~ this
    ).columns[0].values()[0] | int -%}
    {%- set columns = adapter.get_columns_in_relation(relation) -%}
    {%- set read -%}
        select
        {%- for col in columns %}
            {% if col.dtype | upper == 'DOUBLE' -%}
            iif({{ adapter.quote(col.name) }} is null, null, printf('%!.17g', {{ adapter.quote(col.name) }}))
            {%- else -%}
            {{ adapter.quote(col.name) }}
            {%- endif %} as {{ adapter.quote(col.name) }}{{ ',' if not loop.last }}
        {%- endfor %}
        from {{ adapter.quote(relation.identifier) }} where {{ adapter.quote(column) }} > {{ bound }}
    {%- endset -%}
    (
        select
        {%- for col in columns %}
            cast({{ adapter.quote(col.name) }} as {{ col.dtype }}) as {{ adapter.quote(col.name) }}{{ ',' if not loop.last }}
        {%- endfor %}
        from sqlite_query('{{ relation.database }}', '{{ read | replace("'", "''") }}')
    ) as {{ adapter.quote(relation.identifier) }}
    {%- else -%}
    (select * from {{ relation }} {{ append_only_filter(column, loaded_column) }}) as {{ adapter.quote(relation.identifier) }}
    {%- endif -%}
{%- endmacro %}
