"""Customer payments: money received, allocated to open invoices (oldest due first unless told otherwise)."""

from __future__ import annotations

from components.navigation import page_session
from components.payments import PaymentDesk, payment_workspace

from erp import views
from erp.i18n import t
from erp.read.sales import PAYMENTS, open_invoices, payments_with_unallocated
from erp.services import sales
from erp.services.documents import show

session = page_session(__file__)
payment_workspace(
    session,
    PaymentDesk(
        key="payments",
        kind=PAYMENTS,
        party="customer",
        header=sales.PAYMENT_HEADER,
        allocation_line=sales.ALLOCATION_LINE,
        parties=lambda conn: views.codes(conn, sales.PAYMENT_HEADER.by_name["customer"]),
        invoices=open_invoices,
        unallocated=payments_with_unallocated,
        save=lambda raw: sales.receive_payment(session, raw),
        allocate=lambda number, date, lines: sales.allocate_payment(session, number, date, lines),
        tabs=(t("Customer payments"), t("Receive a payment"), t("Allocate a payment")),
        party_label=t("Customer"),
        party_placeholder=t("Choose the paying customer..."),
        party_hint=t("Choose the customer who paid."),
        payment_placeholder=t("Choose a payment on account..."),
        paid_caption=lambda paid, left: t(
            "{customer} paid {amount} {currency}; {left} is not allocated yet.",
            customer=paid["customer"],
            amount=show(paid["amount"]),
            currency=paid["currency"],
            left=left,
        ),
    ),
)
