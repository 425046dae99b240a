"""The procurement, production and budget workspaces through AppTest: who sees which page, a requisition walked to a
supplier payment and a production order walked from release to close through the pages, and refusals (segregation
of duties, over-receipt, bad budget lines) shown beside their fields with nothing saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from erp import schema as s
from erp.read import budgets as read_budgets
from erp.read import procurement as read_procurement
from erp.read import production as read_production
from erp.read.documents import ListFilter, list_documents, open_document
from erp.services import budgets, inventory, procurement, production
from erp.services.base import Session
from erp.services.products import item_actions
from tests.support.people import quick_user
from tests.support.store_state import snapshot
from tests.test_apps import errors_beside, open_page, signed_in
from tests.test_apps_documents import lines, submit, successes, table_with

D = dt.date
PAGES = (
    "requisitions",
    "purchase_orders",
    "approval_limits",
    "goods_receipts",
    "supplier_invoices",
    "supplier_payments",
    "purchase_contracts",
    "supplier_evaluations",
    "production_orders",
    "budgets",
)
# Read off seeds/role_permissions.csv by hand, not from the app's page table.
ROLE_PAGES = {
    "procurement": {"requisitions", "purchase_orders", "goods_receipts", "purchase_contracts", "supplier_evaluations"},
    "production": {"requisitions", "goods_receipts", "production_orders"},
    "planner": {"requisitions", "production_orders"},
    "finance": {"approval_limits", "supplier_invoices", "supplier_payments", "budgets"},
    "executive": {"purchase_orders", "budgets"},
    "sales": set(),
}


def tab_labels(at: AppTest) -> list[str]:
    return [tab.label for tab in at.tabs]


def click(at: AppTest, key: str) -> AppTest:
    """Press an action button (its key is the action's form prefix plus ":button") and draw the page again."""
    at.button(key=f"{key}:0:new:button").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose(at: AppTest, key: str, value: Any) -> AppTest:
    at.selectbox(key=key).select(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def saved(at: AppTest, message: str) -> None:
    """The page says it saved, and shows no refusal."""
    assert message in successes(at), (successes(at), [e.value for e in at.error])


def scalar(engine: Engine, query: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(query).scalar()


def test_each_role_sees_only_its_procurement_production_and_budget_pages(
    sample: Session, make_user: Callable[..., Session]
) -> None:
    for role, pages in ROLE_PAGES.items():
        make_user(f"u_{role}", role)
        at = signed_in(f"u_{role}")
        for name in PAGES:
            if name in pages:
                open_page(at, name)
                assert not at.error, (role, name, [e.value for e in at.error])
                if name == "purchase_orders":
                    # buyers enter orders and approve others'; an executive only approves
                    expected = ["Purchase orders", "Approval inbox"]
                    if role == "procurement":
                        expected.insert(1, "New purchase order")
                    assert tab_labels(at) == expected, role
                if name == "budgets":
                    writes = role == "finance"
                    assert ("Copy a version" in tab_labels(at)) is writes, role
            else:
                with pytest.raises(ValueError):
                    at.switch_page(f"workspaces/{name}.py")


def test_requisition_to_supplier_payment_through_the_pages(sample: Session, make_user: Callable[..., Session]) -> None:
    engine = sample.engine
    for name in ("chen", "zhou", "wang", "zhao", "li"):
        role = {"chen": "planner", "zhou": "procurement", "wang": "executive", "zhao": "production", "li": "finance"}
        make_user(name, role[name])

    # Finance sets the executive's approval limit; a row naming a role and a user is refused under the grid.
    accountant = open_page(signed_in("li"), "approval_limits")
    form = "limits:edit:0:new"
    before = snapshot(engine)
    lines(accountant, form, {0: {"role": "executive", "user": "zhou", "max_amount": 50000}})
    submit(accountant, form, "Save limits")
    assert errors_beside(accountant, f"{form}:lines") == ["Line 1 (executive), Role: give a role or a user, not both"]
    assert snapshot(engine) == before
    lines(accountant, form, {0: {"role": "executive", "max_amount": 50000}})
    saved(submit(accountant, form, "Save limits"), "Saved 1 approval limits.")

    planner = open_page(signed_in("chen"), "requisitions")
    form = "requisitions:new:0:new"
    planner.date_input(key=f"{form}:request_date").set_value(D(2026, 3, 1))
    planner.date_input(key=f"{form}:needed_date").set_value(D(2026, 3, 20))
    planner.selectbox(key=f"{form}:cost_center").select("PRD")
    lines(planner, form, {0: {"item": "RM-STATOR", "quantity": 40}, 1: {"item": "RM-BEARING", "quantity": 200}})
    saved(submit(planner, form, "Create requisition"), "Saved requisition PR-000001.")

    # The buyer agrees a contract price for the stators, orders the requisition's lines (the stator priced by the
    # contract), then may not approve his own order.
    buyer = open_page(signed_in("zhou"), "purchase_contracts")
    form = "pcontracts:new:0:new"
    buyer.selectbox(key=f"{form}:supplier").select("S-2002")
    buyer.date_input(key=f"{form}:start_date").set_value(D(2026, 1, 1))
    buyer.date_input(key=f"{form}:end_date").set_value(D(2026, 12, 31))
    lines(buyer, form, {0: {"item": "RM-STATOR", "agreed_price": 175, "committed_qty": 500}})
    saved(submit(buyer, form, "Create contract"), "Saved contract PC-000001 as a draft.")
    choose(buyer, "pcontracts:list:open", "PC-000001")
    saved(click(buyer, "pcontracts:doc:PC-000001:active"), "PC-000001 is now Active.")
    open_page(buyer, "purchase_orders")
    choose(buyer, "orders:requisition", "PR-000001")
    form = "orders:new:PR-000001:0:new"
    assert buyer.data_editor(key=f"{form}:lines").value["quantity"].tolist() == [40.0, 200.0]
    assert buyer.selectbox(key=f"{form}:cost_center").value == "PRD"
    buyer.selectbox(key=f"{form}:supplier").select("S-2002")
    buyer.date_input(key=f"{form}:order_date").set_value(D(2026, 3, 2))
    buyer.date_input(key=f"{form}:expected_date").set_value(D(2026, 3, 15))
    buyer.text_input(key=f"{form}:receipt_tolerance_pct").input("5")
    buyer.text_input(key=f"{form}:price_tolerance_pct").input("2")
    lines(buyer, form, {1: {"unit_price": 13}})
    message = "Saved purchase order PO-000001 for 9600; it waits for approval by someone else."
    saved(submit(buyer, form, "Create purchase order"), message)
    assert scalar(engine, select(s.purchase_requisition.c.status)) == "ordered"

    choose(buyer, "orders:list:open", "PO-000001")
    before = snapshot(engine)
    click(buyer, "orders:doc:PO-000001:approve")
    assert errors_beside(buyer, "orders:doc:PO-000001:approve:0:new:button") == [
        "Purchase order: segregation of duties: zhou created PO-000001 and cannot approve it"
    ]
    assert snapshot(engine) == before
    assert "No purchase order is waiting for your approval." in [m.value for m in buyer.info]  # his own waits

    boss = open_page(signed_in("wang"), "purchase_orders")
    waiting = table_with(boss, "Within your limit")
    assert waiting[["Number", "Created by", "Within your limit"]].values.tolist() == [["PO-000001", "zhou", True]]
    choose(boss, "orders:inbox:open", "PO-000001")
    saved(click(boss, "orders:inbox:PO-000001:approve"), "Approved PO-000001.")
    assert scalar(engine, select(s.purchase_order.c.approved_by)) == "wang"

    # The clerk receives part, is refused an over-receipt beside the lines, then receives the rest.
    clerk = open_page(signed_in("zhao"), "goods_receipts")
    choose(clerk, "receipts:order", "PO-000001")
    form = "receipts:new:PO-000001:0:new"
    assert clerk.data_editor(key=f"{form}:lines").value["quantity"].tolist() == [40.0, 200.0]
    clerk.date_input(key=f"{form}:receipt_date").set_value(D(2026, 3, 10))
    clerk.selectbox(key=f"{form}:location").select("RAW")
    lines(clerk, form, {0: {"quantity": 30}})
    message = "Saved goods receipt GR-000001; the order is now Partially received."
    saved(submit(clerk, form, "Receive"), message)
    form = "receipts:new:PO-000001:1:new"
    assert clerk.data_editor(key=f"{form}:lines").value["at_most"].tolist() == [12.0]
    clerk.date_input(key=f"{form}:receipt_date").set_value(D(2026, 3, 12))
    clerk.selectbox(key=f"{form}:location").select("RAW")
    lines(clerk, form, {0: {"quantity": 13}})
    before = snapshot(engine)
    submit(clerk, form, "Receive")
    assert errors_beside(clerk, f"{form}:lines") == [
        "Line 1 (1), Quantity: over-receipt: line 1 would reach 43 of 40 ordered; at most 42 (5% tolerance)"
    ]
    assert snapshot(engine) == before
    assert clerk.selectbox(key=f"{form}:location").value == "RAW"  # the form keeps what was typed
    lines(clerk, form, {0: {"quantity": 12}})
    saved(submit(clerk, form, "Receive"), "Saved goods receipt GR-000002; the order is now Received.")

    # Finance registers the invoice: a price beyond the tolerance holds it; released, it posts and is paid.
    open_page(accountant, "supplier_invoices")
    choose(accountant, "sinvoices:order", "PO-000001")
    form = "sinvoices:new:PO-000001:0:new"
    assert accountant.data_editor(key=f"{form}:lines").value["quantity"].tolist() == [42.0, 200.0]
    accountant.text_input(key=f"{form}:supplier_ref").input("CZ-001")
    accountant.date_input(key=f"{form}:invoice_date").set_value(D(2026, 3, 16))
    lines(accountant, form, {1: {"unit_price": 13.5}})
    held = "Saved invoice SINV-000001; held: line 2: price 13.5 differs from the order price 13 by more than 2%"
    saved(submit(accountant, form, "Register invoice"), held)
    assert scalar(engine, select(s.supplier_invoice.c.journal_entry_id)) is None
    assert table_with(accountant, "Held because")["Number"].tolist() == ["SINV-000001"]
    choose(accountant, "sinvoices:held:open", "SINV-000001")
    match = table_with(accountant, "Price within tolerance")
    assert match[["Item", "Received qty", "Invoiced price", "Price within tolerance"]].values.tolist() == [
        ["RM-STATOR", 42.0, 175.0, True],
        ["RM-BEARING", 200.0, 13.5, False],
    ]
    click(accountant, "sinvoices:held:SINV-000001:release")
    saved(accountant, "Released SINV-000001; it is posted and payable.")
    assert scalar(engine, select(s.supplier_invoice.c.status)) == "open"

    open_page(accountant, "supplier_payments")
    choose(accountant, "spayments:supplier", "S-2002")
    form = "spayments:new:S-2002:0:new"
    assert accountant.data_editor(key=f"{form}:lines").value["invoice"].tolist() == ["SINV-000001"]
    accountant.date_input(key=f"{form}:payment_date").set_value(D(2026, 3, 25))
    accountant.text_input(key=f"{form}:amount").input("5000")
    lines(accountant, form, {0: {"amount": 5000}})
    message = "Saved payment SPAY-000001: 5000 of 5000 allocated."
    saved(submit(accountant, form, "Save payment"), message)
    assert scalar(engine, select(s.supplier_invoice.c.status)) == "partially_paid"

    # The invoice opens with its match, its postings (GR/IR cleared, variance, VAT, payable) and its audit trail.
    open_page(accountant, "supplier_invoices")
    choose(accountant, "sinvoices:list:open", "SINV-000001")
    postings = table_with(accountant, "Journal entry")
    assert set(postings["Account"]) == {"220201", "1404", "222101", "2202"}
    assert postings["Debit"].sum() == postings["Credit"].sum() == 11356.5
    audit = table_with(accountant, "Time (UTC)")
    assert list(audit["Action"]) == ["supplier_invoice.register", "supplier_invoice.release"]
    # The receipt, the payment and the requisition open too; the contract shows what was ordered and received on it.
    choose(open_page(clerk, "goods_receipts"), "receipts:list:open", "GR-000001")
    assert table_with(clerk, "Time (UTC)")["Action"].tolist() == ["goods_receipt.post"]
    choose(open_page(accountant, "supplier_payments"), "spayments:list:open", "SPAY-000001")
    assert table_with(accountant, "Invoice amount")["Supplier invoice"].tolist() == ["SINV-000001"]
    assert set(table_with(accountant, "Journal entry")["Account"]) == {"2202", "1002"}
    assert set(table_with(clerk, "Journal entry")["Account"]) == {"1403", "1404", "220201"}
    choose(open_page(planner, "requisitions"), "requisitions:list:open", "PR-000001")
    assert "Ordered on PO-000001" in [c.value for c in planner.caption]
    choose(open_page(buyer, "purchase_contracts"), "pcontracts:list:open", "PC-000001")
    usage = table_with(buyer, "Volume left")
    assert usage[["Item", "Ordered so far", "Received so far", "Volume left"]].values.tolist() == [
        ["RM-STATOR", 40.0, 42.0, 460.0]
    ]

    # The buyer scores the supplier: a bad period is refused beside the field, then the evaluation is listed.
    open_page(buyer, "supplier_evaluations")
    form = "evaluations:new:0:new"
    buyer.selectbox(key=f"{form}:supplier").select("S-2002")
    buyer.text_input(key=f"{form}:period").input("2026-13")
    for score, value in (("quality_score", "90"), ("delivery_score", "50"), ("price_score", "85")):
        buyer.text_input(key=f"{form}:{score}").input(value)
    before = snapshot(engine)
    submit(buyer, form, "Save evaluation")
    assert errors_beside(buyer, f"{form}:period") == ["must be a month like 2026-03 or a quarter like 2026-Q1"]
    assert snapshot(engine) == before
    buyer.text_input(key=f"{form}:period").input("2026-Q1")
    saved(submit(buyer, form, "Save evaluation"), "Saved the evaluation for 2026-Q1: overall 75.")
    assert table_with(buyer, "Overall")[["Supplier", "Overall", "Evaluator"]].values.tolist() == [
        ["S-2002", 75.0, "zhou"]
    ]

    # The order shows the postings of both receipts and the invoice.
    choose(boss, "orders:list:open", "PO-000001")
    entries = set(table_with(boss, "Journal entry")["Source"])
    assert entries == {"goods_receipt", "supplier_invoice"}
    received = table_with(boss, "Received qty")
    assert received[["Received qty", "Invoiced"]].values.tolist() == [[42.0, 42.0], [200.0, 200.0]]


def test_production_order_from_release_to_close_through_the_pages(
    sample: Session, make_user: Callable[..., Session]
) -> None:
    engine = sample.engine
    for code, cost in (("SA-MOTOR-1", "600"), ("SA-HOUSING", "300"), ("FG-PUMP-100", "1200")):
        item_actions.update(sample, {"item_code": code}, {"standard_cost": cost})
    stock = [("SA-MOTOR-1", "10"), ("SA-HOUSING", "10"), ("RM-IMPELLER", "12"), ("RM-BOLT-M8", "100")]
    inventory.receive_stock(
        sample,
        {"move_date": "2026-03-01", "location": "RAW", "lines": [{"item": i, "quantity": q} for i, q in stock]},
    )
    make_user("zhang", "production")
    at = open_page(signed_in("zhang"), "production_orders")
    form = "mo:new:0:new"
    at.selectbox(key=f"{form}:item").select("FG-PUMP-100")
    at.text_input(key=f"{form}:quantity").input("10")
    at.date_input(key=f"{form}:start_date").set_value(D(2026, 3, 2))
    at.date_input(key=f"{form}:due_date").set_value(D(2026, 3, 9))
    at.selectbox(key=f"{form}:location").select("FG")
    at.selectbox(key=f"{form}:issue_location").select("RAW")
    saved(submit(at, form, "Create production order"), "Saved production order MO-000001 as planned.")

    choose(at, "mo:list:open", "MO-000001")
    click(at, "mo:doc:MO-000001:release")
    saved(at, "Released MO-000001: 4 components and 1 operations copied.")
    doc = "mo:doc:MO-000001"

    # Issue: the grid starts with the planned quantities; asking for more than on hand is refused beside it.
    form = f"{doc}:issue:0:new"
    issue = at.data_editor(key=f"{form}:lines").value
    assert dict(zip(issue["item"], issue["quantity"], strict=True))["RM-BOLT-M8"] == 84.0
    at.date_input(key=f"{form}:issue_date").set_value(D(2026, 3, 2))
    row = issue["item"].tolist().index("SA-MOTOR-1")
    lines(at, form, {row: {"quantity": 12}})
    before = snapshot(engine)
    submit(at, form, "Issue materials")
    (refusal,) = errors_beside(at, f"{form}:lines")
    assert refusal.endswith("only 10 of SA-MOTOR-1 on hand at RAW; 12 needed")
    assert snapshot(engine) == before
    lines(at, form, {})
    saved(submit(at, form, "Issue materials"), "Issued SM-000002, posted as JE-000002.")

    form = f"{doc}:time:0:new"
    assert at.data_editor(key=f"{form}:lines").value["step_no"].tolist() == [10.0]
    at.date_input(key=f"{form}:report_date").set_value(D(2026, 3, 5))
    lines(at, form, {0: {"labour_hours": 16, "machine_hours": 15, "labour_rate": 70}})
    saved(submit(at, form, "Report time"), "Reported time on 1 operations, posted as JE-000003.")

    form = f"{doc}:complete:0:new"
    at.date_input(key=f"{form}:completion_date").set_value(D(2026, 3, 6))
    message = "Completed 10 on MO-000001, now Completed, posted as JE-000004."
    saved(submit(at, form, "Complete"), message)

    form = f"{doc}:close:0:new"
    at.date_input(key=f"{form}:close_date").set_value(D(2026, 3, 31))
    saved(submit(at, form, "Close order"), "Closed MO-000001, posted as JE-000005.")
    assert scalar(engine, select(s.production_order.c.status)) == "closed"

    # The closed order shows its variances, and postings that leave its work in process at zero.
    assert any("MO-000001" in h.value for h in at.subheader)
    shown = "\n".join(m.value for m in at.markdown)
    assert "**Labour rate variance**  \n80" in shown and "**Material usage variance**  \n0" in shown
    postings = table_with(at, "Journal entry")
    wip = postings[postings["Account"] == "5001"]
    assert round(wip["Debit"].sum() - wip["Credit"].sum(), 2) == 0
    assert {"500202", "500203", "500204", "500205"} <= set(postings["Account"])
    issued = table_with(at, "Still to issue")
    assert dict(zip(issued["Component"], issued["Issued"], strict=True)) == {
        "RM-BOLT-M8": 84.0,
        "RM-IMPELLER": 10.2,
        "SA-HOUSING": 10.0,
        "SA-MOTOR-1": 10.0,
    }
    assert not [b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{doc}")]  # nothing more to book


def test_budget_lines_approval_copy_and_report_through_the_pages(
    sample: Session, make_user: Callable[..., Session]
) -> None:
    engine = sample.engine
    make_user("li", "finance")
    make_user("wang", "executive")
    at = open_page(signed_in("li"), "budgets")
    form = "budgets:edit::0:new"
    at.text_input(key=f"{form}:code").input("FY2025")
    at.text_input(key=f"{form}:name").input("Budget 2025")
    at.text_input(key=f"{form}:fiscal_year").input("2025")
    typed = {
        0: {"account": "1403", "cost_center": "PUR", "period": "2025-03", "amount": 10000},
        1: {"account": "5101", "cost_center": "PRD", "period": "2026-03", "amount": 3000},
    }
    lines(at, form, typed)
    before = snapshot(engine)
    submit(at, form, "Save draft")
    assert errors_beside(at, f"{form}:lines") == ["Line 2 (5101), Month (YYYY-MM): 2026-03 is not in fiscal year 2025"]
    assert snapshot(engine) == before
    typed[1]["period"] = "2025-03"
    lines(at, form, typed)
    saved(submit(at, form, "Save draft"), "Saved draft FY2025 with 2 lines.")

    boss = open_page(signed_in("wang"), "budgets")
    assert "Enter or change a draft" not in tab_labels(boss)
    choose(boss, "budgets:list:open", "FY2025")
    click(boss, "budgets:doc:FY2025:approve")
    saved(boss, "Approved FY2025.")

    open_page(at, "budgets")
    form = "budgets:copy:0:new"
    at.selectbox(key=f"{form}:source").select("FY2025")
    at.text_input(key=f"{form}:code").input("FY2026")
    at.text_input(key=f"{form}:name").input("Budget 2026")
    at.text_input(key=f"{form}:fiscal_year").input("2026")
    at.text_input(key=f"{form}:change_pct").input("10")
    saved(submit(at, form, "Copy"), "Copied into draft FY2026 with 2 lines.")
    choose(at, "budgets:report:version", "FY2026")
    report = table_with(at, "Available")
    assert report[["Account", "Cost center", "Budget", "Actual", "Committed"]].values.tolist() == [
        ["1403", "PUR", 11000.0, 0.0, 0.0],
        ["5101", "PRD", 3300.0, 0.0, 0.0],
    ]
    assert [m.value for m in at.metric] == ["14300", "0", "0", "14300"]


@pytest.mark.portable
def test_procurement_production_and_budget_reads(backend: str, sample: Session, engine: Engine) -> None:
    """The read helpers behind these pages, on each backend: every kind of document lists and opens, and the
    form choices (approval inbox, lines left to receive and invoice, payable invoices) are right."""
    buyer, boss = quick_user(engine, "zhou", "procurement"), quick_user(engine, "wang", "executive")
    procurement.save_approval_limits(sample, [{"role": "executive", "max_amount": "50000"}])
    req = procurement.create_requisition(
        buyer,
        {
            "request_date": "2026-03-01",
            "needed_date": "2026-03-20",
            "cost_center": "PRD",
            "lines": [{"item": "RM-STATOR", "quantity": "40", "supplier": "S-2002"}],
        },
    )
    with buyer.read() as conn:
        start = read_procurement.requisition_to_order(conn, req["number"])
    assert (start["supplier"], start["cost_center"], start["lines"][0]["quantity"]) == ("S-2002", "PRD", 40)
    order = procurement.create_purchase_order(
        buyer,
        {
            "supplier": "S-2002",
            "order_date": "2026-03-02",
            "expected_date": "2026-03-15",
            "requisition": req["number"],
            "receipt_tolerance_pct": "10",
            "lines": [{"item": "RM-STATOR", "quantity": "40", "unit_price": "175"}],
        },
    )
    with boss.read() as conn:
        waiting, limit = read_procurement.approval_inbox(conn, boss.actor)
    assert ([w["number"] for w in waiting], waiting[0]["within_limit"], limit) == ([order["number"]], True, 50000)
    with buyer.read() as conn:
        assert read_procurement.approval_inbox(conn, buyer.actor)[0] == []  # his own order waits for someone else
    procurement.approve_purchase_order(boss, order["number"])
    procurement.receive_goods(
        sample,
        {
            "order": order["number"],
            "receipt_date": "2026-03-10",
            "location": "RAW",
            "lines": [{"line_no": 1, "quantity": "30"}],
        },
    )
    invoice = procurement.register_supplier_invoice(
        sample, {"supplier": "S-2002", "order": order["number"], "supplier_ref": "X-1", "invoice_date": "2026-03-11"}
    )
    payment = procurement.pay_supplier(sample, {"supplier": "S-2002", "payment_date": "2026-03-12", "amount": "9000"})
    procurement.record_supplier_evaluation(
        buyer,
        {"supplier": "S-2002", "period": "2026-03", "quality_score": "80", "delivery_score": "90", "price_score": "70"},
    )
    budgets.save_budget(
        sample,
        {
            "code": "B26",
            "name": "Budget 2026",
            "fiscal_year": "2026",
            "lines": [{"account": "1403", "cost_center": "PRD", "period": "2026-03", "amount": "10000"}],
        },
    )
    mo = production.create_production_order(
        sample,
        {
            "item": "FG-PUMP-100",
            "quantity": "2",
            "start_date": "2026-03-02",
            "due_date": "2026-03-09",
            "location": "FG",
            "issue_location": "RAW",
        },
    )
    production.release_production_order(sample, mo["number"])

    with sample.read() as conn:
        left = read_procurement.lines_to_receive(conn, order["number"])
        assert [(ln["left"], ln["at_most"]) for ln in left] == [(10, 14)]
        assert read_procurement.orders_to_receive(conn) == [order["number"]]
        assert read_procurement.orders_to_invoice(conn) == []  # the 30 received are invoiced
        assert read_procurement.payable_invoices(conn, "S-2002") == []  # and paid
        assert read_procurement.payments_with_unallocated(conn) == [payment["number"]]
        kinds = (
            (read_procurement.REQUISITIONS, req["number"], 1, False),
            (read_procurement.PURCHASE_ORDERS, order["number"], 1, True),
            (read_procurement.GOODS_RECEIPTS, "GR-000001", 1, True),
            (read_procurement.SUPPLIER_INVOICES, invoice["number"], 1, True),
            (read_procurement.SUPPLIER_PAYMENTS, payment["number"], 1, True),
            (read_budgets.BUDGET_VERSIONS, "B26", 1, False),
            (read_production.PRODUCTION_ORDERS, mo["number"], 4, False),
        )
        for kind, number, line_count, posts in kinds:
            listed = list_documents(conn, kind, ListFilter(search=number))
            assert [r[kind.key] for r in listed.rows] == [number], kind.name
            doc = open_document(conn, kind, number)
            assert doc is not None and len(doc.lines) == line_count and doc.audit, kind.name
            assert bool(doc.postings) is posts, kind.name
            if posts:
                assert sum(p["debit"] for p in doc.postings) == sum(p["credit"] for p in doc.postings), kind.name
        assert open_document(conn, read_procurement.SUPPLIER_INVOICES, invoice["number"]).lines[0]["price_ok"] is True
        evaluations = list_documents(conn, read_procurement.EVALUATIONS, ListFilter(choice="S-2002")).rows
        assert [(e["period"], e["overall_score"]) for e in evaluations] == [("2026-03", 80)]
        assert [r["role"] for r in read_procurement.approval_limits(conn)] == ["executive"]
        rows, totals = read_budgets.report(conn, "B26", by_month=False)
        assert rows == [
            {
                "account": "1403",
                "cost_center": "PRD",
                "period": None,
                "budget": 10000,
                "actual": 5400,  # 30 received at the standard cost of 180
                "committed": 1750,  # 10 still to come at 175
                "available": 2850,
            }
        ]
        assert totals["available"] == 2850
        assert [op["work_center"] for op in read_production.operations(conn, mo["number"])] == ["WC-ASSY"]
