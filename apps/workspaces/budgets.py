"""Budgets: versions of amounts by account, cost center and month, approved once (superseding the year's earlier
approved version), copied forward with a percentage change, and reported against actuals and the commitments of
approved purchase orders."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import (
    Lines,
    action_button,
    browse_documents,
    document_form,
    download,
    parse_inputs,
    table,
)
from components.navigation import page_session

from erp import schema as s
from erp.fields import N_, Dec, FieldSet, Int, Ref, Text
from erp.i18n import t
from erp.read.budgets import BUDGET_VERSIONS, LINE_NAMES, REPORT_LABELS, budget_lines, report, version_codes
from erp.read.documents import header
from erp.services import budgets
from erp.services.documents import show

COPY = FieldSet(
    (
        Ref("source", N_("Copy from"), required=True, column="source_id", table=s.budget_version),
        Text("code", N_("New version code"), required=True, max_length=40),
        Text("name", N_("Name"), required=True),
        Int("fiscal_year", N_("Fiscal year"), required=True, min_value=1900, max_value=2999),
        Dec("change_pct", N_("Change % (e.g. 5 or -10)"), default=0),
    )
)
SUBJECTS = FieldSet((Text("code", N_("Budget version")),))

session = page_session(__file__)
actor = session.actor
may_manage, may_approve = actor.can("budgets.manage"), actor.can("budgets.approve")
today = dt.date.today()
names = [t("Budget versions")]
if may_manage:
    names += [t("Enter or change a draft"), t("Copy a version")]
names.append(t("Budget report"))
tabs = dict(zip(names, st.tabs(names), strict=True))

with tabs[t("Budget versions")]:
    code, doc = browse_documents(BUDGET_VERSIONS, session, "budgets")
    if doc is not None and doc.header["status"] == "draft" and may_approve:
        action_button(
            session,
            key=f"budgets:doc:{code}:approve",
            label=t("Approve"),
            call=lambda code=str(code): budgets.approve_budget(session, code),
            success=lambda v: (
                t("Approved {code}; superseded {old}.", code=v["code"], old=", ".join(v["superseded"]))
                if v["superseded"]
                else t("Approved {code}.", code=v["code"])
            ),
            primary=True,
            subjects=SUBJECTS,
        )

if may_manage:
    with tabs[t("Enter or change a draft")]:
        with session.read() as conn:
            drafts = version_codes(conn, "draft")
        start = st.selectbox(
            t("Start from"),
            drafts,
            index=None,
            key="budgets:start",
            placeholder=t("A new version"),
            help=t("Saving a draft replaces all its lines; approved versions never change, copy them instead."),
        )
        defaults: dict = {"fiscal_year": today.year}
        prefill: list[dict] = []
        if start is not None:
            with session.read() as conn:
                current = header(conn, BUDGET_VERSIONS, start) or {}
                prefill = [{k: ln[k] for k in LINE_NAMES} for ln in budget_lines(conn, start)]
            defaults = {k: current.get(k) for k in ("code", "name", "fiscal_year")}
        st.caption(t("One line per account, cost center and month (YYYY-MM) of the fiscal year."))
        document_form(
            session,
            key=f"budgets:edit:{start or ''}",
            header=budgets.BUDGET_HEADER,
            lines=Lines(budgets.BUDGET_LINE, prefill=prefill, rows=12),
            submit=lambda raw: budgets.save_budget(session, raw),
            success=lambda v: t("Saved draft {code} with {lines} lines.", code=v["code"], lines=v["lines"]),
            defaults=defaults,
            button=N_("Save draft"),
        )

    with tabs[t("Copy a version")]:
        st.caption(t("Every line moves to the same month of the new fiscal year, changed by the percentage."))

        def copy(raw: dict) -> dict:
            values = parse_inputs(session, COPY, raw)
            return budgets.copy_budget(
                session,
                raw["source"],
                values["code"],
                values["name"],
                values["fiscal_year"],
                values.get("change_pct") or 0,
            )

        document_form(
            session,
            key="budgets:copy",
            header=COPY,
            submit=copy,
            success=lambda v: t("Copied into draft {code} with {lines} lines.", code=v["code"], lines=v["lines"]),
            defaults={"fiscal_year": today.year + 1},
            button=N_("Copy"),
        )

with tabs[t("Budget report")]:
    with session.read() as conn:
        versions = version_codes(conn)
    boxes = st.columns([2, 1])
    chosen = boxes[0].selectbox(
        t("Budget version"), versions, index=None, key="budgets:report:version", placeholder=t("Choose a version...")
    )
    by_month = boxes[1].toggle(t("By month"), value=False, key="budgets:report:by_month")
    if chosen is None:
        st.info(t("Choose a budget version to compare it with actuals and commitments."))
    else:
        with session.read() as conn:
            rows, totals = report(conn, chosen, by_month=by_month)
        st.caption(t("Available = budget - actual (posted) - committed (approved purchase orders not received yet)."))
        for cell, (name, amount) in zip(st.columns(len(totals)), totals.items(), strict=True):
            cell.metric(t(REPORT_LABELS[name]), show(amount))
        labels = REPORT_LABELS if by_month else {k: v for k, v in REPORT_LABELS.items() if k != "period"}
        table(rows, labels)
        download(rows, labels, session=session, key="budgets:report", name=f"budget_report_{chosen}")
