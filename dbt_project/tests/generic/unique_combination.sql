{#- Fails for every combination of `columns` held by more than one row (the model's grain); empty values
    count as one value, as in a GROUP BY. -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as row_count
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
