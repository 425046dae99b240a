"""Recruiting: job requisitions (approved by someone other than the requester, then posted), and the pipeline board
of candidates by stage. A candidate moves on by what the stage allows: screening, interviews with each
interviewer's score, an offer, hiring (which creates the employee), or leaving the pipeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import streamlit as st
from components.documents import (
    action_button,
    document_form,
    document_list,
    document_view,
    parse_inputs,
    show_flashes,
    table,
)
from components.forms import form_prefix
from components.listing import all_or_value
from components.navigation import page_session
from components.status_flow import stale_refusals

from erp.errors import FieldError, ServiceError
from erp.fields import N_, FieldSet, Int, Text
from erp.i18n import t
from erp.read.hr import (
    CLOSED_STAGES,
    INTERVIEW_LABELS,
    REQUISITIONS,
    STAGES,
    candidates_by_stage,
    interviews,
    open_requisitions,
)
from erp.services import recruiting
from erp.services.hr_records import LEAVE_FIELDS
from erp.statuses import status_label

EMPLOYEE = LEAVE_FIELDS.by_name["employee"]  # a reference to an employee by code
CANDIDATE = FieldSet((Text("candidate", N_("Candidate")),))
REQUISITION = FieldSet((Text("requisition", N_("Job requisition")),))
SCREEN = FieldSet((*CANDIDATE, Text("notes", N_("Screening notes"), max_length=4000)))
SCHEDULE = FieldSet(
    (
        *CANDIDATE,
        *recruiting.INTERVIEW_FIELDS,
        Text("interviewers", N_("Interviewers (employee codes, comma separated)"), required=True, max_length=400),
    )
)
FEEDBACK = FieldSet(
    (
        *CANDIDATE,
        Int("round", N_("Round"), required=True, min_value=1),
        replace(EMPLOYEE, name="interviewer", label=N_("Interviewer")),
        Int("score", N_("Score (1 to 5)"), required=True),
        Text("feedback", N_("Feedback"), max_length=4000),
    )
)
OFFER = FieldSet((*CANDIDATE, *recruiting.OFFER_FIELDS))
HIRE = FieldSet(
    (
        *CANDIDATE,
        Text("employee_code", N_("New employee code"), required=True, max_length=40),
        Text("email", N_("E-mail (blank: the candidate's)")),
        Text("manager", N_("Manager (employee code)")),
    )
)
POST = FieldSet((*REQUISITION, *recruiting.POSTING_FIELDS))

CARDS = 20  # cards drawn per board column, newest first

session = page_session(__file__)
today = dt.date.today()
board, requisitions, new_requisition, new_candidate = st.tabs(
    [t("Pipeline board"), t("Job requisitions"), t("New job requisition"), t("Add a candidate")]
)


def _schedule(number: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Schedule with the interviewers typed as a list of codes; a refusal about one of them is shown under the
    interviewers field."""
    codes = [c.strip() for c in str(raw.get("interviewers") or "").split(",") if c.strip()]
    data = {"scheduled_at": raw["scheduled_at"], "location": raw["location"], "interviewers": codes}
    try:
        return recruiting.schedule_interview(session, number, data)
    except ServiceError as exc:
        errors = [
            FieldError("interviewers" if e.field.startswith("interviewers") else e.field, e.message) for e in exc.errors
        ]
        raise ServiceError(errors, code=exc.code) from exc


def _round(raw: Mapping[str, Any]) -> int:
    """The round typed on the feedback form as a number, or a refusal beside it."""
    return parse_inputs(session, FieldSet((FEEDBACK.by_name["round"],)), {"round": raw["round"]})["round"]


