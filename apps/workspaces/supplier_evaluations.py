"""Supplier evaluations: quality, delivery and price scores per supplier and period, with the delivery facts
(receipts on time) to score against."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import document_form, document_list
from components.navigation import page_session

from erp.fields import N_
from erp.i18n import t
from erp.read.procurement import EVALUATIONS, delivery_performance, supplier_codes
from erp.services import procurement
from erp.services.documents import show

session = page_session(__file__)
today = dt.date.today()
listing, record, facts = st.tabs([t("Supplier evaluations"), t("Evaluate a supplier"), t("Delivery performance")])

with session.read() as conn:
    suppliers = supplier_codes(conn)

with listing:
    document_list(EVALUATIONS, session, key="evaluations:list", choices=suppliers, openable=False)

with record:
    st.caption(t("Scores from 0 to 100; the overall score is their mean. A supplier is evaluated once per period."))
    document_form(
        session,
        key="evaluations:new",
        header=procurement.EVALUATION_FIELDS,
        submit=lambda raw: procurement.record_supplier_evaluation(session, raw),
        success=lambda ev: t(
            "Saved the evaluation for {period}: overall {score}.", period=ev["period"], score=show(ev["overall_score"])
        ),
        button=N_("Save evaluation"),
    )

with facts:
    boxes = st.columns(3)
    supplier = boxes[0].selectbox(t("Supplier"), suppliers, index=None, key="evaluations:facts:supplier")
    start = boxes[1].date_input(
        t("From"), value=dt.date(today.year, 1, 1), key="evaluations:facts:from", format="YYYY-MM-DD"
    )
    end = boxes[2].date_input(t("To"), value=today, key="evaluations:facts:to", format="YYYY-MM-DD")
    if supplier is None or not isinstance(start, dt.date) or not isinstance(end, dt.date):
        st.info(t("Choose a supplier and a date range."))
    else:
        with session.read() as conn:
            performance = delivery_performance(conn, supplier, start, end)
        receipts, on_time, share = st.columns(3)
        receipts.metric(t("Receipt lines"), performance["receipt_lines"])
        on_time.metric(t("On time"), performance["on_time"])
        pct = performance["on_time_pct"]
        share.metric(t("On time %"), "—" if pct is None else show(pct))
