"""Supplier payments: money paid to a supplier, allocated to its payable invoices (oldest due first unless told
otherwise); the rest stays a prepayment to allocate later. Held invoices cannot be paid."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import Lines, document_form, document_list, document_view, parse_inputs
from components.navigation import page_session

from erp.fields import N_, Date, FieldSet
from erp.i18n import t
from erp.read.documents import header
from erp.read.procurement import SUPPLIER_PAYMENTS, payable_invoices, payments_with_unallocated, supplier_codes
from erp.services import procurement
from erp.services.documents import show

ALLOCATE = FieldSet((Date("allocation_date", N_("Allocation date"), required=True),))
OPEN_INVOICE_COLUMNS = {"due_date": N_("Due date"), "currency": N_("Currency"), "open_amount": N_("Still due")}

session = page_session(__file__)
today = dt.date.today()
listing, pay, allocate = st.tabs([t("Supplier payments"), t("Pay a supplier"), t("Allocate a payment")])


def allocation_lines(supplier: str) -> Lines:
    """One row per payable invoice of the supplier; the amount typed on a row is allocated to that invoice."""
    with session.read() as conn:
        invoices = payable_invoices(conn, supplier)
    return Lines(
        procurement.ALLOCATION_LINE,
        prefill=[{"invoice": inv["number"], **{k: inv[k] for k in OPEN_INVOICE_COLUMNS}} for inv in invoices],
        info=OPEN_INVOICE_COLUMNS,
        locked=("invoice",),
        dynamic=False,
    )


with listing:
    number = document_list(SUPPLIER_PAYMENTS, session, key="spayments:list")
    if number:
        document_view(SUPPLIER_PAYMENTS, session, number)

with pay:
    with session.read() as conn:
        suppliers = supplier_codes(conn)
    supplier = st.selectbox(
        t("Supplier"), suppliers, index=None, key="spayments:supplier", placeholder=t("Choose the supplier paid...")
    )
    if supplier is None:
        st.info(t("Choose the supplier you pay."))
    else:
        st.caption(t("Type the amount for each invoice it pays, or leave them all blank to settle the oldest first."))
        document_form(
            session,
            key=f"spayments:new:{supplier}",
            header=procurement.PAYMENT_HEADER,
            fixed={"supplier": supplier},
            lines=allocation_lines(supplier),
            submit=lambda raw: procurement.pay_supplier(session, raw),
            success=lambda payment: t(
                "Saved payment {number}: {allocated} of {amount} allocated.",
                number=payment["number"],
                allocated=show(payment["allocated_amount"]),
                amount=show(payment["amount"]),
            ),
            defaults={"payment_date": today},
            button=N_("Save payment"),
        )

with allocate:
    with session.read() as conn:
        payments = payments_with_unallocated(conn)
    payment = st.selectbox(
        t("Payment"), payments, index=None, key="spayments:allocate", placeholder=t("Choose a prepayment...")
    )
    if payment is None:
        st.info(t("Choose a payment that is not fully allocated."))
    else:
        with session.read() as conn:
            paid = header(conn, SUPPLIER_PAYMENTS, payment)
        assert paid is not None
        st.caption(
            t(
                "{supplier} was paid {amount} {currency}; {left} is not allocated yet.",
                supplier=paid["supplier"],
                amount=show(paid["amount"]),
                currency=paid["currency"],
                left=show(paid["amount"] - paid["allocated_amount"]),
            )
        )

        def allocate_payment(raw: dict, number: str = payment) -> dict:
            values = parse_inputs(session, ALLOCATE, {"allocation_date": raw["allocation_date"]})
            return procurement.allocate_supplier_payment(session, number, values["allocation_date"], raw["lines"])

        document_form(
            session,
            key=f"spayments:allocate:{payment}",
            header=ALLOCATE,
            lines=allocation_lines(paid["supplier"]),
            submit=allocate_payment,
            success=lambda result: t("Allocated {number}.", number=result["number"]),
            defaults={"allocation_date": today},
            button=N_("Allocate"),
        )
