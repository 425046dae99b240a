{#- The incremental materialization on the duckdb target: replaces dbt-duckdb's, for the models that use one here:
    the append-only staging models and facts (macros/incremental.sql), all `delete+insert` on one unique key with
    `on_schema_change='append_new_columns'`.

    dbt-duckdb's makes about ten round trips per model on an incremental run (the new rows into a temporary table;
    the columns of both tables, twice; the strategy's checks; the delete and insert; the commit; the drop), each
    a macro call with its events under the GIL. After a day of stock receipts those five models head the longest
    chain of an everyday build, and a full build does not pay this path at all. Here an incremental run is two:
    the new rows into a temporary table together with the query for their columns the table lacks, then in one
    statement those columns added, the rows with the new rows' keys deleted, the new rows inserted by column name
    and the temporary table dropped; then the commit. A first build or a full refresh drops and creates the
    table in one statement, as the table materialization does (`replace_table_sql`, table.sql). Settings these models do not use are
    refused rather than ignored (refuse_unsupported.sql). The postgres target keeps dbt's own materialization. -#}
{% materialization incremental, adapter='duckdb', supported_languages=['sql'] %}
  {{- refuse_unsupported('incremental', ['partitioned_by', 'sorted_by', 'indexes', 'grants', 'incremental_predicates', 'predicates']) -}}
  {%- set unique_key = config.get('unique_key') -%}
  {%- set on_schema_change = config.get('on_schema_change') -%}
  {%- if config.get('incremental_strategy') != 'delete+insert' or unique_key is not string
        or on_schema_change != 'append_new_columns' -%}
    {{ exceptions.raise_compiler_error(
      "the incremental materialization in macros/materializations/ supports incremental_strategy='delete+insert' "
      ~ "with one unique_key column and on_schema_change='append_new_columns' only (" ~ this ~ ")"
    ) }}
  {%- endif -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  -- `BEGIN` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {%- if existing_relation is none or existing_relation.is_view or should_full_refresh() -%}
    {% call statement('main') -%}
      {{ replace_table_sql(existing_relation, target_relation, compiled_code) }}
    {%- endcall %}
  {%- else -%}
    {%- set new_rows = 'temp.main.' ~ adapter.quote(this.identifier ~ '__dbt_tmp') -%}
    {% call statement('new_rows', fetch_result=True) -%}
      create or replace temporary table {{ new_rows }} as (
        {{ compiled_code }}
      );
      select name, type from pragma_table_info('{{ new_rows | replace("'", "''") }}')
      where name not in (select name from pragma_table_info('{{ target_relation | string | replace("'", "''") }}'))
      order by cid
    {%- endcall %}
    {%- set added_columns = load_result('new_rows')['table'] -%}
    {% call statement('main') -%}
      {%- for column in added_columns %}
      alter table {{ target_relation }} add column {{ adapter.quote(column[0]) }} {{ column[1] }};
      {%- endfor %}
      delete from {{ target_relation }}
      where {{ adapter.quote(unique_key) }} in (select {{ adapter.quote(unique_key) }} from {{ new_rows }});
      insert into {{ target_relation }} by name (select * from {{ new_rows }});
      drop table {{ new_rows }};
    {%- endcall %}
  {%- endif %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  -- `COMMIT` happens here
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
