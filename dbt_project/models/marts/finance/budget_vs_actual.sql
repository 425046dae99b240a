{#- Budget against actual (and committed) per fiscal period, account and cost centre, for every fiscal year with
    an approved budget version. Amounts are debit-positive in the base currency, as budgets are entered
    (expenses and purchases positive, revenue negative).
    - budget: the approved version's lines (superseded and draft versions never count);
    - actual: posted journal lines dated up to the as-of date (fct_journal_lines);
    - committed: approved purchase order lines not yet received as of the as-of date (ordered on or before it,
      less what goods receipts dated on or before it brought), valued at the order price and rate, on the
      account their receipt debits, the order's cost centre and the month they are expected;
    - variance = actual - budget (positive: over budget), variance_pct = variance / budget in percent;
    - available = budget - actual - committed (as erp.services.budgets.budget_report shows it).
    Rows: the budget lines, any commitment in a budgeted year, and actuals of an account and cost centre that is
    budgeted somewhere in that year (a month spent without budget shows up with budget 0). -#}
with versions as (
    select budget_version_id, version_code, fiscal_year
    from {{ ref('stg_ops__budget_version') }}
    where version_status = 'approved'
),

periods as (
    select
        period.fiscal_period_code as fiscal_period,
        period.fiscal_year,
        period.start_date,
        period.end_date,
        versions.version_code
    from {{ ref('stg_ops__fiscal_period') }} as period
    inner join versions
        on versions.fiscal_year = period.fiscal_year
),

budget as (
    select
        line.fiscal_period,
        accounts.account_code,
        cost_centers.cost_center_code,
        sum(line.amount) as amount
    from {{ ref('stg_ops__budget_line') }} as line
    inner join versions
        on versions.budget_version_id = line.budget_version_id
    inner join {{ ref('dim_accounts') }} as accounts
        on accounts.account_id = line.account_id
    inner join {{ ref('dim_cost_centers') }} as cost_centers
        on cost_centers.cost_center_id = line.cost_center_id
    group by line.fiscal_period, accounts.account_code, cost_centers.cost_center_code
),

budgeted_pairs as (
    select distinct periods.fiscal_year, budget.account_code, budget.cost_center_code
    from budget
    inner join periods
        on periods.fiscal_period = budget.fiscal_period
),

actual as (
    select
        lines.fiscal_period,
        lines.account_code,
        lines.cost_center_code,
        sum(lines.amount) as amount
    from {{ ref('fct_journal_lines') }} as lines
    inner join periods
        on periods.fiscal_period = lines.fiscal_period
    inner join budgeted_pairs as pairs
        on pairs.fiscal_year = periods.fiscal_year
        and pairs.account_code = lines.account_code
        and coalesce(pairs.cost_center_code, '') = coalesce(lines.cost_center_code, '')
    where lines.entry_date <= {{ as_of_date() }}
    group by lines.fiscal_period, lines.account_code, lines.cost_center_code
),

received as (
    select
        line.purchase_order_line_id,
        sum(line.quantity) as quantity
    from {{ ref('stg_ops__goods_receipt_line') }} as line
    inner join {{ ref('stg_ops__goods_receipt') }} as receipt
        on receipt.goods_receipt_id = line.goods_receipt_id
    where receipt.receipt_date <= {{ as_of_date() }}
    group by line.purchase_order_line_id
),

open_order_lines as (
    select
        periods.fiscal_period,
        accounts.account_code,
        cost_centers.cost_center_code,
        round(
            {{ cast_wide('line.quantity - coalesce(received.quantity, 0)') }}
            * {{ cast_wide('line.unit_price') }} * {{ cast_wide('orders.exchange_rate') }},
            2
        ) as amount
    from {{ ref('stg_ops__purchase_order_line') }} as line
    inner join {{ ref('stg_ops__purchase_order') }} as orders
        on orders.purchase_order_id = line.purchase_order_id
    inner join periods
        on line.expected_date between periods.start_date and periods.end_date
    inner join {{ ref('dim_accounts') }} as accounts
        on accounts.account_id = line.account_id
    left join {{ ref('dim_cost_centers') }} as cost_centers
        on cost_centers.cost_center_id = orders.cost_center_id
    left join received
        on received.purchase_order_line_id = line.purchase_order_line_id
    where orders.order_status in ('approved', 'partially_received', 'received', 'closed')
        and orders.order_date <= {{ as_of_date() }}
        and line.quantity > coalesce(received.quantity, 0)
),

committed as (
    select fiscal_period, account_code, cost_center_code, sum(amount) as amount
    from open_order_lines
    group by fiscal_period, account_code, cost_center_code
),

keys as (
    select fiscal_period, account_code, cost_center_code from budget
    union
    select fiscal_period, account_code, cost_center_code from actual
    union
    select fiscal_period, account_code, cost_center_code from committed
),

joined as (
    select
        keys.fiscal_period,
        periods.fiscal_year,
        periods.version_code,
        keys.account_code,
        keys.cost_center_code,
        budget.account_code is not null as is_budgeted,
        coalesce(budget.amount, 0) as budget_amount,
        coalesce(actual.amount, 0) as actual_amount,
        coalesce(committed.amount, 0) as committed_amount
    from keys
    inner join periods
        on periods.fiscal_period = keys.fiscal_period
    left join budget
        on budget.fiscal_period = keys.fiscal_period
        and budget.account_code = keys.account_code
        and coalesce(budget.cost_center_code, '') = coalesce(keys.cost_center_code, '')
    left join actual
        on actual.fiscal_period = keys.fiscal_period
        and actual.account_code = keys.account_code
        and coalesce(actual.cost_center_code, '') = coalesce(keys.cost_center_code, '')
    left join committed
        on committed.fiscal_period = keys.fiscal_period
        and committed.account_code = keys.account_code
        and coalesce(committed.cost_center_code, '') = coalesce(keys.cost_center_code, '')
)

select
    joined.fiscal_period,
    cast(joined.fiscal_year as {{ dbt.type_int() }}) as fiscal_year,
    joined.account_code,
    accounts.account_name,
    accounts.account_type,
    joined.cost_center_code,
    cost_centers.cost_center_name,
    joined.version_code as budget_version_code,
    joined.is_budgeted,
    cast(joined.budget_amount as numeric(18, 4)) as budget_amount,
    cast(joined.actual_amount as numeric(18, 4)) as actual_amount,
    cast(joined.actual_amount - joined.budget_amount as numeric(18, 4)) as variance_amount,
    cast(
        case
            when joined.budget_amount <> 0
                then round((joined.actual_amount - joined.budget_amount) * 100 / joined.budget_amount, 2)
        end as numeric(18, 2)
    ) as variance_pct,
    cast(joined.committed_amount as numeric(18, 4)) as committed_amount,
    cast(joined.budget_amount - joined.actual_amount - joined.committed_amount as numeric(18, 4))
        as available_amount,
    {{ as_of_date() }} as as_of_date
from joined
inner join {{ ref('dim_accounts') }} as accounts
    on accounts.account_code = joined.account_code
left join {{ ref('dim_cost_centers') }} as cost_centers
    on cost_centers.cost_center_code = joined.cost_center_code
