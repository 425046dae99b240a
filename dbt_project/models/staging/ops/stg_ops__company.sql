-- The one company this store keeps the books of.
select
    {{ cast_id('id') }} as company_id,
    {{ cast_text('name') }} as company_name,
    {{ cast_text('name_en') }} as company_name_en,
    {{ cast_text('tax_id') }} as tax_id,
    {{ cast_text('country') }} as country_code,
    {{ cast_text('base_currency') }} as base_currency,
    {{ cast_rate('default_vat_rate') }} as default_vat_rate,
    {{ cast_id('fiscal_year_start_month') }} as fiscal_year_start_month,
    {{ cast_text('language') }} as language
from {{ source('ops', 'company') }}
