"""Supplier invoices with their three-way match: quantities are checked against what was received (more is
refused), prices against the order (beyond its tolerance the invoice is held, unposted and unpayable, until
someone releases or rejects it)."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import (
    Lines,
    action_button,
    browse_documents,
    document_form,
    document_view,
    show_flashes,
    table,
)
from components.navigation import page_session

from erp.fields import N_, FieldSet, Text
from erp.i18n import t
from erp.read.procurement import (
    SUPPLIER_INVOICES,
    held_invoices,
    lines_to_invoice,
    order_supplier,
    orders_to_invoice,
)
from erp.services import procurement

SUBJECTS = FieldSet((Text("invoice", N_("Supplier invoice")),))
OPEN_COLUMNS = {
    "item": N_("Item"),
    "description": N_("Description"),
    "received_qty": N_("Received qty"),
    "invoiced_qty": N_("Invoiced"),
    "to_invoice": N_("Received, not invoiced"),
    "order_price": N_("Order price"),
}
HELD_COLUMNS = {
    "number": N_("Number"),
    "invoice_date": N_("Invoice date"),
    "supplier": N_("Supplier"),
    "supplier_ref": N_("Supplier's invoice number"),
    "order": N_("Purchase order"),
    "gross_amount": N_("Gross amount"),
    "hold_reason": N_("Held because"),
}

session = page_session(__file__)
today = dt.date.today()
listing, register, held = st.tabs([t("Supplier invoices"), t("Register an invoice"), t("Held invoices")])


def review_buttons(key: str, number: str) -> None:
    """Release (accept the prices: post and make payable) or reject (the supplier sends a corrected invoice)."""
    release, reject = st.columns(2)
    with release:
        action_button(
            session,
            key=f"{key}:release",
            label=t("Release invoice"),
            call=lambda: procurement.release_supplier_invoice(session, number),
            success=lambda inv: t("Released {number}; it is posted and payable.", number=inv["number"]),
            primary=True,
            subjects=SUBJECTS,
        )
    with reject:
        action_button(
            session,
            key=f"{key}:reject",
            label=t("Reject invoice"),
            call=lambda: procurement.reject_supplier_invoice(session, number),
            success=lambda _: t("Rejected {number}; its quantities can be invoiced again.", number=number),
            subjects=SUBJECTS,
        )


with listing:
    number, doc = browse_documents(SUPPLIER_INVOICES, session, "sinvoices")
    if doc is not None and doc.header["status"] == "held":
        review_buttons(f"sinvoices:doc:{number}", str(number))

with register:
    show_flashes("sinvoices:new:")  # an order invoiced in full leaves the list of orders to invoice
    with session.read() as conn:
        orders = orders_to_invoice(conn)
    order = st.selectbox(
        t("Purchase order"), orders, index=None, key="sinvoices:order", placeholder=t("Choose the order invoiced...")
    )
    if order is None:
        st.info(t("Choose a purchase order with goods received and not invoiced yet."))
    else:
        with session.read() as conn:
            left = lines_to_invoice(conn, order)
            supplier = order_supplier(conn, order)
        st.caption(
            t(
                "Each line starts with what was received and not invoiced; type the invoiced price where it differs "
                "from the order's."
            )
        )
        document_form(
            session,
            key=f"sinvoices:new:{order}",
            header=procurement.INVOICE_HEADER,
            fixed={"order": order, "supplier": supplier or ""},
            lines=Lines(
                procurement.INVOICE_LINE,
                prefill=[
                    {**ln, "order_price": ln["unit_price"], "unit_price": None, "quantity": ln["to_invoice"]}
                    for ln in left
                ],
                info=OPEN_COLUMNS,
                locked=("line_no",),
                dynamic=False,
            ),
            submit=lambda raw: procurement.register_supplier_invoice(session, raw),
            success=lambda inv: (
                t("Saved invoice {number}, posted as {entry}.", number=inv["number"], entry=inv["journal_entry"])
                if inv["status"] != "held"
                else t("Saved invoice {number}; held: {reason}", number=inv["number"], reason=inv["hold_reason"])
            ),
            defaults={"invoice_date": today},
            button=N_("Register invoice"),
        )

with held:
    with session.read() as conn:
        waiting = held_invoices(conn)
    show_flashes("sinvoices:held:")
    if not waiting:
        st.info(t("No invoice is on hold."))
    else:
        table(waiting, HELD_COLUMNS)
        chosen = st.selectbox(
            t("Open a document"),
            [w["number"] for w in waiting],
            index=None,
            key="sinvoices:held:open",
            placeholder=t("Choose a held invoice to review it..."),
        )
        if chosen is not None:
            review_buttons(f"sinvoices:held:{chosen}", chosen)
            document_view(SUPPLIER_INVOICES, session, chosen)
