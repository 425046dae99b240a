{#- Material price variance per purchasing document and item, in the base currency (positive = paid more than
    standard), as the procurement service posts it:
    - goods receipt: quantity x order price at the order's rate, less the stock value at standard (per line);
    - supplier invoice: the invoice net at the invoice's rate, less what it clears from goods received not
      invoiced (quantity x order price at the order's rate). The ledger books it per invoice without an item;
      here it is attributed to the invoice lines' items (each line's own difference, the rounding residue of
      the invoice on its last line). Held invoices are not posted and carry no variance until released.
    Only documents posted up to the as-of date count. -#}
with posted_entries as (
    select
        entry.journal_entry_id,
        entry.entry_date,
        period.fiscal_period_code
    from {{ ref('stg_ops__journal_entry') }} as entry
    inner join {{ ref('stg_ops__fiscal_period') }} as period
        on period.fiscal_period_id = entry.fiscal_period_id
    where entry.entry_status = 'posted'
        and entry.entry_date <= {{ as_of_date() }}
),

receipt_lines as (
    select
        'goods_receipt' as source_type,
        receipt.receipt_number as source_number,
        posted_entries.fiscal_period_code as fiscal_period,
        posted_entries.entry_date as posting_date,
        receipt.supplier_id,
        line.item_id,
        round(
            {{ cast_wide('line.quantity') }} * {{ cast_wide('line.unit_price') }}
            * {{ cast_wide('po.exchange_rate') }},
            2
        ) - round({{ cast_wide('line.quantity') }} * {{ cast_wide('line.unit_cost') }}, 2) as price_variance
    from {{ ref('stg_ops__goods_receipt') }} as receipt
    inner join posted_entries
        on posted_entries.journal_entry_id = receipt.journal_entry_id
    inner join {{ ref('stg_ops__goods_receipt_line') }} as line
        on line.goods_receipt_id = receipt.goods_receipt_id
    inner join {{ ref('stg_ops__purchase_order') }} as po
        on po.purchase_order_id = receipt.purchase_order_id
),

invoice_lines as (
    select
        invoice.invoice_number,
        posted_entries.fiscal_period_code as fiscal_period,
        posted_entries.entry_date as posting_date,
        invoice.supplier_id,
        line.item_id,
        line.line_no,
        max(line.line_no) over (partition by invoice.supplier_invoice_id) as last_line_no,
        round({{ cast_wide('invoice.net_amount') }} * {{ cast_wide('invoice.exchange_rate') }}, 2)
            as invoice_net_base,
        round({{ cast_wide('line.net_amount') }} * {{ cast_wide('invoice.exchange_rate') }}, 2) as line_net_base,
        round(
            {{ cast_wide('line.quantity') }} * {{ cast_wide('line.order_price') }}
            * {{ cast_wide('po.exchange_rate') }},
            2
        ) as cleared_at_order_price
    from {{ ref('stg_ops__supplier_invoice') }} as invoice
    inner join posted_entries
        on posted_entries.journal_entry_id = invoice.journal_entry_id
    inner join {{ ref('stg_ops__supplier_invoice_line') }} as line
        on line.supplier_invoice_id = invoice.supplier_invoice_id
    inner join {{ ref('stg_ops__purchase_order') }} as po
        on po.purchase_order_id = invoice.purchase_order_id
    where invoice.invoice_status not in ('held', 'cancelled')
),

invoice_residue as (
    select
        invoice_number,
        max(invoice_net_base) - sum(line_net_base) as residue
    from invoice_lines
    group by invoice_number
),

attributed as (
    select
        'supplier_invoice' as source_type,
        invoice_lines.invoice_number as source_number,
        invoice_lines.fiscal_period,
        invoice_lines.posting_date,
        invoice_lines.supplier_id,
        invoice_lines.item_id,
        invoice_lines.line_net_base - invoice_lines.cleared_at_order_price
        + case when invoice_lines.line_no = invoice_lines.last_line_no then invoice_residue.residue else 0 end
            as price_variance
    from invoice_lines
    inner join invoice_residue
        on invoice_residue.invoice_number = invoice_lines.invoice_number
),

both_kinds as (
    select * from receipt_lines
    union all
    select * from attributed
)

select
    source_type,
    source_number,
    fiscal_period,
    posting_date,
    supplier_id,
    item_id,
    cast(sum(price_variance) as numeric(18, 4)) as material_price_variance
from both_kinds
group by source_type, source_number, fiscal_period, posting_date, supplier_id, item_id
