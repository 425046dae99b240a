"""The payments screen shared by customer and supplier payments: the list, a payment entered against the party's
open invoices (the amount typed on a row is allocated to that invoice; none typed settles the oldest first),
and a payment on account allocated later.

The two pages differ only in their party (customer or supplier), their reads and their service actions, which
they hand over as a :class:`PaymentDesk`; the wording, already translated, comes from the page too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlalchemy import Connection

from erp.fields import N_, Date, FieldSet
from erp.i18n import t
from erp.read.documents import DocumentKind, Rows, header
from erp.services.base import Session
from erp.services.documents import show

from .documents import Lines, document_form, document_list, document_view, parse_inputs

ALLOCATE = FieldSet((Date("allocation_date", N_("Allocation date"), required=True),))
OPEN_INVOICE_COLUMNS = {"due_date": N_("Due date"), "currency": N_("Currency"), "open_amount": N_("Still due")}


@dataclass(frozen=True)
class PaymentDesk:
    """What a payments page is about; texts are translated by the page (each page has its own wording)."""

    key: str  # widget-key prefix of the page
    kind: DocumentKind
    party: str  # the payment header field naming the customer or supplier
    header: FieldSet  # the service's payment header fields
    allocation_line: FieldSet  # the service's allocation line fields
    parties: Callable[[Connection], list[str]]
    invoices: Callable[[Connection, str], Rows]  # the invoices of a party a payment may settle, oldest due first
    unallocated: Callable[[Connection], list[str]]  # numbers of payments not fully allocated
    save: Callable[[dict[str, Any]], Mapping[str, Any]]  # enter a payment (raw input with its lines)
    allocate: Callable[[str, dt.date, list[dict[str, Any]]], Mapping[str, Any]]  # allocate a payment on account
    tabs: tuple[str, str, str]  # list, enter, allocate
    party_label: str
    party_placeholder: str
    party_hint: str  # shown until a party is chosen
    payment_placeholder: str
    paid_caption: Callable[[Mapping[str, Any], str], str]  # (payment header, amount left) -> caption


def _allocation_lines(session: Session, desk: PaymentDesk, party: str) -> Lines:
    """One row per open invoice of the party; the amount typed on a row is allocated to that invoice."""
    with session.read() as conn:
        invoices = desk.invoices(conn, party)
    return Lines(
        desk.allocation_line,
        prefill=[{"invoice": inv["number"], **{k: inv[k] for k in OPEN_INVOICE_COLUMNS}} for inv in invoices],
        info=OPEN_INVOICE_COLUMNS,
        locked=("invoice",),
        dynamic=False,
    )


def payment_workspace(session: Session, desk: PaymentDesk) -> None:
    """The three tabs of a payments page: list, enter a payment, allocate a payment on account."""
    today = dt.date.today()
    listing, enter, allocate = st.tabs(list(desk.tabs))
    key = desk.key

    with listing:
        number = document_list(desk.kind, session, key=f"{key}:list")
        if number:
            document_view(desk.kind, session, number)

    with enter:
        with session.read() as conn:
            parties = desk.parties(conn)
        party = st.selectbox(
            desk.party_label, parties, index=None, key=f"{key}:{desk.party}", placeholder=desk.party_placeholder
        )
        if party is None:
            st.info(desk.party_hint)
        else:
            st.caption(
                t("Type the amount for each invoice it pays, or leave them all blank to settle the oldest first.")
            )
            document_form(
                session,
                key=f"{key}:new:{party}",
                header=desk.header,
                fixed={desk.party: party},
                lines=_allocation_lines(session, desk, party),
                submit=desk.save,
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
            payments = desk.unallocated(conn)
        payment = st.selectbox(
            t("Payment"), payments, index=None, key=f"{key}:allocate", placeholder=desk.payment_placeholder
        )
        if payment is None:
            st.info(t("Choose a payment that is not fully allocated."))
            return
        with session.read() as conn:
            paid = header(conn, desk.kind, payment)
        if paid is None:
            st.warning(t("{key} does not exist", key=payment))
            return
        st.caption(desk.paid_caption(paid, show(paid["amount"] - paid["allocated_amount"])))

        def allocate_payment(raw: dict[str, Any], number: str = payment) -> Mapping[str, Any]:
            values = parse_inputs(session, ALLOCATE, {"allocation_date": raw["allocation_date"]})
            return desk.allocate(number, values["allocation_date"], raw["lines"])

        document_form(
            session,
            key=f"{key}:allocate:{payment}",
            header=ALLOCATE,
            lines=_allocation_lines(session, desk, paid[desk.party]),
            submit=allocate_payment,
            success=lambda result: t("Allocated {number}.", number=result["number"]),
            defaults={"allocation_date": today},
            button=N_("Allocate"),
        )