def candidate_actions(number: str, status: str) -> None:
    """The moves the candidate's stage allows, each a button or a small form."""
    key = f"rec:cand:{number}"
    fixed = {"candidate": number}
    drawn: list[str] = []

    def form(name: str, **kwargs: Any) -> None:
        drawn.append(form_prefix(f"{key}:{name}"))
        document_form(session, key=f"{key}:{name}", fixed=fixed, columns=3, **kwargs)

    def button(name: str, label: str, call: Any, success: Any, primary: bool = False) -> None:
        drawn.append(form_prefix(f"{key}:{name}"))
        action_button(
            session, key=f"{key}:{name}", label=label, call=call, success=success, primary=primary, subjects=CANDIDATE
        )

    if status == "applied":
        form(
            "screen",
            header=SCREEN,
            submit=lambda raw: recruiting.start_screening(session, number, raw["notes"]),
            success=lambda _: t("{number} is being screened.", number=number),
            button=N_("Start screening"),
        )
    if status in ("screening", "interviewing"):
        st.markdown(f"**{t('Schedule an interview')}**")
        form(
            "schedule",
            header=SCHEDULE,
            submit=lambda raw: _schedule(number, raw),
            success=lambda r: t("Scheduled interview round {round} for {number}.", round=r["round"], number=number),
            defaults={"scheduled_at": f"{today + dt.timedelta(days=1)} 10:00"},
            button=N_("Schedule"),
        )
    if status == "interviewing":
        st.markdown(f"**{t('Interview feedback')}**")
        form(
            "feedback",
            header=FEEDBACK,
            submit=lambda raw: recruiting.record_feedback(
                session, number, _round(raw), raw["interviewer"], raw["score"], raw["feedback"]
            ),
            success=lambda r: (
                t("Recorded the feedback; the interview is complete.")
                if r["complete"]
                else t("Recorded the feedback; other interviewers have yet to score.")
            ),
            button=N_("Record feedback"),
        )
    if status == "interviewing":
        st.markdown(f"**{t('Offer')}**")
        form(
            "offer",
            header=OFFER,
            submit=lambda raw: recruiting.make_offer(
                session, number, {k: v for k, v in raw.items() if k != "candidate"}
            ),
            success=lambda _: t("Made an offer to {number}.", number=number),
            defaults={"offer_date": today},
            button=N_("Make offer"),
        )
    if status == "offered":
        st.markdown(f"**{t('Hire')}**")
        form(
            "hire",
            header=HIRE,
            submit=lambda raw: recruiting.hire(session, number, raw["employee_code"], raw["email"], raw["manager"]),
            success=lambda r: t("Hired {number} as employee {code}.", number=number, code=r["employee_code"]),
            button=N_("Hire"),
        )
    leaving = [("reject", t("Reject candidate"), recruiting.reject_candidate, N_("Rejected {number}."))]
    if status == "offered":
        leaving.append(("decline", t("Offer declined"), recruiting.decline_offer, N_("{number} declined the offer.")))
    leaving.append(("withdraw", t("Candidate withdrew"), recruiting.withdraw_candidate, N_("{number} withdrew.")))
    if status in recruiting.CANDIDATE_FLOW:
        for cell, (name, label, call, done) in zip(st.columns(len(leaving)), leaving, strict=True):
            with cell:
                button(
                    name,
                    label,
                    lambda call=call: call(session, number),
                    lambda _, done=done: t(done, number=number),
                )
    stale_refusals(f"{key}:", drawn)


