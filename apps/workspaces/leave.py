"""Employee leave: requests recorded by HR, approved or rejected, marked taken or cancelled, and the year's balances
per employee and leave type against the entitlements (statutory annual leave, or set by hand). Only the moves the
request's status allows are offered."""

from __future__ import annotations

import datetime as dt

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

from erp.fields import N_, FieldSet, Text
from erp.i18n import t
from erp.read.hr import LEAVE, LEAVE_SUMMARY_LABELS, leave_summary
from erp.services import hr_records

SUBJECTS = FieldSet((Text("number", N_("Leave request")),))
STATUTORY_RULE = N_("Statutory: 5 days after 1 year of work, 10 after 10 years, 15 after 20, from the hire date.")

session = page_session(__file__)
today = dt.date.today()
listing, new, balances = st.tabs([t("Leave requests"), t("Request leave"), t("Balances")])


def actions(number: str, status: str) -> None:
    """A button for each move the status allows."""
    key = f"lv:doc:{number}"
    moves = {
        "requested": (
            ("approve", t("Approve"), hr_records.approve_leave, t("Approved {number}.", number=number), True),
            ("reject", t("Reject request"), hr_records.reject_leave, t("Rejected {number}.", number=number), False),
            ("cancel", t("Cancel request"), hr_records.cancel_leave, t("Cancelled {number}.", number=number), False),
        ),
        "approved": (
            ("taken", t("Mark taken"), hr_records.mark_leave_taken, t("{number} is taken.", number=number), True),
            ("cancel", t("Cancel request"), hr_records.cancel_leave, t("Cancelled {number}.", number=number), False),
        ),
    }.get(status, ())
    drawn: list[str] = []
    for cell, (name, label, call, done, primary) in zip(st.columns(max(1, len(moves))), moves, strict=False):
        drawn.append(form_prefix(f"{key}:{name}"))
        with cell:
            action_button(
                session,
                key=f"{key}:{name}",
                label=label,
                call=lambda call=call: call(session, number),
                success=lambda _, done=done: done,
                primary=primary,
                subjects=SUBJECTS,
            )
    stale_refusals(f"{key}:", drawn)


with listing:
    number, doc = browse_documents(LEAVE, session, "lv")
    if doc is not None:
        actions(str(number), doc.header["status"])

with new:
    st.caption(t("Leave the days blank to count the weekdays between the first and the last day."))
    document_form(
        session,
        key="lv:new",
        header=hr_records.LEAVE_FIELDS,
        submit=lambda raw: hr_records.request_leave(session, raw),
        success=lambda r: t("Recorded leave request {number} for {days} days.", number=r["number"], days=r["days"]),
        defaults={"start_date": today, "end_date": today},
        button=N_("Record request"),
    )

with balances:
    year = st.number_input(t("Year"), min_value=2000, max_value=2999, value=today.year, step=1, key="lv:year")
    with session.read() as conn:
        rows = leave_summary(conn, int(year))
    if rows:
        table(rows, LEAVE_SUMMARY_LABELS)
    else:
        st.caption(t("No leave in {year}.", year=int(year)))
    action_button(
        session,
        key="lv:statutory",
        label=t("Give statutory annual leave for {year}", year=int(year)),
        call=lambda: hr_records.grant_statutory_annual_leave(session, int(year)),
        success=lambda r: t(
            "Annual leave for {year}: {granted} employees given their statutory days, {kept} already set.",
            year=r["year"],
            granted=r["granted"],
            kept=r["kept"],
        ),
    )
    st.caption(t(STATUTORY_RULE))
    st.subheader(t("Set an entitlement"))
    document_form(
        session,
        key="lv:entitlement",
        header=hr_records.ENTITLEMENTS.fields,
        submit=lambda raw: hr_records.entitlement_actions.save(session, raw),
        success=lambda r: t(
            "Entitlement saved: {days} days.", days=hr_records.ENTITLEMENTS.field("days").format(r["days"])
        ),
        defaults={"year": int(year)},
        button=N_("Save entitlement"),
    )
