{#- Fails for every group whose sum of `left` differs from its sum of `right` (expressions over the model's
    columns): debits equal credits per period, assets equal liabilities plus equity. -#}
{% test sums_equal(model, group_by, left, right) %}
select
    {{ group_by }} as failing_group,
    sum({{ left }}) as left_total,
    sum({{ right }}) as right_total
from {{ model }}
group by {{ group_by }}
having sum({{ left }}) <> sum({{ right }})
{% endtest %}
