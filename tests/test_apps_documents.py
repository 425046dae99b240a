"""The document workspaces through AppTest: who sees which page, a quotation walked to a payment through the pages,
and refused input shown beside its fields with nothing saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from erp import schema as s
from erp.read import ledger as read_ledger
from erp.read import sales as read_sales
from erp.read import stock as read_stock
from erp.read.documents import ListFilter, list_documents, open_document
from erp.services import inventory, ledger, sales
from erp.services.base import Session
from erp.services.partners import customer_actions
from erp.services.products import item_actions
from tests.support.store_state import snapshot
from tests.test_apps import errors_beside, open_page, signed_in

D = dt.date
DOCUMENT_PAGES = (
    "price_lists",
    "quotations",
    "sales_orders",
    "shipments",
    "customer_invoices",
    "customer_payments",
    "sales_contracts",
    "stock",
    "journals",
    "recurring_journals",
    "periods",
    "posting_rules",
    "trial_balance",
)
# Read off seeds/role_permissions.csv by hand, not from the app's page table.
ROLE_PAGES = {
    "sales": {"price_lists", "quotations", "sales_orders", "sales_contracts"},
    "production": {"shipments", "stock"},
    "planner": {"stock"},
    "finance": {
        "customer_invoices",
        "customer_payments",
        "journals",
        "recurring_journals",
        "periods",
        "posting_rules",
        "trial_balance",
    },
    "hr": set(),
}


def lines(at: AppTest, prefix: str, edited: dict[int, dict[str, Any]]) -> None:
    """Type into the lines grid of the form ``prefix`` (the editor's own edit state, as the browser sends it)."""
    at.session_state[f"{prefix}:lines"] = {"edited_rows": edited, "added_rows": [], "deleted_rows": []}


def submit(at: AppTest, prefix: str, label: str) -> AppTest:
    at.button(key=f"FormSubmitter:{prefix}-{label}").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def successes(at: AppTest) -> list[str]:
    return [m.value for m in at.success]


def table_with(at: AppTest, column: str) -> Any:
    """The first table on the page with a column of that name."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def one(engine: Engine, query: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(query).one()


def test_each_role_sees_only_its_document_pages(sample: Session, make_user: Callable[..., Session]) -> None:
    for role, pages in ROLE_PAGES.items():
        make_user(f"u_{role}", role)
        at = signed_in(f"u_{role}")
        for name in DOCUMENT_PAGES:
            if name in pages:
                open_page(at, name)
                assert not at.error, (role, name, [e.value for e in at.error])
            else:
                with pytest.raises(ValueError):
                    at.switch_page(f"workspaces/{name}.py")


def test_quotation_to_payment_through_the_pages(sample: Session, make_user: Callable[..., Session]) -> None:
    engine = sample.engine
    item_actions.update(sample, {"item_code": "FG-PUMP-100"}, {"standard_cost": "1200"})
    make_user("wang", "sales")
    make_user("zhao", "production")
    make_user("li", "finance")

    seller = open_page(signed_in("wang"), "price_lists")
    form = "price_lists:edit::0:new"
    at = seller
    at.text_input(key=f"{form}:code").input("STD")
    at.text_input(key=f"{form}:name").input("Standard prices")
    lines(at, form, {0: {"item": "FG-PUMP-100", "unit_price": 2000}})
    assert "Saved price list STD." in successes(submit(at, form, "Save price list"))

    open_page(at, "quotations")
    form = "quotations:new:0:new"
    at.selectbox(key=f"{form}:customer").select("C-1002")
    at.date_input(key=f"{form}:quote_date").set_value(D(2026, 3, 1))
    at.date_input(key=f"{form}:valid_until").set_value(D(2026, 3, 31))
    lines(at, form, {0: {"item": "FG-PUMP-100", "quantity": 4, "discount_pct": 10}})
    assert "Saved quotation QT-000001." in successes(submit(at, form, "Create quotation"))
    assert one(engine, select(s.sales_quotation.c.net_amount)) == (7200,)  # 4 x 2000 less 10%, from the list

    at.selectbox(key="quotations:list:open").select("QT-000001")
    at.run()
    form = "quotations:doc:QT-000001:convert:0:new"
    at.date_input(key=f"{form}:order_date").set_value(D(2026, 3, 5))
    at.date_input(key=f"{form}:promised_date").set_value(D(2026, 3, 20))
    assert "Created sales order SO-000001." in successes(submit(at, form, "Create sales order"))
    order = one(engine, select(s.sales_order.c.number, s.sales_order.c.status, s.sales_order.c.gross_amount))
    assert tuple(order) == ("SO-000001", "open", 8136)  # 7200 + 13% VAT

    clerk = open_page(signed_in("zhao"), "stock")
    form = "stock:receipt:0:new"
    clerk.date_input(key=f"{form}:move_date").set_value(D(2026, 3, 1))
    clerk.selectbox(key=f"{form}:location").select("FG")
    lines(clerk, form, {0: {"item": "FG-PUMP-100", "quantity": 10}})
    assert "Saved SM-000001, posted as JE-000001." in successes(submit(clerk, form, "Post"))

    open_page(clerk, "shipments")
    clerk.selectbox(key="shipments:order").select("SO-000001")
    clerk.run()
    form = "shipments:new:SO-000001:0:new"
    assert clerk.data_editor(key=f"{form}:lines").value["quantity"].tolist() == [4.0]  # what is left to ship
    clerk.date_input(key=f"{form}:ship_date").set_value(D(2026, 3, 6))
    clerk.selectbox(key=f"{form}:location").select("FG")
    lines(clerk, form, {0: {"quantity": 3}})
    assert "Saved shipment SHP-000001; the order is now Partially shipped." in successes(submit(clerk, form, "Ship"))

    accountant = open_page(signed_in("li"), "customer_invoices")
    form = "invoices:order:0:new"
    accountant.selectbox(key=f"{form}:order").select("SO-000001")
    accountant.date_input(key=f"{form}:invoice_date").set_value(D(2026, 3, 7))
    assert "Saved invoice INV-000001, posted as JE-000003." in successes(submit(accountant, form, "Create invoice"))
    invoice = one(engine, select(s.customer_invoice.c.gross_amount, s.customer_invoice.c.status))
    assert tuple(invoice) == (6102, "open")  # 3 x 1800 + 13%

    open_page(accountant, "customer_payments")
    accountant.selectbox(key="payments:customer").select("C-1002")
    accountant.run()
    form = "payments:new:C-1002:0:new"
    accountant.date_input(key=f"{form}:payment_date").set_value(D(2026, 3, 15))
    accountant.text_input(key=f"{form}:amount").input("5000")
    accountant.text_input(key=f"{form}:reference").input("BANK-1")
    lines(accountant, form, {0: {"amount": 4000}})
    message = "Saved payment PAY-000001: 4000 of 5000 allocated."
    assert message in successes(submit(accountant, form, "Save payment"))
    with engine.connect() as conn:
        assert conn.execute(select(s.customer_invoice.c.paid_amount, s.customer_invoice.c.status)).one() == (
            4000,
            "partially_paid",
        )
        assert conn.execute(select(s.payment_allocation.c.amount)).scalars().all() == [4000]

    # The invoice opens with its lines, the journal lines it posted and its audit trail.
    open_page(accountant, "customer_invoices")
    accountant.selectbox(key="invoices:list:open").select("INV-000001")
    accountant.run()
    postings = table_with(accountant, "Journal entry")
    assert set(postings["Account"]) == {"1122", "6001", "222102"}
    assert postings["Debit"].sum() == postings["Credit"].sum() == 6102
    audit = table_with(accountant, "Time (UTC)")
    assert list(audit["Action"]) == ["invoice.from_order"] and list(audit["User"]) == ["li"]
    assert table_with(accountant, "VAT rate")["Item"].tolist() == ["FG-PUMP-100"]

    # The order shows the postings of its shipment and invoice.
    open_page(seller, "sales_orders")
    seller.selectbox(key="orders:list:open").select("SO-000001")
    seller.run()
    order_postings = table_with(seller, "Journal entry")
    assert set(order_postings["Journal entry"]) == {"JE-000002", "JE-000003"}
    shipped = table_with(seller, "Shipped")
    assert shipped[["Shipped", "Invoiced"]].values.tolist() == [[3.0, 3.0]]


def test_refused_documents_show_errors_beside_fields_and_save_nothing(
    sample: Session, make_user: Callable[..., Session]
) -> None:
    engine = sample.engine
    sales.save_price_list(
        sample, {"code": "STD", "name": "Std", "lines": [{"item": "FG-PUMP-100", "unit_price": "2000"}]}
    )
    customer_actions.update(sample, {"code": "C-1002"}, {"credit_limit": "1000"})
    before = snapshot(engine)
    at = open_page(signed_in("admin", language="en"), "quotations")

    form = "quotations:new:0:new"
    at.date_input(key=f"{form}:quote_date").set_value(D(2026, 3, 1))
    at.date_input(key=f"{form}:valid_until").set_value(D(2026, 3, 31))
    lines(at, form, {0: {"item": "FG-PUMP-100", "quantity": 0}, 2: {"item": "RM-SEAL", "quantity": 1}})
    submit(at, form, "Create quotation")
    assert errors_beside(at, f"{form}:customer") == ["is required"]
    assert errors_beside(at, f"{form}:lines") == ["Line 1 (FG-PUMP-100), Quantity: must be greater than zero"]
    assert at.date_input(key=f"{form}:valid_until").value == D(2026, 3, 31)  # the form keeps what was typed
    assert at.session_state[f"{form}:lines"]["edited_rows"][2] == {"item": "RM-SEAL", "quantity": 1}
    at.selectbox(key=f"{form}:customer").select("C-1002")
    lines(at, form, {0: {"item": "FG-PUMP-100", "quantity": 1}, 2: {"item": "RM-SEAL", "quantity": 1}})
    submit(at, form, "Create quotation")
    assert errors_beside(at, f"{form}:lines") == [
        "Line 3 (RM-SEAL), Unit price (blank: from contract or price list): "
        "no contract or price list gives a price for this item; enter one"
    ]
    assert snapshot(engine) == before

    open_page(at, "sales_orders")
    form = "orders:new:0:new"
    at.selectbox(key=f"{form}:customer").select("C-1002")
    at.date_input(key=f"{form}:order_date").set_value(D(2026, 3, 5))
    at.date_input(key=f"{form}:promised_date").set_value(D(2026, 3, 20))
    lines(at, form, {0: {"item": "FG-PUMP-100", "quantity": 1}})
    submit(at, form, "Create sales order")
    (refusal,) = errors_beside(at, f"{form}:customer")
    assert refusal.startswith("over the credit limit 1000: C-1002 owes or has ordered 0, this order adds 2260")
    assert snapshot(engine) == before

    open_page(at, "journals")
    form = "journals:new:0:new"
    at.date_input(key=f"{form}:entry_date").set_value(D(2026, 3, 31))
    lines(at, form, {0: {"account": "1002", "debit": 100}, 1: {"account": "6001", "credit": 90}})
    submit(at, form, "Post")
    assert errors_beside(at, f"{form}:lines") == ["debits (100.00) and credits (90.00) must be equal"]
    assert snapshot(engine) == before
    lines(at, form, {0: {"account": "1002", "debit": 100}, 1: {"account": "6001", "credit": 100}})
    assert "Posted journal entry JE-000001." in successes(submit(at, form, "Post"))

    # Reverse it from the entry view, into a period closed first: refused beside the date, then accepted.
    open_page(at, "periods")
    at.selectbox(key="periods:year").select(2026)
    at.selectbox(key="periods:chosen").select("2026-04")
    at.run()
    at.button(key="periods:2026-04:close:0:new:button").click()
    at.run()
    assert "Closed 2026-04." in successes(at)
    assert "2026-04 is Closed for posting." in [m.value for m in at.markdown]
    open_page(at, "journals")
    at.selectbox(key="journals:list:open").select("JE-000001")
    at.run()
    form = "journals:doc:JE-000001:reverse:0:new"
    at.date_input(key=f"{form}:reversal_date").set_value(D(2026, 4, 2))
    submit(at, form, "Reverse")
    assert errors_beside(at, f"{form}:reversal_date") == ["the accounting period 2026-04 is closed"]
    at.date_input(key=f"{form}:reversal_date").set_value(D(2026, 5, 2))
    assert "Reversed JE-000001 with JE-000002." in successes(submit(at, form, "Reverse"))
    with engine.connect() as conn:
        reversed_by = conn.execute(select(s.journal_entry.c.source_ref).where(s.journal_entry.c.number == "JE-000002"))
        assert reversed_by.scalar_one() == "JE-000001"

    before = snapshot(engine)
    open_page(at, "stock")
    form = "stock:adjustment:0:new"
    at.date_input(key=f"{form}:move_date").set_value(D(2026, 3, 1))
    at.selectbox(key=f"{form}:location").select("FG")
    lines(at, form, {0: {"item": "RM-SEAL", "quantity": -2}})
    submit(at, form, "Post")
    assert errors_beside(at, f"{form}:reason") == ["is required for an adjustment"]
    assert snapshot(engine) == before


def test_every_kind_of_document_opens_with_lines_postings_and_audit(sample: Session) -> None:
    item_actions.update(sample, {"item_code": "FG-PUMP-100"}, {"standard_cost": "1200"})
    sales.save_price_list(
        sample, {"code": "STD", "name": "Std", "lines": [{"item": "FG-PUMP-100", "unit_price": "2000"}]}
    )
    contract = sales.create_sales_contract(
        sample,
        {
            "customer": "C-1001",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "lines": [{"item": "FG-PUMP-100", "agreed_price": "1800", "agreed_qty": "20"}],
        },
    )
    sales.set_contract_status(sample, contract["number"], "active")
    receipt = inventory.receive_stock(
        sample, {"move_date": "2026-03-01", "location": "FG", "lines": [{"item": "FG-PUMP-100", "quantity": "5"}]}
    )
    order = sales.create_sales_order(
        sample,
        {
            "customer": "C-1001",
            "order_date": "2026-03-02",
            "promised_date": "2026-03-09",
            "lines": [{"item": "FG-PUMP-100", "quantity": "2"}],
        },
    )
    shipment = sales.ship_order(sample, {"order": order["number"], "ship_date": "2026-03-03", "location": "FG"})
    invoice = sales.invoice_order(sample, {"order": order["number"], "invoice_date": "2026-03-04"})
    payment = sales.receive_payment(sample, {"customer": "C-1001", "payment_date": "2026-03-05", "amount": "100"})
    ledger.save_recurring_journal(
        sample,
        {
            "code": "RENT",
            "description": "Office rent",
            "next_date": "2026-01-31",
            "lines": [{"account": "6602", "debit": "5000"}, {"account": "1002", "credit": "5000"}],
        },
    )
    quote = sales.create_quotation(
        sample,
        {
            "customer": "C-1002",
            "quote_date": "2026-03-01",
            "valid_until": "2026-03-31",
            "lines": [{"item": "FG-PUMP-100", "quantity": "1"}],
        },
    )

    at = signed_in("admin", language="en")
    open_page(at, "recurring_journals")
    form = "recurring:due:0:new"
    at.date_input(key=f"{form}:as_of").set_value(D(2026, 3, 31))
    assert "Posted JE-000005, JE-000006, JE-000007." in successes(submit(at, form, "Post due journals"))

    documents = {
        "price_lists": ("price_lists:list", "STD", None),
        "quotations": ("quotations:list", quote["number"], None),
        "sales_orders": ("orders:list", order["number"], "1405"),
        "shipments": ("shipments:list", shipment["number"], "6401"),
        "customer_invoices": ("invoices:list", invoice["number"], "6001"),
        "customer_payments": ("payments:list", payment["number"], "1002"),
        "sales_contracts": ("contracts:list", contract["number"], None),
        "stock": ("stock:moves", receipt["number"], "1405"),
        "journals": ("journals:list", "JE-000005", "6602"),
        "recurring_journals": ("recurring:list", "RENT", "6602"),
    }
    for page, (key, number, account) in documents.items():
        open_page(at, page)
        at.selectbox(key=f"{key}:open").select(number)
        at.run()
        assert not at.exception and not at.error, (page, [e.value for e in at.exception])
        assert any(number in h.value for h in at.subheader), page
        posted = [df.value for df in at.dataframe if "Journal entry" in df.value.columns]
        if account is None:
            assert posted == [], page
        else:
            assert account in set(posted[0]["Account"]), page
        audited = [df.value for df in at.dataframe if "Time (UTC)" in df.value.columns]
        if page == "journals":
            assert audited == []  # posted from a template: the audit entry is the template's
        else:
            assert len(audited[0]) >= 1, page
        if page == "sales_contracts":
            usage = table_with(at, "Ordered so far")
            assert usage.values.tolist()[0][:4] == ["FG-PUMP-100", 1800.0, 20.0, 0.0]  # the order was not under it
    open_page(at, "stock")
    on_hand = table_with(at, "On hand")
    assert on_hand[["Item", "Location", "On hand"]].values.tolist() == [["FG-PUMP-100", "FG", 3.0]]
    open_page(at, "trial_balance")
    at.date_input(key="trial_balance:up_to").set_value(D(2026, 12, 31))
    at.run()
    assert [m.value for m in at.metric][2] == "0"  # debits equal credits


@pytest.mark.portable
def test_document_reads_search_filter_page_and_open(backend: str, sample: Session) -> None:
    """The read helpers behind the pages, on each backend: lists, filters, paging, one document, stock, ledger."""
    item_actions.update(sample, {"item_code": "FG-PUMP-100"}, {"standard_cost": "1200"})
    sales.save_price_list(
        sample, {"code": "STD", "name": "Std", "lines": [{"item": "FG-PUMP-100", "unit_price": "2000"}]}
    )
    inventory.receive_stock(
        sample, {"move_date": "2026-03-01", "location": "FG", "lines": [{"item": "FG-PUMP-100", "quantity": "5"}]}
    )
    numbers = []
    for day, customer in ((2, "C-1001"), (3, "C-1002"), (4, "C-1001")):
        order = sales.create_sales_order(
            sample,
            {
                "customer": customer,
                "order_date": f"2026-03-0{day}",
                "promised_date": "2026-03-20",
                "lines": [{"item": "FG-PUMP-100", "quantity": "1"}],
                "reference": f"PO-{day}",
            },
        )
        numbers.append(order["number"])
    sales.ship_order(sample, {"order": numbers[0], "ship_date": "2026-03-05", "location": "FG"})
    sales.invoice_order(sample, {"order": numbers[0], "invoice_date": "2026-03-06"})
    with sample.read() as conn:
        everything = list_documents(conn, read_sales.SALES_ORDERS)
        assert [r["number"] for r in everything.rows] == numbers[::-1]  # newest first
        first_customer = list_documents(conn, read_sales.SALES_ORDERS, ListFilter(search="c-1001"))
        assert [r["number"] for r in first_customer.rows] == [numbers[2], numbers[0]]
        closed = list_documents(conn, read_sales.SALES_ORDERS, ListFilter(choice="closed"))
        assert [r["number"] for r in closed.rows] == [numbers[0]]
        window = ListFilter(date_from=D(2026, 3, 3), date_to=D(2026, 3, 3))
        assert [r["reference"] for r in list_documents(conn, read_sales.SALES_ORDERS, window).rows] == ["PO-3"]
        second = list_documents(conn, read_sales.SALES_ORDERS, page=2, page_size=2)
        assert (second.total, second.pages, [r["number"] for r in second.rows]) == (3, 2, [numbers[0]])
        assert list_documents(conn, read_sales.SALES_ORDERS, ListFilter(search="%")).total == 0

        doc = open_document(conn, read_sales.SALES_ORDERS, numbers[0])
        assert doc is not None and [ln["item"] for ln in doc.lines] == ["FG-PUMP-100"]
        assert {p["source_type"] for p in doc.postings} == {"shipment", "invoice"}
        assert sum(p["debit"] for p in doc.postings) == sum(p["credit"] for p in doc.postings)
        assert [a["action"] for a in doc.audit] == ["sales_order.create"]
        assert open_document(conn, read_sales.SALES_ORDERS, "SO-999999") is None
        assert read_sales.orders_to_ship(conn) == numbers[1:]
        assert read_sales.orders_to_invoice(conn) == []
        assert [i["number"] for i in read_sales.open_invoices(conn, "C-1001")] == ["INV-000001"]

        moves = list_documents(conn, read_stock.STOCK_MOVES, ListFilter(choice="shipment"))
        assert [(r["number"], r["moves"]) for r in moves.rows] == [("SHP-000001", 1)]
        on_hand = list_documents(conn, read_stock.ON_HAND, ListFilter(choice="FG"))
        assert [(r["item"], r["quantity"]) for r in on_hand.rows] == [("FG-PUMP-100", 4)]

        entries = list_documents(conn, read_ledger.JOURNALS, ListFilter(choice="invoice"))
        assert [r["source_ref"] for r in entries.rows] == ["INV-000001"]
        rows, totals = read_ledger.trial_balance(conn)
        assert totals["debit"] == totals["credit"] and totals["balance"] == 0
        assert [p["status"] for p in read_ledger.periods(conn, 2026)] == ["open"] * 12
