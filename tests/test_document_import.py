"""`erp import` of documents: grouped CSV rows become documents through the services, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from erp import schema as s
from erp.io.documents import DOCUMENTS, describe
from erp.io.transfer import ImportFailed, import_dir, template_header
from erp.services import inventory, ledger
from erp.services.base import Session
from tests.support.store_state import snapshot

FILES = {
    "journals.csv": """journal_number,entry_date,description,account,debit,credit,cost_center,line_description
OB-1,2026-01-01,Opening balances,1002,500000,,FIN,Bank
OB-1,2026-01-01,Opening balances,4001,,500000,,Capital
""",
    "price_lists.csv": """price_list,name,customer,currency,valid_from,valid_to,item,unit_price
STD,Standard,,,,,FG-PUMP-100,2000
STD,Standard,,,,,RM-SEAL,40
""",
    "on_hand.csv": """item_code,location,quantity
FG-PUMP-100,FG,10
RM-SEAL,FG,100
RM-STATOR,RAW,25
""",
    "sales_orders.csv": "order_number,customer,order_date,promised_date,"
    + """item,quantity,unit_price,discount_pct,line_promised_date
OLD-7,C-1001,2026-02-01,2026-02-20,FG-PUMP-100,2,,,
OLD-7,C-1001,2026-02-01,2026-02-20,RM-SEAL,5,38,,2026-02-25
OLD-8,C-1002,2026-02-02,2026-02-22,RM-SEAL,1,,,
""",
    "customer_invoices.csv": "invoice_number,customer,invoice_date,due_date,vat_rate,"
    + """item,description,quantity,unit_price
F-100,C-1001,2026-02-10,,,FG-PUMP-100,,1,2000
F-100,C-1001,2026-02-10,,,,Freight,1,100
""",
    "customer_payments.csv": """payment_number,customer,payment_date,amount,exchange_rate,invoice,allocated
B-1,C-1001,2026-02-15,1000,,F-100,1000
""",
    "sales_contracts.csv": "contract_number,customer,start_date,end_date,renewal_date,status,"
    + """item,agreed_price,agreed_qty
K-1,C-1002,2026-01-01,2026-12-31,2026-11-30,active,FG-PUMP-100,1800,100
""",
    "demand.csv": """item_code,due_date,quantity,demand_type
FG-PUMP-100,2026-04-06,30,forecast
FG-PUMP-200,2026-04-13,5,order
""",
    "scheduled_receipts.csv": """item_code,due_date,quantity
RM-STATOR,2026-04-01,50
""",
}


def _write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_every_document_format_imports_through_the_services(sample: Session, tmp_path: Path) -> None:
    report = import_dir(sample, _write(tmp_path / "history", FILES))
    assert report.counts["sales_orders"] == 2 and report.counts["on_hand"] == 2
    with sample.read() as conn:
        assert ledger.account_balance(conn, "1002") == Decimal("501000.00")
        assert ledger.unbalanced_entries(conn) == []
        assert inventory.on_hand(conn, "FG-PUMP-100") == 10
        orders = conn.execute(
            select(s.sales_order.c.reference, s.sales_order.c.net_amount).order_by(s.sales_order.c.id)
        ).all()
        invoice = conn.execute(select(s.customer_invoice)).mappings().one()
        demand = conn.execute(select(s.planning_demand.c.demand_type, s.planning_demand.c.quantity)).all()
        contract = conn.execute(select(s.sales_contract.c.status, s.sales_contract.c.reference)).one()
        receipts = conn.execute(select(s.scheduled_receipt.c.quantity)).scalars().all()
    assert orders == [("OLD-7", Decimal("4190.0000")), ("OLD-8", Decimal("40.0000"))]
    assert (invoice["reference"], invoice["gross_amount"], invoice["status"]) == (
        "F-100",
        Decimal("2373.0000"),
        "partially_paid",
    )
    assert sorted(demand) == [("forecast", Decimal("30")), ("order", Decimal("5"))]
    assert contract == ("active", "K-1") and receipts == [Decimal("50")]
    # demand and open supply are replaced, not added to; documents are refused a second time
    import_dir(
        sample,
        _write(
            tmp_path / "again",
            {"demand.csv": "item_code,due_date,quantity,demand_type\nRM-SEAL,2026-05-04,7,forecast\n"},
        ),
    )
    with sample.read() as conn:
        assert conn.execute(select(s.planning_demand.c.quantity)).scalars().all() == [Decimal("7")]
    with pytest.raises(ImportFailed) as twice:
        import_dir(sample, _write(tmp_path / "twice", {"sales_orders.csv": FILES["sales_orders.csv"]}))
    assert "OLD-7 was already imported" in str(twice.value)


def test_a_bad_row_rejects_the_whole_import_with_file_line_and_column(
    sample: Session, engine: Engine, tmp_path: Path
) -> None:
    bad = dict(FILES)
    bad["sales_orders.csv"] = FILES["sales_orders.csv"].replace(
        "OLD-8,C-1002,2026-02-02,2026-02-22,RM-SEAL,1", "OLD-8,C-1002,2026-02-02,2026-02-22,RM-SEAL,lots"
    )
    bad["journals.csv"] = FILES["journals.csv"].replace("4001,,500000", "4001,,400000")
    bad["on_hand.csv"] = FILES["on_hand.csv"] + "NOPE,RAW,1\n"
    before = snapshot(engine)
    with pytest.raises(ImportFailed) as failed:
        import_dir(sample, _write(tmp_path / "bad", bad))
    problems = {(p.file, p.line, p.column) for p in failed.value.problems}
    assert ("sales_orders.csv", 4, "quantity") in problems
    assert ("on_hand.csv", 5, "item_code") in problems
    assert any(p.file == "journals.csv" and p.line == 2 and "must be equal" in p.reason for p in failed.value.problems)
    assert snapshot(engine) == before


def test_document_templates_and_docs_come_from_the_formats() -> None:
    assert template_header("sales_orders")[:3] == ["order_number", "customer", "order_date"]
    assert template_header("on_hand") == ["location", "count_date", "item_code", "quantity"]
    text = describe()
    for name in DOCUMENTS:
        assert f"`{name}.csv`" in text
    docs = (Path(__file__).parent.parent / "docs" / "import-formats.md").read_text(encoding="utf-8")
    assert describe() in docs, (
        "docs/import-formats.md is out of date: paste erp.io.documents.describe() under Documents"
    )
