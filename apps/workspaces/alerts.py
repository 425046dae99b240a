"""Alerts: what the reporting pipeline found new or escalated (stock, budgets, service levels, patches), open until
someone acknowledges it; acknowledging is checked and audited by the service layer."""

from __future__ import annotations

import streamlit as st
from components.documents import action_button, browse_documents
from components.forms import form_prefix
from components.navigation import page_session
from components.status_flow import stale_refusals

from erp.fields import N_, FieldSet, Text
from erp.i18n import t
from erp.read.alerts import ALERTS
from erp.services import alerts

SUBJECTS = FieldSet((Text("alert", N_("Alert")),))

session = page_session(__file__)
st.caption(t("Filter by status to see the open alerts; acknowledge one once you have seen to it."))
number, doc = browse_documents(ALERTS, session, "alerts")
drawn: list[str] = []
if doc is not None and doc.header["status"] == "open":
    drawn.append(form_prefix(f"alerts:doc:{number}:ack"))
    action_button(
        session,
        key=f"alerts:doc:{number}:ack",
        label=t("Acknowledge"),
        call=lambda: alerts.acknowledge_alert(session, number),
        success=lambda _: t("Acknowledged alert {number}.", number=number),
        primary=True,
        subjects=SUBJECTS,
    )
if number:
    stale_refusals(f"alerts:doc:{number}:", drawn)  # acknowledged by someone else meanwhile
