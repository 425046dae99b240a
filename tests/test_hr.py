"""HR workflows through the service layer: leave, recruiting from requisition to hire, training with scores
before and after, skills and personal data; every forbidden move refused with the store unchanged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from erp import schema as s
from erp.errors import PermissionDenied, ServiceError
from erp.io.transfer import ImportFailed, export_entity, import_dir
from erp.read.hr import leave_summary
from erp.services import hr_records, payroll, recruiting, training
from erp.services.base import Session
from tests.support.people import quick_user
from tests.support.store_state import snapshot

pytestmark = pytest.mark.portable


def _refused(engine: Engine, call: Callable[[], object]) -> ServiceError:
    before = snapshot(engine)
    with pytest.raises(ServiceError) as refused:
        call()
    assert snapshot(engine) == before
    return refused.value


@pytest.fixture
def team(backend: str, sample: Session, engine: Engine) -> dict[str, Session]:
    return {
        "hr": quick_user(engine, "zhao", "hr"),
        "hr2": quick_user(engine, "qian", "hr"),
        "finance": quick_user(engine, "sun", "finance"),
        "sales": quick_user(engine, "li", "sales"),
    }


def test_leave_skills_and_personal_data(team: dict[str, Session], engine: Engine, tmp_path: Path) -> None:
    hr, sales, finance = team["hr"], team["sales"], team["finance"]
    leave = hr_records.request_leave(
        hr, {"employee": "E-005", "leave_type": "annual", "start_date": "2026-03-02", "end_date": "2026-03-08"}
    )
    assert leave["days"] == Decimal(5)  # Monday to Sunday: five weekdays
    overlap = _refused(
        engine,
        lambda: hr_records.request_leave(
            hr, {"employee": "E-005", "leave_type": "sick", "start_date": "2026-03-06", "end_date": "2026-03-06"}
        ),
    )
    assert overlap.for_field("start_date") == [f"overlaps the leave {leave['number']}"]
    jump = _refused(engine, lambda: hr_records.mark_leave_taken(hr, leave["number"]))
    assert jump.for_field("number") == [
        f"{leave['number']} is requested; it cannot become taken (allowed: approved, rejected, cancelled)"
    ]
    hr_records.approve_leave(hr, leave["number"])
    hr_records.mark_leave_taken(hr, leave["number"])
    _refused(engine, lambda: hr_records.cancel_leave(hr, leave["number"]))
    assert hr_records.leave_taken(hr, "E-005", 2026) == {"annual": Decimal(5)}
    with pytest.raises(PermissionDenied):
        hr_records.request_leave(
            team["sales"],
            {"employee": "E-005", "leave_type": "sick", "start_date": "2026-04-01", "end_date": "2026-04-01"},
        )
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "employee_skills.csv").write_text(
        "employee,skill,level,certified_on\nE-003,焊接 Welding,4,2024-05-01\nE-004,MRP,3,\n", encoding="utf-8"
    )
    (folder / "leave_records.csv").write_text(
        "leave_number,employee,leave_type,start_date,end_date,days,reason,status\n"
        "OLD-L1,E-003,annual,2026-01-05,2026-01-06,,,taken\n",
        encoding="utf-8",
    )
    admin_import = quick_user(engine, "imp", "admin")
    report = import_dir(admin_import, folder)
    assert report.counts == {"employee_skills": 2, "leave_records": 1}
    assert export_entity(hr, "employee_skills", tmp_path / "out.csv") == 2
    assert "E-003,焊接 Welding,4,2024-05-01" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    (folder / "employee_skills.csv").write_text("employee,skill,level\nE-003,Painting,9\n", encoding="utf-8")
    (folder / "leave_records.csv").unlink()
    before = snapshot(engine)
    with pytest.raises(ImportFailed) as failed:
        import_dir(admin_import, folder)
    assert [(p.line, p.column, p.reason) for p in failed.value.problems] == [(2, "level", "must be at most 5")]
    assert snapshot(engine) == before

    hr_records.save_personal_data(hr, {"employee": "E-003", "id_number": "110101199001011234", "phone": "13800000000"})
    assert hr_records.personal_data(finance, "E-003")["id_number"] == "110101199001011234"
    with pytest.raises(PermissionDenied):
        hr_records.personal_data(sales, "E-003")
    with pytest.raises(PermissionDenied):
        hr_records.save_personal_data(sales, {"employee": "E-003", "phone": "1"})


def test_recruiting_from_requisition_to_hire(team: dict[str, Session], engine: Engine) -> None:
    hr, hr2 = team["hr"], team["hr2"]
    payroll.pay_grade_actions.create(
        hr, {"code": "E1", "name": "Engineer 1", "min_salary": "8000", "max_salary": "14000"}
    )
    req = recruiting.create_job_requisition(
        hr, {"position": "质量工程师", "department": "质量部", "cost_center": "QA", "pay_grade": "E1", "headcount": "1"}
    )
    number = req["number"]
    own = _refused(engine, lambda: recruiting.approve_job_requisition(hr, number))
    assert own.for_field("requisition") == [f"{number} was requested by you; someone else must approve it"]
    closed = _refused(
        engine,
        lambda: recruiting.add_candidate(hr, {"requisition": number, "name": "周敏", "resume_text": "QA, 5 years"}),
    )
    assert closed.for_field("requisition") == [f"{number} is draft; it takes no candidates"]
    recruiting.approve_job_requisition(hr2, number)
    recruiting.post_job(hr, number, {"channel": "company site", "posted_on": "2026-03-01", "closes_on": "2026-03-31"})
    no_resume = _refused(engine, lambda: recruiting.add_candidate(hr, {"requisition": number, "name": "X"}))
    assert no_resume.for_field("resume_text") == ["give the resume as text or as a file path"]
    cand = recruiting.add_candidate(
        hr, {"requisition": number, "name": "周敏", "email": "zhou.min@example.cn", "resume_path": "resumes/zhou.pdf"}
    )
    other = recruiting.add_candidate(hr, {"requisition": number, "name": "吴磊", "resume_text": "Fresh graduate"})
    c = cand["number"]
    jump = _refused(engine, lambda: recruiting.hire(hr, c, "E-100"))
    assert jump.for_field("candidate") == [
        f"{c} is applied; it cannot become hired (allowed: screening, rejected, withdrawn)"
    ]
    recruiting.start_screening(hr, c, "strong QA background")
    recruiting.schedule_interview(
        hr, c, {"scheduled_at": "2026-03-10 14:00", "location": "Room 2", "interviewers": ["E-003", "E-004"]}
    )
    early = _refused(
        engine,
        lambda: recruiting.make_offer(
            hr, c, {"salary": "12000", "offer_date": "2026-03-12", "start_date": "2026-04-01"}
        ),
    )
    assert early.for_field("candidate") == [f"{c} has no completed interview yet"]
    stranger = _refused(engine, lambda: recruiting.record_feedback(hr, c, 1, "E-001", 4))
    assert stranger.for_field("interviewer") == ["E-001 is not on this interview panel"]
    bad_score = _refused(engine, lambda: recruiting.record_feedback(hr, c, 1, "E-003", 6))
    assert bad_score.for_field("score") == ["must be at most 5"]
    assert recruiting.record_feedback(hr, c, 1, "E-003", 4, "solid")["complete"] is False
    assert recruiting.record_feedback(hr, c, 1, "E-004", 5)["complete"] is True
    assert recruiting.interview_scores(hr, c)[0]["mean"] == Decimal("4.50")
    beyond = _refused(
        engine,
        lambda: recruiting.make_offer(
            hr, c, {"salary": "15000", "offer_date": "2026-03-12", "start_date": "2026-04-01"}
        ),
    )
    assert beyond.for_field("salary") == ["15000 is outside pay grade E1 (8000 to 14000)"]
    recruiting.make_offer(hr, c, {"salary": "12000", "offer_date": "2026-03-12", "start_date": "2026-04-01"})
    hired = recruiting.hire(hr, c, "E-100", manager="E-003")
    assert hired["status"] == "hired" and hired["employee_code"] == "E-100"
    with engine.connect() as conn:
        employee = conn.execute(select(s.employee).where(s.employee.c.employee_code == "E-100")).mappings().one()
        req_after = conn.execute(select(s.job_requisition.c.status, s.job_requisition.c.hired_count)).one()
    assert (employee["name"], employee["position"], str(employee["hire_date"])) == ("周敏", "质量工程师", "2026-04-01")
    assert tuple(req_after) == ("filled", 1)
    assert payroll.salary_history(team["finance"], "E-100")[0]["base_salary"] == Decimal("12000.00")
    not_offered = _refused(engine, lambda: recruiting.hire(hr, other["number"], "E-101"))
    assert "it cannot become hired" in not_offered.for_field("candidate")[0]
    filled = _refused(
        engine, lambda: recruiting.add_candidate(hr, {"requisition": number, "name": "Z", "resume_text": "x"})
    )
    assert filled.for_field("requisition") == [f"{number} is filled; it takes no candidates"]
    with pytest.raises(PermissionDenied):
        recruiting.interview_scores(team["sales"], c)


def test_training_scores_before_and_after(team: dict[str, Session], engine: Engine) -> None:
    hr = team["hr"]
    training.course_actions.create(hr, {"code": "SAFE-01", "title": "车间安全 Workshop safety", "duration_hours": "4"})
    training.course_material_actions.create(
        hr, {"course": "SAFE-01", "title": "Slides", "file_path": "training/safe-01.pdf"}
    )
    session = training.create_session(
        hr, {"course": "SAFE-01", "start_date": "2026-03-10", "end_date": "2026-03-10", "capacity": "2"}
    )
    n = session["number"]
    for code in ("E-003", "E-004"):
        training.enrol(hr, n, code)
    full = _refused(engine, lambda: training.enrol(hr, n, "E-005"))
    assert full.for_field("session") == [f"{n} is full (2 places)"]
    training.record_score_before(hr, n, "E-003", "55")
    training.record_score_before(hr, n, "E-004", "60")
    too_early = _refused(engine, lambda: training.record_score_after(hr, n, "E-003", "90"))
    assert too_early.for_field("session") == [f"{n} is planned; cannot record a score after the training"]
    stranger = _refused(engine, lambda: training.complete_session(hr, n, ["E-005"]))
    assert stranger.for_field("attended") == ["not enrolled: E-005"]
    done = training.complete_session(hr, n, ["E-003"])
    assert (done["attended"], done["absent"]) == (1, 1)
    absent = _refused(engine, lambda: training.record_score_after(hr, n, "E-004", "70"))
    assert absent.for_field("employee") == ["E-004 did not attend (absent)"]
    late = _refused(engine, lambda: training.enrol(hr, n, "E-005"))
    assert late.for_field("session") == [f"{n} is completed; cannot enrol anyone"]
    _refused(engine, lambda: training.cancel_session(hr, n))
    training.record_score_after(hr, n, "E-003", "85")
    result = training.evaluation(hr, n)
    assert result["mean_gain"] == Decimal("30.00")
    assert [p["status"] for p in result["people"]] == ["attended", "absent"]


def test_training_for_a_whole_class_at_once(team: dict[str, Session], engine: Engine) -> None:
    hr = team["hr"]
    training.course_actions.create(hr, {"code": "FIRE-01", "title": "消防演练 Fire drill", "duration_hours": "2"})
    n = training.create_session(
        hr, {"course": "FIRE-01", "start_date": "2026-04-01", "end_date": "2026-04-01", "capacity": "3"}
    )["number"]
    bad = _refused(engine, lambda: training.enrol_many(hr, n, ["E-003", "E-009", "E-003"]))
    assert bad.for_field("employees[2]") == ["E-009 does not exist"]
    assert bad.for_field("employees[3]") == ["E-003 is listed twice"]
    full = _refused(engine, lambda: training.enrol_many(hr, n, ["E-001", "E-002", "E-003", "E-004"]))
    assert full.for_field("session") == [f"{n} is full (3 places)"]
    assert training.enrol_many(hr, n, ["E-003", "E-004"])["enrolled"] == 2
    again = _refused(engine, lambda: training.enrol_many(hr, n, ["E-005", "E-004"]))
    assert again.for_field("employees[2]") == [f"E-004 is already enrolled in {n}"]

    wrong = _refused(engine, lambda: training.record_scores(hr, n, "before", {"E-003": "55", "E-005": "60"}))
    assert wrong.for_field("scores[E-005]") == [f"E-005 is not enrolled in {n}"]
    early = _refused(engine, lambda: training.record_scores(hr, n, "after", {"E-003": "80"}))
    assert early.for_field("session") == [f"{n} is planned; cannot record a score after the training"]
    assert training.record_scores(hr, n, "before", {"E-003": "55", "E-004": "60"})["scores"] == 2
    training.complete_session(hr, n, ["E-003"])
    absent = _refused(engine, lambda: training.record_scores(hr, n, "after", {"E-003": "85", "E-004": "70"}))
    assert absent.for_field("scores[E-004]") == ["E-004 is absent"]
    over = _refused(engine, lambda: training.record_scores(hr, n, "after", {"E-003": "120"}))
    assert over.for_field("scores[E-003]") and not over.for_field("scores[E-004]")
    training.record_scores(hr, n, "after", {"E-003": "85"})
    assert training.evaluation(hr, n)["mean_gain"] == Decimal("30.00")


def test_statutory_annual_days() -> None:
    days = hr_records.statutory_annual_days
    assert days(dt.date(2015, 3, 1), 2026) == 10  # ten full years at 1 January 2026
    assert days(dt.date(2016, 7, 15), 2026) == 5  # nine years
    assert days(dt.date(2006, 1, 1), 2026) == 15  # twenty years to the day
    assert days(dt.date(2025, 1, 1), 2026) == 5  # one year to the day
    # first anniversary on 1 July 2026: 184 of 365 days left of 5 days, whole days only
    assert days(dt.date(2025, 7, 1), 2026) == 2
    assert days(dt.date(2025, 12, 30), 2026) == 0  # two days left in the year: nothing
    assert days(dt.date(2026, 2, 1), 2026) == 0  # hired this year
    assert days(dt.date(2024, 2, 29), 2025) == 4  # anniversary taken as 1 March


def test_entitlements_limit_requests_and_approvals(team: dict[str, Session], engine: Engine, tmp_path: Path) -> None:
    hr = team["hr"]
    granted = hr_records.grant_statutory_annual_leave(hr, 2026)
    assert granted["granted"] >= 5 and granted["kept"] == 0
    le, emp = s.leave_entitlement, s.employee
    with engine.connect() as conn:
        rows = dict(
            conn.execute(
                select(emp.c.employee_code, le.c.days).join(emp, emp.c.id == le.c.employee_id).where(le.c.year == 2026)
            ).all()
        )
    assert rows["E-001"] == Decimal(10) and rows["E-005"] == Decimal(5)
    # a second grant keeps what is there (also what HR changed by hand)
    hr_records.entitlement_actions.save(hr, {"employee": "E-005", "year": "2026", "leave_type": "annual", "days": "7"})
    assert hr_records.grant_statutory_annual_leave(hr, 2026) == {"year": 2026, "granted": 0, "kept": granted["granted"]}

    first = hr_records.request_leave(
        hr, {"employee": "E-005", "leave_type": "annual", "start_date": "2026-03-02", "end_date": "2026-03-06"}
    )
    beyond = _refused(
        engine,
        lambda: hr_records.request_leave(
            hr, {"employee": "E-005", "leave_type": "annual", "start_date": "2026-05-04", "end_date": "2026-05-06"}
        ),
    )
    assert beyond.for_field("days") == ["3 days exceed the annual leave entitlement: 2 of 7 days are left in 2026"]
    second = hr_records.request_leave(
        hr, {"employee": "E-005", "leave_type": "annual", "start_date": "2026-05-04", "end_date": "2026-05-05"}
    )
    # other types and other years are not limited by the 2026 annual entitlement
    hr_records.request_leave(
        hr, {"employee": "E-005", "leave_type": "sick", "start_date": "2026-06-01", "end_date": "2026-06-12"}
    )
    # HR lowers the entitlement: the pending request can no longer be approved
    hr_records.entitlement_actions.save(hr, {"employee": "E-005", "year": "2026", "leave_type": "annual", "days": "6"})
    hr_records.approve_leave(hr, first["number"])
    late = _refused(engine, lambda: hr_records.approve_leave(hr, second["number"]))
    assert late.for_field("days") == ["2 days exceed the annual leave entitlement: 1 of 6 days are left in 2026"]

    with engine.connect() as conn:
        balance = {(r["employee"], r["leave_type"]): r for r in leave_summary(conn, 2026)}
    e5 = balance[("E-005", "annual")]
    assert (e5["entitled_days"], e5["granted_days"], e5["pending_days"], e5["remaining_days"]) == (6, 5, 2, -1)
    assert balance[("E-005", "sick")]["entitled_days"] is None and balance[("E-005", "sick")]["remaining_days"] is None
    assert balance[("E-001", "annual")]["remaining_days"] == Decimal(10)  # entitled, nothing taken yet

    wrong = _refused(
        engine,
        lambda: hr_records.entitlement_actions.save(
            hr, {"employee": "E-005", "year": "2026", "leave_type": "annual", "days": "-1"}
        ),
    )
    assert wrong.for_field("days") == ["must be at least 0"]
    with pytest.raises(PermissionDenied):
        hr_records.grant_statutory_annual_leave(team["sales"], 2026)
    assert export_entity(hr, "leave_entitlements", tmp_path / "le.csv") == len(rows)
    assert "E-005,2026,annual,6," in (tmp_path / "le.csv").read_text(encoding="utf-8-sig")
