-- Units of measure.
select
    {{ cast_id('id') }} as uom_id,
    {{ cast_text('code') }} as uom_code,
    {{ cast_text('name') }} as uom_name,
    {{ cast_text('name_en') }} as uom_name_en
from {{ source('ops', 'uom') }}
