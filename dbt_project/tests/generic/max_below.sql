{#- Fails when any value of the column reaches `cap` (e.g. a BOM explosion hitting its depth cap, which
    would mean a cycle or an absurdly deep structure and a truncated cost). -#}
{% test max_below(model, column_name, cap) %}
select {{ column_name }} as offending_value
from {{ model }}
where {{ column_name }} >= {{ cap }}
{% endtest %}
