-- Who may approve purchase orders up to which net amount in the base currency: per role, or per user (a user's own
-- limit wins).
select
    {{ cast_id('id') }} as approval_limit_id,
    {{ cast_id('role_id') }} as role_id,
    {{ cast_id('user_id') }} as user_id,
    {{ cast_money('max_amount') }} as max_amount
from {{ source('ops', 'approval_limit') }}
