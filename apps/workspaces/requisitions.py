"""Purchase requisitions: planners and the shop floor ask purchasing for goods; buyers turn them into orders."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import (
    Lines,
    action_button,
    browse_documents,
    document_form,
)
from components.navigation import page_session

from erp.fields import N_, FieldSet, Text
from erp.i18n import t
from erp.read.procurement import REQUISITIONS, open_orders_of_requisition
from erp.services import procurement

SUBJECTS = FieldSet((Text("requisition", N_("Purchase requisition")),))

session = page_session(__file__)
today = dt.date.today()
listing, new = st.tabs([t("Purchase requisitions"), t("New requisition")])

with listing:
    number, doc = browse_documents(REQUISITIONS, session, "requisitions")
    if doc is not None:
        with session.read() as conn:
            orders = open_orders_of_requisition(conn, str(number))
        if orders:
            st.caption(t("Ordered on {orders}", orders=", ".join(orders)))
        if doc.header["status"] == "open":
            action_button(
                session,
                key=f"requisitions:doc:{number}:cancel",
                label=t("Cancel requisition"),
                call=lambda number=str(number): procurement.cancel_requisition(session, number),
                success=lambda _, number=str(number): t("Cancelled {number}.", number=number),
                subjects=SUBJECTS,
            )

with new:
    st.caption(t("Only bought items can be requested; make items are made with a production order."))
    document_form(
        session,
        key="requisitions:new",
        header=procurement.REQUISITION_HEADER,
        lines=Lines(procurement.REQUISITION_LINE),
        submit=lambda raw: procurement.create_requisition(session, raw),
        success=lambda req: t("Saved requisition {number}.", number=req["number"]),
        defaults={"request_date": today, "needed_date": today + dt.timedelta(days=14)},
        button=N_("Create requisition"),
    )
