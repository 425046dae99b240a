{#- production_variances must equal what its documents posted: per fiscal period and account, the variance
    amounts (each routed to its account by the posting rules, the most specific rule winning as in
    erp.services.ledger.Postings.rule) against the debit - credit of the variance accounts on the journal
    entries of production order closes, goods receipts and supplier invoices. Returns the periods and accounts
    that differ. -#}
with variances as (
    select fiscal_period, source_type, source_number, item_code, item_type, product_family, supplier_code,
        'production_material_variance' as event, material_usage_variance as amount
    from {{ ref('production_variances') }} where source_type = 'production_order'
    union all
    select fiscal_period, source_type, source_number, item_code, item_type, product_family, supplier_code,
        'production_labour_rate_variance', labour_rate_variance
    from {{ ref('production_variances') }} where source_type = 'production_order'
    union all
    select fiscal_period, source_type, source_number, item_code, item_type, product_family, supplier_code,
        'production_labour_efficiency_variance', labour_efficiency_variance
    from {{ ref('production_variances') }} where source_type = 'production_order'
    union all
    select fiscal_period, source_type, source_number, item_code, item_type, product_family, supplier_code,
        'production_overhead_variance', overhead_variance
    from {{ ref('production_variances') }} where source_type = 'production_order'
    union all
    select fiscal_period, source_type, source_number, item_code, item_type, product_family, supplier_code,
        'production_cost_difference', cost_difference
    from {{ ref('production_variances') }} where source_type = 'production_order'
    union all
    select fiscal_period, source_type, source_number, item_code, item_type, product_family, supplier_code,
        'purchase_price_variance', material_price_variance
    from {{ ref('production_variances') }} where source_type = 'goods_receipt'
    union all
    -- The invoice's variance is posted without an item: only the supplier's group can select its rule.
    select fiscal_period, source_type, source_number, item_code, '', '', supplier_code,
        'invoice_price_variance', material_price_variance
    from {{ ref('production_variances') }} where source_type = 'supplier_invoice'
),

rules as (
    select
        rule.event,
        rule.item_type,
        rule.item_group,
        rule.partner_group,
        accounts.account_code
    from {{ ref('stg_ops__posting_rule') }} as rule
    inner join {{ ref('dim_accounts') }} as accounts
        on accounts.account_id = rule.debit_account_id
    where rule.event in (
        'production_material_variance', 'production_labour_rate_variance', 'production_labour_efficiency_variance',
        'production_overhead_variance', 'production_cost_difference', 'purchase_price_variance',
        'invoice_price_variance'
    )
),

routed as (
    select
        variances.fiscal_period,
        variances.amount,
        rules.account_code,
        row_number() over (
            partition by variances.fiscal_period, variances.source_type, variances.source_number,
                variances.item_code, variances.event
            order by
                (case when rules.item_group <> '*' then 4 else 0 end)
                + (case when rules.item_type <> '*' then 2 else 0 end)
                + (case when rules.partner_group <> '*' then 1 else 0 end) desc
        ) as preference
    from variances
    left join {{ ref('dim_suppliers') }} as suppliers
        on suppliers.supplier_code = variances.supplier_code
    inner join rules
        on rules.event = variances.event
        and rules.item_type in ('*', coalesce(variances.item_type, ''))
        and rules.item_group in ('*', coalesce(variances.product_family, ''))
        and rules.partner_group in ('*', coalesce(suppliers.supplier_group, ''))
),

expected as (
    select fiscal_period, account_code, sum(amount) as amount
    from routed
    where preference = 1
    group by fiscal_period, account_code
),

posted as (
    select fiscal_period, account_code, sum(amount) as amount
    from {{ ref('fct_journal_lines') }}
    where source_type in ('production_close', 'goods_receipt', 'supplier_invoice')
        and entry_date <= {{ as_of_date() }}
        and account_code in (select account_code from rules)
    group by fiscal_period, account_code
),

compared as (
    select fiscal_period, account_code, amount as expected_amount, 0 as posted_amount from expected
    union all
    select fiscal_period, account_code, 0, amount from posted
)

select
    fiscal_period,
    account_code,
    sum(expected_amount) as expected_amount,
    sum(posted_amount) as posted_amount
from compared
group by fiscal_period, account_code
having sum(expected_amount) <> sum(posted_amount)
