{#- Overrides dbt-duckdb's macro of the same name, which it runs before replacing an existing table.

    Its query, duckdb_indexes(), scans every attached catalog, and sqlite_scanner re-parses each SQLite index
    definition with DuckDB's parser: `CREATE INDEX ix_audit_log_at ON audit_log (at)` fails there ("at" is a
    keyword in DuckDB), so any rebuild of an existing table failed while the store is attached. No model here
    declares indexes, so there is nothing to drop; a model that starts declaring them fails loudly instead. -#}
{% macro drop_indexes_on_relation(relation) -%}
    {%- if config.get('indexes') -%}
        {{ exceptions.raise_compiler_error(
            "model indexes are not supported: see macros/drop_indexes_on_relation.sql (" ~ relation ~ ")"
        ) }}
    {%- endif -%}
{%- endmacro %}
