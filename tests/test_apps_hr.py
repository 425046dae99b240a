"""The leave, skills, recruiting, training and returns (RMA) workspaces through AppTest: who sees which page, each
document walked through its moves on the pages, refused input shown beside its field with nothing saved, and
statuses shown by their labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from erp import schema as s
from erp import views
from erp.services import inventory, recruiting, sales, training
from erp.services.base import Session
from erp.services.products import item_actions
from tests.support.store_state import snapshot
from tests.test_apps import errors_beside, open_page, signed_in
from tests.test_apps_documents import lines, submit, successes, table_with

PAGES = ("leave", "skills", "recruiting", "training", "rmas")
# Read off seeds/role_permissions.csv by hand, not from the app's page table.
ROLE_PAGES = {
    "hr": {"leave", "skills", "recruiting", "training"},
    "service": {"rmas"},
    "finance": set(),
    "sales": set(),
    "it": set(),
}


def press(at: AppTest, key: str) -> AppTest:
    at.button(key=f"{key}:0:new:button").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose(at: AppTest, key: str, value: Any) -> AppTest:
    at.selectbox(key=key).select(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def scalar(engine: Engine, query: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()


def test_each_role_sees_only_its_pages(sample: Session, make_user: Callable[..., Session]) -> None:
    admin = signed_in("admin")
    for name in PAGES:
        open_page(admin, name)
        assert not admin.error, (name, [e.value for e in admin.error])
    for role, pages in ROLE_PAGES.items():
        make_user(f"u_{role}", role)
        at = signed_in(f"u_{role}")
        for name in PAGES:
            if name in pages:
                open_page(at, name)
                assert not at.error, (role, name, [e.value for e in at.error])
            else:
                with pytest.raises(ValueError):
                    at.switch_page(f"workspaces/{name}.py")


def test_leave_refused_then_requested_approved_and_counted(
    sample: Session, make_user: Callable[..., Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = sample.engine
    make_user("zhao", "hr")
    downloads: list[list[dict]] = []
    csv_bytes = views.csv_bytes

    def recording(header: Any, rows: Any) -> bytes:
        downloads.append([dict(r) for r in rows])
        return csv_bytes(header, rows)

    monkeypatch.setattr(views, "csv_bytes", recording)
    at = open_page(signed_in("zhao"), "leave")
    form = "lv:new:0:new"
    at.selectbox(key=f"{form}:employee").select("E-005")
    at.selectbox(key=f"{form}:leave_type").select("annual")
    at.date_input(key=f"{form}:start_date").set_value(dt.date(2026, 3, 9))
    at.date_input(key=f"{form}:end_date").set_value(dt.date(2026, 3, 6))
    before = snapshot(engine)
    submit(at, form, "Record request")
    assert errors_beside(at, f"{form}:end_date") == ["must not be before the first day"]
    assert snapshot(engine) == before
    assert at.selectbox(key=f"{form}:employee").value == "E-005"  # the form keeps what was typed

    at.date_input(key=f"{form}:end_date").set_value(dt.date(2026, 3, 13))
    submit(at, form, "Record request")
    number = scalar(engine, select(s.leave_record.c.number))
    assert f"Recorded leave request {number} for 5 days." in successes(at)
    assert table_with(at, "Leave type")["Status"].tolist() == ["Requested"]  # the label, not the stored code
    assert [row["status"] for row in downloads[-1]] == ["requested"]  # while the CSV download keeps the code

    choose(at, "lv:list:open", number)
    key = f"lv:doc:{number}"
    assert not [b for b in at.button if b.key and b.key.startswith(f"{key}:taken")]  # not approved yet
    press(at, f"{key}:approve")
    assert scalar(engine, select(s.leave_record.c.status)) == "approved"
    assert f"Approved {number}." in successes(at)
    assert any(m.value == "**Status**  \nApproved" for m in at.markdown)  # the header shows the label too
    press(at, f"{key}:taken")
    assert scalar(engine, select(s.leave_record.c.status)) == "taken"

    at.number_input(key="lv:year").set_value(2026).run()
    balance = table_with(at, "Days approved or taken")
    assert balance[["Employee", "Leave type", "Days approved or taken"]].values.tolist() == [["E-005", "annual", 5.0]]

    press(at, "lv:statutory")  # statutory annual leave for 2026: E-005 (hired 2018-11-01) has 5 days
    assert any(m.startswith("Annual leave for 2026: ") for m in successes(at))
    balance = table_with(at, "Days entitled").set_index("Employee")
    assert balance.loc["E-005", ["Days entitled", "Days approved or taken", "Days left"]].tolist() == [5.0, 5.0, 0.0]
    assert balance.loc["E-001", "Days left"] == 10.0

    form = "lv:entitlement:0:new"  # HR gives E-005 two more days: refused below zero, then saved
    at.selectbox(key=f"{form}:employee").select("E-005")
    at.selectbox(key=f"{form}:leave_type").select("annual")
    at.text_input(key=f"{form}:days").input("-2")
    before = snapshot(engine)
    submit(at, form, "Save entitlement")
    assert errors_beside(at, f"{form}:days") == ["must be at least 0"]
    assert snapshot(engine) == before
    at.text_input(key=f"{form}:days").input("7")
    submit(at, form, "Save entitlement")
    assert "Entitlement saved: 7 days." in successes(at)
    assert table_with(at, "Days entitled").set_index("Employee").loc["E-005", "Days left"] == 2.0


def test_skill_added_refused_level_and_changed(sample: Session, make_user: Callable[..., Session]) -> None:
    engine = sample.engine
    make_user("zhao", "hr")
    at = open_page(signed_in("zhao"), "skills")
    form = "skills:new:0:new"
    at.selectbox(key=f"{form}:employee").select("E-003")
    at.text_input(key=f"{form}:skill").input("TIG welding")
    at.text_input(key=f"{form}:level").input("6")
    before = snapshot(engine)
    submit(at, form, "Create")
    assert errors_beside(at, f"{form}:level") == ["must be at most 5"]
    assert snapshot(engine) == before

    at.text_input(key=f"{form}:level").input("3")
    submit(at, form, "Create")
    assert "Saved E-003/TIG welding." in successes(at)
    matrix = table_with(at, "TIG welding")
    assert matrix[["Employee", "TIG welding"]].values.tolist() == [["E-003", 3.0]]

    choose(at, "skills:edit:employee", "E-003")
    choose(at, "skills:edit:skill", "TIG welding")
    edit = "skills:edit:0:E-003/TIG welding"
    at.text_input(key=f"{edit}:level").input("4")
    submit(at, edit, "Save")
    assert scalar(engine, select(s.employee_skill.c.level)) == 4


def test_candidate_moved_across_the_recruiting_board_to_hired(
    sample: Session, make_user: Callable[..., Session]
) -> None:
    engine = sample.engine
    make_user("zhao", "hr")
    req = recruiting.create_job_requisition(sample, {"position": "Quality engineer", "cost_center": "QA"})["number"]

    at = open_page(signed_in("zhao"), "recruiting")
    choose(at, "rec:list:open", req)
    press(at, f"rec:req:{req}:approve")  # admin requested it, so zhao may approve
    post = f"rec:req:{req}:post:0:new"
    at.text_input(key=f"{post}:channel").input("company site")
    submit(at, post, "Post the job")
    assert scalar(engine, select(s.job_requisition.c.status)) == "open"

    form = "rec:newcand:0:new"
    at.selectbox(key=f"{form}:requisition").select(req)
    at.text_input(key=f"{form}:name").input("周敏")
    before = snapshot(engine)
    submit(at, form, "Add candidate")
    assert errors_beside(at, f"{form}:resume_text") == ["give the resume as text or as a file path"]
    assert snapshot(engine) == before
    at.text_input(key=f"{form}:resume_text").input("QA, 5 years")
    submit(at, form, "Add candidate")
    number = scalar(engine, select(s.candidate.c.number))
    assert f"Added candidate {number}." in successes(at)
    assert "**Applied** · 1" in [m.value for m in at.markdown]  # the board's first column holds the candidate

    choose(at, "rec:move", number)
    key = f"rec:cand:{number}"
    assert not [b for b in at.button if b.key and b.key.startswith(f"{key}:decline")]  # no offer to decline yet
    submit(at, f"{key}:screen:0:new", "Start screening")
    assert "**Screening** · 1" in [m.value for m in at.markdown]

    schedule = f"{key}:schedule:0:new"
    at.text_input(key=f"{schedule}:interviewers").input("E-003, E-999")
    before = snapshot(engine)
    submit(at, schedule, "Schedule")
    assert errors_beside(at, f"{schedule}:interviewers") == ["E-999 does not exist"]
    assert snapshot(engine) == before
    at.text_input(key=f"{schedule}:interviewers").input("E-003")
    submit(at, schedule, "Schedule")
    assert f"Scheduled interview round 1 for {number}." in successes(at)
    assert scalar(engine, select(s.candidate.c.status)) == "interviewing"

    feedback = f"{key}:feedback:0:new"
    at.text_input(key=f"{feedback}:round").input("1")
    at.selectbox(key=f"{feedback}:interviewer").select("E-003")
    at.text_input(key=f"{feedback}:score").input("4")
    submit(at, feedback, "Record feedback")
    assert "Recorded the feedback; the interview is complete." in successes(at)
    assert table_with(at, "Interviewer")["Score"].tolist() == [4]

    offer = f"{key}:offer:0:new"
    at.text_input(key=f"{offer}:salary").input("12000")
    at.date_input(key=f"{offer}:start_date").set_value(dt.date(2026, 4, 1))
    at.date_input(key=f"{offer}:offer_date").set_value(dt.date(2026, 3, 12))
    submit(at, offer, "Make offer")
    assert f"Made an offer to {number}." in successes(at), [e.value for e in at.error]
    hire = f"{key}:hire:0:new"
    at.text_input(key=f"{hire}:employee_code").input("E-100")
    submit(at, hire, "Hire")
    assert f"Hired {number} as employee E-100." in successes(at)
    assert scalar(engine, select(s.employee.c.name).where(s.employee.c.employee_code == "E-100")) == "周敏"
    assert "**Hired** · 1" in [m.value for m in at.markdown]


def test_training_session_planned_attended_and_evaluated(sample: Session, make_user: Callable[..., Session]) -> None:
    engine = sample.engine
    make_user("zhao", "hr")
    training.course_actions.create(sample, {"code": "SAFE-01", "title": "Workshop safety", "duration_hours": "4"})
    at = open_page(signed_in("zhao"), "training")
    form = "trn:new:0:new"
    at.selectbox(key=f"{form}:course").select("SAFE-01")
    at.date_input(key=f"{form}:start_date").set_value(dt.date(2026, 3, 10))
    at.date_input(key=f"{form}:end_date").set_value(dt.date(2026, 3, 10))
    at.text_input(key=f"{form}:capacity").input("many")
    before = snapshot(engine)
    submit(at, form, "Plan session")
    assert errors_beside(at, f"{form}:capacity") == ["must be a whole number"]
    assert snapshot(engine) == before
    at.text_input(key=f"{form}:capacity").input("2")
    submit(at, form, "Plan session")
    number = scalar(engine, select(s.training_session.c.number))
    assert f"Planned training session {number}." in successes(at)

    choose(at, "trn:list:open", number)
    key = f"trn:doc:{number}"
    for generation, code in enumerate(("E-003", "E-004", "E-005")):  # each saved enrolment empties the form
        at.selectbox(key=f"{key}:enrol:{generation}:new:employee").select(code)
        submit(at, f"{key}:enrol:{generation}:new", "Enrol")
    assert [e.value for e in at.error] == [f"Training session: {number} is full (2 places)"]
    at.selectbox(key=f"{key}:before:0:new:employee").select("E-003")
    at.text_input(key=f"{key}:before:0:new:score_before").input("55")
    submit(at, f"{key}:before:0:new", "Record score")
    assert "Recorded the score before: 55." in successes(at)

    lines(at, f"{key}:complete:0:new", {1: {"attended": False}})  # E-004 did not come
    submit(at, f"{key}:complete:0:new", "Complete session")
    assert f"Completed {number}: 1 attended, 1 absent." in successes(at)
    assert table_with(at, "Score before")["Status"].tolist() == ["Attended", "Absent"]

    at.selectbox(key=f"{key}:after:0:new:employee").select("E-003")
    at.text_input(key=f"{key}:after:0:new:score_after").input("85")
    submit(at, f"{key}:after:0:new", "Record score")
    assert [m.value for m in at.metric] == ["30"]  # mean gain: 85 - 55


def test_return_authorised_received_restocked_and_credited(sample: Session, make_user: Callable[..., Session]) -> None:
    engine = sample.engine
    item_actions.update(sample, {"item_code": "FG-PUMP-100"}, {"standard_cost": "1200"})
    inventory.receive_stock(
        sample, {"move_date": "2026-03-01", "location": "FG", "lines": [{"item": "FG-PUMP-100", "quantity": "10"}]}
    )
    order = sales.create_sales_order(
        sample,
        {
            "customer": "C-1002",
            "order_date": "2026-03-05",
            "promised_date": "2026-03-20",
            "lines": [{"item": "FG-PUMP-100", "quantity": "4", "unit_price": "2000"}],
        },
    )
    shipment = sales.ship_order(sample, {"order": order["number"], "ship_date": "2026-03-06", "location": "FG"})
    make_user("hu", "service")
    at = open_page(signed_in("hu"), "rmas")
    form = "rma:new:0:new"
    at.selectbox(key=f"{form}:shipment").select(shipment["number"])
    at.date_input(key=f"{form}:rma_date").set_value(dt.date(2026, 3, 10))
    at.text_input(key=f"{form}:reason").input("cracked housing")
    at.selectbox(key=f"{form}:resolution").select("credit")
    lines(at, form, {0: {"item": "FG-PUMP-100", "quantity": 5}})
    before = snapshot(engine)
    submit(at, form, "Authorise return")
    assert [e.value for e in at.error] == ["Line 1 (FG-PUMP-100), Quantity: only 4 can still be returned"]
    assert snapshot(engine) == before
    lines(at, form, {0: {"item": "FG-PUMP-100", "quantity": 1}})
    submit(at, form, "Authorise return")
    number = scalar(engine, select(s.rma.c.number))
    assert f"Authorised return {number}." in successes(at)

    choose(at, "rma:list:open", number)
    key = f"rma:doc:{number}"
    at.selectbox(key=f"{key}:receive:0:new:location").select("QC")
    at.date_input(key=f"{key}:receive:0:new:received_date").set_value(dt.date(2026, 3, 11))
    submit(at, f"{key}:receive:0:new", "Receive")
    assert scalar(engine, select(s.rma.c.status)) == "received"
    inspect = f"{key}:inspect:0:new"
    at.date_input(key=f"{inspect}:inspection_date").set_value(dt.date(2026, 3, 12))
    lines(at, inspect, {0: {"result": "restock", "notes": "cosmetic only"}})
    submit(at, inspect, "Record inspection")
    assert any(m.startswith(f"Inspected {number}; restocked as stock move") for m in successes(at)), [
        e.value for e in at.error
    ]
    assert table_with(at, "Inspection")["Inspection"].tolist() == ["Restock"]
    at.date_input(key=f"{key}:resolve:0:new:resolved_date").set_value(dt.date(2026, 3, 12))
    submit(at, f"{key}:resolve:0:new", "Resolve return")
    note = scalar(engine, select(s.credit_note.c.number))
    assert f"Resolved {number} with credit note {note}." in successes(at)
    assert table_with(at, "Reason for return")["Status"].tolist() == ["Resolved"]
    assert any("Credit" in df.value.columns and df.value.shape[0] >= 2 for df in at.dataframe)  # its postings
