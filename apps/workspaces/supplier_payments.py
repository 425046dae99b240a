"""Supplier payments: money paid to a supplier, allocated to its payable invoices (oldest due first unless told
otherwise); the rest stays a prepayment to allocate later. Held invoices cannot be paid."""

from __future__ import annotations

from components.navigation import page_session
from components.payments import PaymentDesk, payment_workspace

from erp.i18n import t
from erp.read.procurement import SUPPLIER_PAYMENTS, payable_invoices, payments_with_unallocated, supplier_codes
from erp.services import procurement
from erp.services.documents import show

session = page_session(__file__)
payment_workspace(
    session,
    PaymentDesk(
        key="spayments",
        kind=SUPPLIER_PAYMENTS,
        party="supplier",
        header=procurement.PAYMENT_HEADER,
        allocation_line=procurement.ALLOCATION_LINE,
        parties=supplier_codes,
        invoices=payable_invoices,
        unallocated=payments_with_unallocated,
        save=lambda raw: procurement.pay_supplier(session, raw),
        allocate=lambda number, date, lines: procurement.allocate_supplier_payment(session, number, date, lines),
        tabs=(t("Supplier payments"), t("Pay a supplier"), t("Allocate a payment")),
        party_label=t("Supplier"),
        party_placeholder=t("Choose the supplier paid..."),
        party_hint=t("Choose the supplier you pay."),
        payment_placeholder=t("Choose a prepayment..."),
        paid_caption=lambda paid, left: t(
            "{supplier} was paid {amount} {currency}; {left} is not allocated yet.",
            supplier=paid["supplier"],
            amount=show(paid["amount"]),
            currency=paid["currency"],
            left=left,
        ),
    ),
)
