-- Gapless document numbering state per document type.
select
    {{ cast_text('doc_type') }} as doc_type,
    {{ cast_text('prefix') }} as number_prefix,
    {{ cast_id('next_number') }} as next_number,
    {{ cast_id('padding') }} as number_padding
from {{ source('ops', 'doc_sequence') }}