def requisition_actions(number: str, status: str) -> None:
    key = f"rec:req:{number}"
    drawn: list[str] = []
    if status == "draft":
        drawn.append(form_prefix(f"{key}:approve"))
        action_button(
            session,
            key=f"{key}:approve",
            label=t("Approve"),
            call=lambda: recruiting.approve_job_requisition(session, number),
            success=lambda _: t("Approved {number}.", number=number),
            primary=True,
            subjects=REQUISITION,
        )
    if status in ("approved", "open"):
        st.markdown(f"**{t('Post the job')}**")
        drawn.append(form_prefix(f"{key}:post"))
        document_form(
            session,
            key=f"{key}:post",
            header=POST,
            fixed={"requisition": number},
            submit=lambda raw: recruiting.post_job(
                session, number, {k: v for k, v in raw.items() if k != "requisition"}
            ),
            success=lambda r: t("Posted {number} on {channel}.", number=number, channel=r["channel"]),
            defaults={"posted_on": today},
            button=N_("Post the job"),
            columns=2,
        )
    if status in recruiting.REQUISITION_FLOW:
        drawn.append(form_prefix(f"{key}:cancel"))
        action_button(
            session,
            key=f"{key}:cancel",
            label=t("Cancel requisition"),
            call=lambda: recruiting.cancel_job_requisition(session, number),
            success=lambda _: t("Cancelled {number}.", number=number),
            subjects=REQUISITION,
        )
    stale_refusals(f"{key}:", drawn)


with board:
    with session.read() as conn:
        choices = open_requisitions(conn)
    requisition = st.selectbox(
        t("Job requisition"), ["", *choices], key="rec:board:requisition", format_func=all_or_value()
    )
    with session.read() as conn:
        stages = candidates_by_stage(conn, requisition or "")
    for column, stage in zip(st.columns(len(STAGES)), STAGES, strict=True):
        with column:
            st.markdown(f"**{status_label(stage)}** · {len(stages[stage])}")
            newest = stages[stage][-CARDS:]  # the board stays readable; the requisition filter narrows it
            for card in reversed(newest):
                with st.container(border=True):
                    st.markdown(f"**{card['name']}**  \n`{card['number']}`")
                    st.caption(f"{card['position']} · {card['requisition']}")
            if len(stages[stage]) > len(newest):
                st.caption(t("and {n} earlier", n=len(stages[stage]) - len(newest)))
    closed = sum(len(stages.get(stage, [])) for stage in CLOSED_STAGES)
    with st.expander(t("Left the pipeline ({n})", n=closed)):
        table(
            [row for stage in CLOSED_STAGES for row in stages.get(stage, [])],
            {
                "number": N_("Candidate"),
                "name": N_("Name"),
                "status": N_("Status"),
                "requisition": N_("Job requisition"),
            },
        )
    st.divider()
    cards = {row["number"]: row for rows in stages.values() for row in rows}
    number = st.selectbox(
        t("Move a candidate"), sorted(cards), index=None, key="rec:move", placeholder=t("Choose a candidate...")
    )
    if number:
        card = cards[number]
        st.subheader(f"{card['name']} · {number}")
        st.caption(
            t(
                "{stage} · {position} ({requisition})",
                stage=status_label(card["status"]),
                position=card["position"],
                requisition=card["requisition"],
            )
        )
        show_flashes(f"rec:cand:{number}:")
        with session.read() as conn:
            rounds = interviews(conn, number)
        if rounds:
            table(rounds, INTERVIEW_LABELS)
        candidate_actions(number, card["status"])

with requisitions:
    number = document_list(REQUISITIONS, session, key="rec:list")
    doc = document_view(REQUISITIONS, session, number) if number else None
    if number:
        show_flashes(f"rec:req:{number}:")
    if doc is not None:
        requisition_actions(str(number), doc.header["status"])

with new_requisition:
    st.caption(t("A new requisition is a draft until someone other than you approves it."))
    document_form(
        session,
        key="rec:newreq",
        header=recruiting.REQUISITION_FIELDS,
        submit=lambda raw: recruiting.create_job_requisition(session, raw),
        success=lambda r: t("Saved job requisition {number}.", number=r["number"]),
        button=N_("Save requisition"),
    )

with new_candidate:
    with session.read() as conn:
        taking = open_requisitions(conn)
    document_form(
        session,
        key="rec:newcand",
        header=recruiting.CANDIDATE_FIELDS,
        submit=lambda raw: recruiting.add_candidate(session, raw),
        success=lambda r: t("Added candidate {number}.", number=r["number"]),
        options={"requisition": taking},
        button=N_("Add candidate"),
    )
