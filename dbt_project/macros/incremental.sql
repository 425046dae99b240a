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
        select coalesce(max({{ loaded_column }}), 0) - {{ var('incremental_id_lookback', 1000) | int }}
        from {{ this }}
    )
    {%- endif -%}
{%- endmacro %}
