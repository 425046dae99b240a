"""Sales orders: entered directly or from a quotation, checked against the customer's credit limit."""

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

from erp.fields import N_
from erp.i18n import t
from erp.read.sales import SALES_ORDERS
from erp.services import sales

session = page_session(__file__)
today = dt.date.today()
listing, new = st.tabs([t("Sales orders"), t("New sales order")])

with listing:
    number, doc = browse_documents(SALES_ORDERS, session, "orders")
    if doc is not None and doc.header["status"] == "open":
        action_button(
            session,
            key=f"orders:doc:{number}:cancel",
            label=t("Cancel order"),
            call=lambda number=str(number): sales.cancel_sales_order(session, number),
            success=lambda _, number=str(number): t("Cancelled {number}.", number=number),
        )

with new:
    st.caption(
        t("Blank prices come from the customer's contract or price list. Orders over the credit limit are refused.")
    )
    document_form(
        session,
        key="orders:new",
        header=sales.ORDER_HEADER,
        lines=Lines(sales.SALES_LINE),
        submit=lambda raw: sales.create_sales_order(session, raw),
        success=lambda order: t("Saved sales order {number}.", number=order["number"]),
        defaults={"order_date": today, "promised_date": today + dt.timedelta(days=14)},
        button=N_("Create sales order"),
    )
