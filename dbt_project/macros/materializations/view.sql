{#- The view materialization on the duckdb target: replaces dbt's default one, for the reason given in
    table.sql beside this file (nobody reads a build file, so no rename dance: drop and create in one statement
    and one transaction). The postgres target keeps dbt's own. -#}
{% materialization view, adapter='duckdb' %}
  {{- refuse_unsupported('view', ['grants']) -}}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='view') -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  -- `BEGIN` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {% call statement('main') -%}
    {%- if existing_relation is not none -%}
      drop {{ existing_relation.type }} if exists {{ existing_relation }};
    {% endif -%}
    {{- get_create_view_as_sql(target_relation, sql) }}
  {%- endcall %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  -- `COMMIT` happens here
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
