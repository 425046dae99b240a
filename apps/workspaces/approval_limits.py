"""Approval limits: up to which amount (net, base currency) a role or a user may approve purchase orders. A user's
own limit wins over its roles'; without a limit nobody approves."""

from __future__ import annotations

import streamlit as st
from components.documents import Lines, document_form, table
from components.navigation import page_session

from erp.fields import N_, FieldSet
from erp.i18n import t
from erp.read.procurement import LIMIT_LABELS, approval_limits
from erp.services import procurement

session = page_session(__file__)
with session.read() as conn:
    limits = approval_limits(conn)

st.markdown(f"**{t('Current limits')}**")
if limits:
    table(limits, LIMIT_LABELS)
else:
    st.info(t("No approval limits yet: nobody can approve purchase orders."))

st.markdown(f"**{t('Set limits')}**")
st.caption(t("One row per role or user (not both); a row for a role or user that has a limit replaces it."))
document_form(
    session,
    key="limits:edit",
    header=FieldSet(()),
    lines=Lines(procurement.LIMIT_FIELDS, rows=3),
    submit=lambda raw: procurement.save_approval_limits(session, raw["lines"]),
    success=lambda n: t("Saved {n} approval limits.", n=n),
    button=N_("Save limits"),
)
