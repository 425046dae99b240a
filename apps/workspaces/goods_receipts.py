"""Goods receipts: goods in against an approved purchase order, in full or in part, valued at standard cost;
more than the order's over-receipt tolerance is refused."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import Lines, document_form, document_list, document_view, show_flashes
from components.navigation import page_session

from erp.fields import N_
from erp.i18n import t
from erp.read.procurement import GOODS_RECEIPTS, lines_to_receive, orders_to_receive
from erp.services import procurement
from erp.statuses import status_label

LEFT_COLUMNS = {
    "item": N_("Item"),
    "description": N_("Description"),
    "ordered": N_("Ordered qty"),
    "received_qty": N_("Received qty"),
    "left": N_("Left to receive"),
    "at_most": N_("At most (with tolerance)"),
}

session = page_session(__file__)
listing, new = st.tabs([t("Goods receipts"), t("Receive an order")])

with listing:
    number = document_list(GOODS_RECEIPTS, session, key="receipts:list")
    if number:
        document_view(GOODS_RECEIPTS, session, number)

with new:
    show_flashes("receipts:new:")  # an order received in full leaves the list of orders to receive
    with session.read() as conn:
        orders = orders_to_receive(conn)
    order = st.selectbox(
        t("Purchase order"), orders, index=None, key="receipts:order", placeholder=t("Choose an order to receive...")
    )
    if order is None:
        st.info(t("Choose an approved purchase order to receive goods on it."))
    else:
        with session.read() as conn:
            left = lines_to_receive(conn, order)
        st.caption(
            t(
                "Each line starts with what is left to receive: lower it for a partial delivery, "
                "clear it to leave it out."
            )
        )
        document_form(
            session,
            key=f"receipts:new:{order}",
            header=procurement.RECEIPT_HEADER,
            fixed={"order": order},
            lines=Lines(
                procurement.RECEIPT_LINE,
                prefill=[{**ln, "ordered": ln["quantity"], "quantity": ln["left"]} for ln in left],
                info=LEFT_COLUMNS,
                locked=("line_no",),
                dynamic=False,
            ),
            submit=lambda raw: procurement.receive_goods(session, raw),
            success=lambda receipt: t(
                "Saved goods receipt {number}; the order is now {status}.",
                number=receipt["number"],
                status=status_label(receipt["order_status"]),
            ),
            defaults={"receipt_date": dt.date.today()},
            button=N_("Receive"),
        )
