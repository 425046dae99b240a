"""Training: the course catalogue, planned sessions, enrolment, attendance taken when a session completes, and the
evaluation (a score before and after the training per attendee, and the mean gain)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import streamlit as st
from components.documents import (
    Lines,
    action_button,
    browse_documents,
    document_form,
    table,
)
from components.forms import entity_form, form_prefix
from components.listing import record_list
from components.navigation import page_session
from components.status_flow import stale_refusals

from erp.fields import N_, Bool, Choice, Dec, FieldSet, Text
from erp.i18n import t
from erp.read.hr import TRAINING_SESSIONS
from erp.services import training
from erp.services.documents import show
from erp.services.hr_records import LEAVE_FIELDS

SUBJECTS = FieldSet((Text("session", N_("Training session")),))
EMPLOYEE = replace(LEAVE_FIELDS.by_name["employee"], label=N_("Employee"))  # a reference to an employee by code
ENROL = FieldSet((*SUBJECTS, EMPLOYEE))
ATTENDANCE = FieldSet((Text("employee", N_("Employee")), Bool("attended", N_("Attended"))))
EVALUATION_LABELS = {
    "employee": N_("Employee"),
    "status": N_("Status"),
    "before": N_("Score before"),
    "after": N_("Score after"),
}

session = page_session(__file__)
today = dt.date.today()
sessions, plan, courses = st.tabs([t("Training sessions"), t("Plan a session"), t("Courses")])


def scored(name: str, people: list[str]) -> FieldSet:
    """A form for one employee's score, offering the given employees."""
    return FieldSet(
        (
            *SUBJECTS,
            Choice("employee", N_("Employee"), required=True, choices=tuple(people)),
            Dec(name, N_("Score (0-100)"), required=True),
        )
    )


def actions(number: str, status: str, enrolled: list[dict[str, Any]]) -> None:
    """What the session's status allows: enrolment and scores before while planned, attendance when it completes,
    scores after once completed."""
    key = f"trn:doc:{number}"
    fixed = {"session": number}
    drawn: list[str] = []
    still = [e["employee"] for e in enrolled if e["status"] == "enrolled"]

    def form(name: str, **kwargs: Any) -> None:
        drawn.append(form_prefix(f"{key}:{name}"))
        document_form(session, key=f"{key}:{name}", fixed=fixed, columns=2, **kwargs)

    if status == "planned":
        enrol, before, withdraw, complete = st.tabs(
            [t("Enrol"), t("Score before"), t("Withdraw"), t("Take attendance")]
        )
        with enrol:
            form(
                "enrol",
                header=ENROL,
                submit=lambda raw: training.enrol(session, number, raw["employee"]),
                success=lambda _: t("Enrolled in {number}.", number=number),
                button=N_("Enrol"),
            )
        with before:
            form(
                "before",
                header=scored("score_before", still),
                submit=lambda raw: training.record_score_before(session, number, raw["employee"], raw["score_before"]),
                success=lambda r: t("Recorded the score before: {score}.", score=show(r["score_before"])),
                button=N_("Record score"),
            )
        with withdraw:
            form(
                "withdraw",
                header=FieldSet((*SUBJECTS, Choice("employee", N_("Employee"), required=True, choices=tuple(still)))),
                submit=lambda raw: training.withdraw(session, number, raw["employee"]),
                success=lambda _: t("Withdrawn from {number}.", number=number),
                button=N_("Withdraw"),
            )
        with complete:
            st.caption(t("Untick whoever did not come; completing the session marks them absent."))
            form(
                "complete",
                header=SUBJECTS,
                lines=Lines(
                    ATTENDANCE,
                    prefill=[{"employee": code, "attended": True} for code in still],
                    locked=("employee",),
                    dynamic=False,
                ),
                submit=lambda raw: training.complete_session(
                    session, number, [ln["employee"] for ln in raw["lines"] if ln.get("attended") is True]
                ),
                success=lambda r: t(
                    "Completed {number}: {attended} attended, {absent} absent.",
                    number=number,
                    attended=r["attended"],
                    absent=r["absent"],
                ),
                button=N_("Complete session"),
            )
        drawn.append(form_prefix(f"{key}:cancel"))
        action_button(
            session,
            key=f"{key}:cancel",
            label=t("Cancel session"),
            call=lambda: training.cancel_session(session, number),
            success=lambda _: t("Cancelled {number}.", number=number),
            subjects=SUBJECTS,
        )
    if status == "completed":
        attended = [e["employee"] for e in enrolled if e["status"] == "attended"]
        st.markdown(f"**{t('Score after the training')}**")
        form(
            "after",
            header=scored("score_after", attended),
            submit=lambda raw: training.record_score_after(session, number, raw["employee"], raw["score_after"]),
            success=lambda r: t("Recorded the score after: {score}.", score=show(r["score_after"])),
            button=N_("Record score"),
        )
        result = training.evaluation(session, number)
        st.markdown(f"**{t('Evaluation')}**")
        table(result["people"], EVALUATION_LABELS)
        if result["mean_gain"] is not None:
            st.metric(t("Mean gain in score"), show(result["mean_gain"]))
        else:
            st.caption(t("No attendee has both scores yet."))
    stale_refusals(f"{key}:", drawn)


with sessions:
    number, doc = browse_documents(TRAINING_SESSIONS, session, "trn")
    if doc is not None:
        actions(str(number), doc.header["status"], doc.lines)

with plan:
    document_form(
        session,
        key="trn:new",
        header=training.SESSION_FIELDS,
        submit=lambda raw: training.create_session(session, raw),
        success=lambda r: t("Planned training session {number}.", number=r["number"]),
        defaults={"start_date": today, "end_date": today},
        button=N_("Plan session"),
    )

with courses:
    record_list(training.COURSES, session, key="trn:courses", filter_fields=("category", "active"))
    st.markdown(f"**{t('New course')}**")
    entity_form(training.course_actions, session, key="trn:course:new")
