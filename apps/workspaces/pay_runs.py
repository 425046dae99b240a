"""Pay runs: calculated by payroll (hr), approved by someone else (finance), then posted to the ledger by cost
center. Payslips are shown only to roles holding hr.confidential."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import (
    action_button,
    browse_documents,
    document_form,
    table,
)
from components.navigation import page_session

from erp.fields import N_, Date, FieldSet, Text
from erp.i18n import t
from erp.read.hr import PAY_RUNS, PAYSLIP_LABELS
from erp.services import payroll

SUBJECTS = FieldSet((Text("pay_run", N_("Pay run")), Text("employee", N_("Employee"))))
CALCULATE = FieldSet(
    (Text("period", N_("Month (YYYY-MM)"), required=True), Date("pay_date", N_("Pay date"), required=True))
)

session = page_session(__file__)
actor = session.actor
may_calculate, may_approve = actor.can("payroll.manage"), actor.can("payroll.approve")
names = [t("Pay runs")] + ([t("Calculate a pay run")] if may_calculate else [])
tabs = st.tabs(names)

with tabs[0]:
    number, doc = browse_documents(PAY_RUNS, session, "pay")
    if doc is not None:
        run, status = str(number), doc.header["status"]
        buttons = []
        if status == "calculated" and may_approve:
            buttons.append(("approve", t("Approve"), payroll.approve_pay_run, lambda: t("Approved {n}.", n=run), True))
        if status == "calculated" and may_calculate:
            buttons.append(
                ("cancel", t("Cancel pay run"), payroll.cancel_pay_run, lambda: t("Cancelled {n}.", n=run), False)
            )
        if status == "approved" and may_approve:
            buttons.append(
                ("post", t("Post to the ledger"), payroll.post_pay_run, lambda: t("Posted {n}.", n=run), True)
            )
        if status == "calculated":
            st.caption(t("Calculated by {user}; someone else must approve it.", user=doc.header["calculated_by"]))
        for cell, (name, label, call, done, primary) in zip(st.columns(max(1, len(buttons))), buttons, strict=False):
            with cell:
                action_button(
                    session,
                    key=f"pay:doc:{run}:{name}",
                    label=label,
                    call=lambda call=call: call(session, run),
                    success=lambda _, done=done: done(),
                    primary=primary,
                    subjects=SUBJECTS,
                )
        if actor.can("hr.confidential"):
            st.markdown(f"**{t('Payslips')}**")
            slips = payroll.payslips(session, doc.header["period"])
            table([slip for slip in slips if slip["pay_run"] == run], PAYSLIP_LABELS)
        else:
            st.caption(t("Payslips are visible to HR and finance only."))

if may_calculate:
    with tabs[1]:
        st.caption(t("Computes the month's payslips for every active employee with a salary; months are run in order."))
        today = dt.date.today()
        document_form(
            session,
            key="pay:new",
            header=CALCULATE,
            submit=lambda raw: payroll.calculate_pay_run(session, raw["period"], raw["pay_date"]),
            success=lambda r: t(
                "Calculated pay run {number} for {period}: {n} payslips.",
                number=r["number"],
                period=r["period"],
                n=r["payslips"],
            ),
            defaults={"period": f"{today:%Y-%m}", "pay_date": today},
            button=N_("Calculate"),
            columns=2,
        )
