"""The HR, customer-service and IT workspaces through AppTest: who sees which page, a pay run calculated by HR,
approved by finance and posted; a repair walked from received to returned, with a move made stale by a colleague
refused beside the actions and nothing saved; a ticket raised by a sales user and resolved by IT."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from erp import schema as s
from erp.services import inventory, payroll, service
from erp.services.base import Session
from erp.services.products import item_actions
from tests.support.store_state import snapshot
from tests.test_apps import open_page, signed_in
from tests.test_apps_documents import lines, submit, successes

PAGES = ("pay_runs", "repairs", "complaints", "tickets", "it_assets", "access_review")
# Read off seeds/role_permissions.csv by hand, not from the app's page table.
ROLE_PAGES = {
    "hr": {"pay_runs", "tickets"},
    "finance": {"pay_runs", "tickets"},
    "service": {"repairs", "complaints", "tickets"},
    "it": {"tickets", "it_assets", "access_review"},
    "sales": {"tickets"},
}


def status(engine, table, number: str) -> str:
    with engine.connect() as conn:
        return conn.execute(select(table.c.status).where(table.c.number == number)).scalar_one()


def opened(at: AppTest, key: str, number: str) -> AppTest:
    at.selectbox(key=f"{key}:open").select(number)
    at.run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


def press(at: AppTest, key: str) -> AppTest:
    at.button(key=f"{key}:0:new:button").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_each_role_sees_only_its_people_pages(sample: Session, make_user: Callable[..., Session]) -> None:
    for role, pages in ROLE_PAGES.items():
        make_user(f"u_{role}", role)
        at = signed_in(f"u_{role}")
        for name in PAGES:
            if name in pages:
                open_page(at, name)
                assert not at.error, (role, name, [e.value for e in at.error])
            else:
                try:
                    at.switch_page(f"workspaces/{name}.py")
                except ValueError:
                    continue
                raise AssertionError(f"{role} may open {name}")


def test_pay_run_calculated_approved_by_another_user_and_posted(
    sample: Session, make_user: Callable[..., Session]
) -> None:
    engine = sample.engine
    hr = make_user("zhao", "hr")
    make_user("qian", "finance")
    payroll.set_salary(hr, {"employee": "E-002", "effective_date": "2025-07-01", "base_salary": "20000"})

    at = open_page(signed_in("zhao"), "pay_runs")
    form = "pay:new:0:new"
    at.text_input(key=f"{form}:period").input("2026-01")
    at.date_input(key=f"{form}:pay_date").set_value(dt.date(2026, 2, 5))
    submit(at, form, "Calculate")
    assert any("Calculated pay run" in m for m in successes(at)), [e.value for e in at.error]
    with engine.connect() as conn:
        number = conn.execute(select(s.pay_run.c.number)).scalar_one()
    opened(at, "pay:list", number)
    assert not [b for b in at.button if b.key and b.key.startswith(f"pay:doc:{number}:approve")]  # hr cannot approve
    assert any(df.value.shape[0] == 1 for df in at.dataframe if "Net" in df.value.columns)  # hr sees the payslip

    boss = opened(open_page(signed_in("qian"), "pay_runs"), "pay:list", number)
    press(boss, f"pay:doc:{number}:approve")
    assert status(engine, s.pay_run, number) == "approved"
    press(boss, f"pay:doc:{number}:post")
    assert status(engine, s.pay_run, number) == "posted"
    assert any(f"Posted {number}." in m for m in successes(boss))
    assert any("Debit" in df.value.columns and df.value.shape[0] >= 2 for df in boss.dataframe)


def test_repair_walk_with_a_stale_move_refused(sample: Session, make_user: Callable[..., Session]) -> None:
    engine = sample.engine
    item_actions.update(sample, {"item_code": "FG-PUMP-100"}, {"standard_cost": "1200"})
    inventory.receive_stock(
        sample, {"move_date": "2026-03-01", "location": "RAW", "lines": [{"item": "RM-SEAL", "quantity": "20"}]}
    )
    colleague = make_user("hu", "service")
    make_user("ma", "service")
    at = open_page(signed_in("ma"), "repairs")
    form = "rep:new:0:new"
    at.selectbox(key=f"{form}:customer").select("C-1001")
    at.selectbox(key=f"{form}:item").select("FG-PUMP-100")
    at.text_input(key=f"{form}:fault").input("leaking seal")
    at.date_input(key=f"{form}:received_date").set_value(dt.date(2026, 3, 2))
    submit(at, form, "Receive for repair")
    with engine.connect() as conn:
        number = conn.execute(select(s.repair_order.c.number)).scalar_one()
    opened(at, "rep:list", number)
    key = f"rep:doc:{number}"
    # Only the moves "received" allows are offered: diagnose or cancel, no start, done or return.
    assert not [b for b in at.button if b.key and (b.key.startswith(f"{key}:start") or f"{key}:done" in b.key)]

    # A colleague diagnoses it meanwhile; the diagnosis typed on this page is then a jump the service refuses.
    service.diagnose_repair(colleague, number, "worn seal", warranty=False)
    before = snapshot(engine)
    at.text_input(key=f"{key}:diagnose:0:new:diagnosis").input("seal")
    submit(at, f"{key}:diagnose:0:new", "Diagnose")
    assert snapshot(engine) == before
    assert [e.value for e in at.error] == [
        f"{number} is diagnosed; it cannot become diagnosed (allowed: repairing, cancelled)"
    ]

    press(at, f"{key}:start")
    assert status(engine, s.repair_order, number) == "repairing"
    parts = f"{key}:parts:0:new"
    at.selectbox(key=f"{parts}:location").select("RAW")
    lines(at, parts, {0: {"item": "RM-SEAL", "quantity": 2}})
    submit(at, parts, "Issue parts")
    assert any("Issued the parts" in m for m in successes(at)), [e.value for e in at.error]
    assert any("Part" in df.value.columns and df.value.shape[0] == 1 for df in at.dataframe)
    at.date_input(key=f"{key}:done:0:new:done_date").set_value(dt.date(2026, 3, 4))
    submit(at, f"{key}:done:0:new", "Mark done")
    assert status(engine, s.repair_order, number) == "done"
    at.date_input(key=f"{key}:return:0:new:returned_date").set_value(dt.date(2026, 3, 5))
    submit(at, f"{key}:return:0:new", "Return to customer")
    assert status(engine, s.repair_order, number) == "returned"
    assert any(f"Returned {number}" in m for m in successes(at))


def test_ticket_raised_by_sales_and_resolved_by_it(sample: Session, make_user: Callable[..., Session]) -> None:
    engine = sample.engine
    make_user("wang", "sales")
    make_user("it1", "it")
    seller = open_page(signed_in("wang"), "tickets")
    form = "tkt:new:0:new"
    seller.selectbox(key=f"{form}:category").select("printing")
    seller.text_input(key=f"{form}:subject").input("Printer jams")
    submit(seller, form, "Raise ticket")
    assert any("Raised ticket" in m for m in successes(seller)), [e.value for e in seller.error]
    with engine.connect() as conn:
        number = conn.execute(select(s.support_ticket.c.number)).scalar_one()

    it = opened(open_page(signed_in("it1"), "tickets"), "tkt:list", number)
    key = f"tkt:doc:{number}"
    it.selectbox(key=f"{key}:assign:0:new:assignee").select("it1")
    submit(it, f"{key}:assign:0:new", "Assign")
    press(it, f"{key}:start")
    it.text_input(key=f"{key}:resolve:0:new:resolution").input("Cleared the paper path")
    submit(it, f"{key}:resolve:0:new", "Resolve")
    assert status(engine, s.support_ticket, number) == "resolved"

    seller = opened(open_page(signed_in("wang"), "tickets"), "tkt:list", number)
    assert not [b for b in seller.button if b.key and b.key.startswith(f"{key}:close")]  # only IT closes
    seller.text_input(key=f"{key}:rate:0:new:satisfaction").input("5")
    submit(seller, f"{key}:rate:0:new", "Rate")
    with engine.connect() as conn:
        assert conn.execute(select(s.support_ticket.c.satisfaction)).scalar_one() == 5
