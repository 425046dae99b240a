-- Supplier scores per month or quarter on quality, delivery and price.
select
    {{ cast_id('id') }} as supplier_evaluation_id,
    {{ cast_id('supplier_id') }} as supplier_id,
    {{ cast_text('period') }} as evaluation_period,
    cast(quality_score as numeric(5, 2)) as quality_score,
    cast(delivery_score as numeric(5, 2)) as delivery_score,
    cast(price_score as numeric(5, 2)) as price_score,
    cast(overall_score as numeric(5, 2)) as overall_score,
    {{ cast_text('evaluator') }} as evaluator,
    {{ cast_text('recorded_by') }} as recorded_by,
    {{ cast_text('notes') }} as notes,
    {{ cast_timestamp('created_at') }} as created_at
from {{ source('ops', 'supplier_evaluation') }}
