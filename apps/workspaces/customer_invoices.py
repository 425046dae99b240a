"""Customer invoices: for what an order shipped, or direct (services, charges), posted to the ledger."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import Lines, document_form, document_list, document_view
from components.navigation import page_session

from erp.fields import N_
from erp.i18n import t
from erp.read.sales import INVOICES, orders_to_invoice
from erp.services import sales

session = page_session(__file__)
today = dt.date.today()
listing, from_order, direct = st.tabs([t("Customer invoices"), t("Invoice an order"), t("Direct invoice")])


def saved(invoice: dict) -> str:
    return t("Saved invoice {number}, posted as {entry}.", number=invoice["number"], entry=invoice["journal_entry"])


with listing:
    number = document_list(INVOICES, session, key="invoices:list")
    if number:
        document_view(INVOICES, session, number)

with from_order:
    with session.read() as conn:
        orders = orders_to_invoice(conn)
    st.caption(t("Invoices everything the order shipped that is not invoiced yet."))
    document_form(
        session,
        key="invoices:order",
        header=sales.INVOICE_HEADER,
        options={"order": orders},
        submit=lambda raw: sales.invoice_order(session, raw),
        success=saved,
        defaults={"invoice_date": today},
        button=N_("Create invoice"),
    )

with direct:
    document_form(
        session,
        key="invoices:direct",
        header=sales.DIRECT_INVOICE_HEADER,
        lines=Lines(sales.DIRECT_INVOICE_LINE),
        submit=lambda raw: sales.create_invoice(session, raw),
        success=saved,
        defaults={"invoice_date": today},
        button=N_("Create invoice"),
    )
