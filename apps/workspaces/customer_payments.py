"""Customer payments: money received, allocated to open invoices (oldest due first unless told otherwise)."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import Lines, document_form, document_list, document_view, parse_inputs
from components.navigation import page_session

from erp import views
from erp.fields import N_, Date, FieldSet
from erp.i18n import t
from erp.read.documents import header
from erp.read.sales import PAYMENTS, open_invoices, payments_with_unallocated
from erp.services import sales
from erp.services.documents import show

ALLOCATE = FieldSet((Date("allocation_date", N_("Allocation date"), required=True),))
OPEN_INVOICE_COLUMNS = {"due_date": N_("Due date"), "currency": N_("Currency"), "open_amount": N_("Still due")}

session = page_session(__file__)
today = dt.date.today()
listing, receive, allocate = st.tabs([t("Customer payments"), t("Receive a payment"), t("Allocate a payment")])


def allocation_lines(customer: str) -> Lines:
    """One row per open invoice of the customer; the amount typed on a row is allocated to that invoice."""
    with session.read() as conn:
        invoices = open_invoices(conn, customer)
    return Lines(
        sales.ALLOCATION_LINE,
        prefill=[{"invoice": inv["number"], **{k: inv[k] for k in OPEN_INVOICE_COLUMNS}} for inv in invoices],
        info=OPEN_INVOICE_COLUMNS,
        locked=("invoice",),
        dynamic=False,
    )


with listing:
    number = document_list(PAYMENTS, session, key="payments:list")
    if number:
        document_view(PAYMENTS, session, number)

with receive:
    with session.read() as conn:
        customers = views.codes(conn, sales.PAYMENT_HEADER.by_name["customer"])
    customer = st.selectbox(
        t("Customer"), customers, index=None, key="payments:customer", placeholder=t("Choose the paying customer...")
    )
    if customer is None:
        st.info(t("Choose the customer who paid."))
    else:
        st.caption(t("Type the amount for each invoice it pays, or leave them all blank to settle the oldest first."))
        document_form(
            session,
            key=f"payments:new:{customer}",
            header=sales.PAYMENT_HEADER,
            fixed={"customer": customer},
            lines=allocation_lines(customer),
            submit=lambda raw: sales.receive_payment(session, raw),
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
        t("Payment"), payments, index=None, key="payments:allocate", placeholder=t("Choose a payment on account...")
    )
    if payment is None:
        st.info(t("Choose a payment that is not fully allocated."))
    else:
        with session.read() as conn:
            paid = header(conn, PAYMENTS, payment)
        assert paid is not None
        st.caption(
            t(
                "{customer} paid {amount} {currency}; {left} is not allocated yet.",
                customer=paid["customer"],
                amount=show(paid["amount"]),
                currency=paid["currency"],
                left=show(paid["amount"] - paid["allocated_amount"]),
            )
        )

        def allocate_payment(raw: dict, number: str = payment) -> dict:
            values = parse_inputs(session, ALLOCATE, {"allocation_date": raw["allocation_date"]})
            return sales.allocate_payment(session, number, values["allocation_date"], raw["lines"])

        document_form(
            session,
            key=f"payments:allocate:{payment}",
            header=ALLOCATE,
            lines=allocation_lines(paid["customer"]),
            submit=allocate_payment,
            success=lambda result: t("Allocated {number}.", number=result["number"]),
            defaults={"allocation_date": today},
            button=N_("Allocate"),
        )
