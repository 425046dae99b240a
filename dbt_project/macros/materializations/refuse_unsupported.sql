{#- Stops the build of a model that asks the project's materializations (table.sql, view.sql beside this file) for a
    setting they do not implement, instead of ignoring it: ``settings`` are the config keys to refuse, and
    persisted docs always are. -#}
{% macro refuse_unsupported(materialization, settings) -%}
  {%- set asked = [] -%}
  {%- for setting in settings if config.get(setting) -%}
    {%- do asked.append(setting) -%}
  {%- endfor -%}
  {%- if config.persist_relation_docs() or config.persist_column_docs() -%}
    {%- do asked.append('persist_docs') -%}
  {%- endif -%}
  {%- if asked -%}
    {{ exceptions.raise_compiler_error(
      "the " ~ materialization ~ " materialization in macros/materializations/ does not support "
      ~ asked | join(', ') ~ " (" ~ this ~ ")"
    ) }}
  {%- endif -%}
{%- endmacro %}
