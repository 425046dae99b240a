-- The chart of accounts (a tree through parent).
select
    {{ cast_id('id') }} as account_id,
    {{ cast_text('code') }} as account_code,
    {{ cast_text('name') }} as account_name,
    {{ cast_text('name_en') }} as account_name_en,
    {{ cast_text('account_type') }} as account_type,
    {{ cast_id('parent_id') }} as parent_account_id,
    {{ cast_bool('is_postable') }} as is_postable,
    {{ cast_bool('active') }} as is_active
from {{ source('ops', 'account') }}
