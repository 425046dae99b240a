"""Recurring journals: templates (rent, depreciation...) posted every few months when due."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import Lines, document_form, document_list, document_view, parse_inputs
from components.navigation import page_session

from erp.fields import N_, Date, FieldSet
from erp.i18n import t
from erp.read.documents import header
from erp.read.ledger import RECURRING, recurring_due, template_codes
from erp.services import ledger

POST_DUE = FieldSet((Date("as_of", N_("Post everything due up to"), required=True),))
RECURRING_LINE_NAMES = [f.name for f in ledger.RECURRING_LINE]

session = page_session(__file__)
today = dt.date.today()
listing, edit, due = st.tabs([t("Recurring journals"), t("New or changed template"), t("Post due journals")])

with listing:
    code = document_list(RECURRING, session, key="recurring:list")
    if code:
        document_view(RECURRING, session, code)

with edit:
    with session.read() as conn:
        codes = template_codes(conn)
    start = st.selectbox(
        t("Start from"),
        codes,
        index=None,
        key="recurring:start",
        placeholder=t("A new template"),
        help=t("Saving under an existing code replaces that template and its lines."),
    )
    defaults: dict = {"next_date": today}
    prefill: list[dict] = []
    if start is not None:
        with session.read() as conn:
            current = header(conn, RECURRING, start) or {}
            lines = RECURRING.lines(conn, start) if RECURRING.lines else []
        prefill = [{k: ln[k] for k in RECURRING_LINE_NAMES} for ln in lines]
        defaults = {k: current.get(k) for k in ("code", "description", "next_date", "end_date", "interval_months")}
        defaults["active"] = current.get("active")
    document_form(
        session,
        key=f"recurring:edit:{start or ''}",
        header=ledger.RECURRING_HEADER,
        lines=Lines(ledger.RECURRING_LINE, prefill=prefill),
        submit=lambda raw: ledger.save_recurring_journal(session, raw),
        success=lambda saved: t("Saved recurring journal {code}.", code=saved["code"]),
        defaults=defaults,
        button=N_("Save template"),
    )

with due:
    with session.read() as conn:
        waiting = recurring_due(conn, today)
    if waiting:
        st.caption(t("Due today or earlier: {codes}", codes=", ".join(waiting)))
    else:
        st.caption(t("Nothing is due today."))

    def post_due(raw: dict) -> list[str]:
        values = parse_inputs(session, POST_DUE, raw)
        return ledger.run_recurring_journals(session, values["as_of"])

    document_form(
        session,
        key="recurring:due",
        header=POST_DUE,
        submit=post_due,
        success=lambda posted: t("Posted {entries}.", entries=", ".join(posted)) if posted else t("Nothing was due."),
        defaults={"as_of": today},
        button=N_("Post due journals"),
    )
