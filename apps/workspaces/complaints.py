"""Customer complaints: logged with a severity that sets their response and resolution targets, investigated,
resolved and closed; the SLA board shows the time left on each open complaint, or that it is breached."""

from __future__ import annotations

import streamlit as st
from components.documents import (
    action_button,
    browse_documents,
    document_form,
    table,
)
from components.forms import form_prefix
from components.navigation import page_session
from components.status_flow import stale_refusals

from erp.fields import N_, FieldSet, Int, Text
from erp.i18n import t
from erp.read.service import COMPLAINTS, SLA_LABELS, sla_board, sla_clock
from erp.services import service
from erp.services.base import utcnow

SUBJECTS = FieldSet((Text("complaint", N_("Complaint")),))
INVESTIGATE = FieldSet((*SUBJECTS, Text("note", N_("First response")), Text("owner", N_("Owner (employee code)"))))
NOTE = FieldSet((*SUBJECTS, Text("note", N_("Note"), required=True)))
RESOLVE = FieldSet((*SUBJECTS, Text("resolution", N_("Resolution"), required=True)))
FEEDBACK = FieldSet((*SUBJECTS, Int("score", N_("Customer's score (1 to 5)"), required=True)))

session = page_session(__file__)
now = utcnow()
board, listing, new = st.tabs([t("SLA clocks"), t("Complaints"), t("Log a complaint")])


def clock_text(clock: dict) -> str:
    parts = []
    for what, left, breached in (
        (t("response"), clock["response_left_h"], clock["response_breached"]),
        (t("resolution"), clock["resolution_left_h"], clock["resolution_breached"]),
    ):
        if breached:
            parts.append(t("{what}: breached", what=what))
        elif left is not None:
            parts.append(t("{what}: {hours} h left", what=what, hours=left))
    return " · ".join(parts) or t("All targets met")


def actions(number: str, status: str) -> None:
    key = f"cmp:doc:{number}"
    fixed = {"complaint": number}
    drawn: list[str] = []

    def form(name: str, **kwargs) -> None:
        drawn.append(form_prefix(f"{key}:{name}"))
        document_form(session, key=f"{key}:{name}", fixed=fixed, columns=2, **kwargs)

    if status in ("open", "resolved"):
        form(
            "investigate",
            header=INVESTIGATE,
            submit=lambda raw: service.start_investigation(session, number, raw["note"], owner=raw["owner"]),
            success=lambda _: t("{number} is being investigated.", number=number),
            button=N_("Investigate") if status == "open" else N_("Reopen"),
        )
    if status == "investigating":
        form(
            "note",
            header=NOTE,
            submit=lambda raw: service.add_complaint_note(session, number, raw["note"]),
            success=lambda _: t("Noted on {number}.", number=number),
            button=N_("Add note"),
        )
        form(
            "resolve",
            header=RESOLVE,
            submit=lambda raw: service.resolve_complaint(session, number, raw["resolution"]),
            success=lambda _: t("Resolved {number}.", number=number),
            button=N_("Resolve"),
        )
    if status == "resolved":
        drawn.append(form_prefix(f"{key}:close"))
        action_button(
            session,
            key=f"{key}:close",
            label=t("Close complaint"),
            call=lambda: service.close_complaint(session, number),
            success=lambda _: t("Closed {number}.", number=number),
            subjects=SUBJECTS,
        )
    if status in ("resolved", "closed"):
        form(
            "feedback",
            header=FEEDBACK,
            submit=lambda raw: service.record_complaint_feedback(session, number, raw["score"]),
            success=lambda _: t("Recorded the customer's score on {number}.", number=number),
            button=N_("Record feedback"),
        )
    stale_refusals(f"{key}:", drawn)


with board:
    with session.read() as conn:
        clocks = sla_board(conn, now)
    st.caption(t("Hours left to each target as of {time} UTC; a negative number is overdue.", time=f"{now:%H:%M}"))
    table(clocks, SLA_LABELS)

with listing:
    number, doc = browse_documents(COMPLAINTS, session, "cmp")
    if doc is not None:
        st.info(clock_text(sla_clock(doc.header, now)))
        actions(str(number), doc.header["status"])

with new:
    document_form(
        session,
        key="cmp:new",
        header=service.COMPLAINT_FIELDS,
        submit=lambda raw: service.log_complaint(session, raw),
        success=lambda r: t("Logged complaint {number}.", number=r["number"]),
        button=N_("Log complaint"),
    )
