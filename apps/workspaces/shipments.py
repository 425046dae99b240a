"""Shipments: goods leave stock for a sales order, in full or in part, with cost of goods sold posted."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import Lines, document_form, document_list, document_view
from components.navigation import page_session

from erp.fields import N_
from erp.i18n import t
from erp.read.sales import SHIPMENTS, lines_to_ship, orders_to_ship
from erp.services import sales
from erp.statuses import status_label

session = page_session(__file__)
listing, new = st.tabs([t("Shipments"), t("Ship an order")])

with listing:
    number = document_list(SHIPMENTS, session, key="shipments:list")
    if number:
        document_view(SHIPMENTS, session, number)

with new:
    with session.read() as conn:
        orders = orders_to_ship(conn)
    order = st.selectbox(
        t("Sales order"), orders, index=None, key="shipments:order", placeholder=t("Choose an order to ship...")
    )
    if order is None:
        st.info(t("Choose an open sales order to ship it."))
    else:
        with session.read() as conn:
            left = lines_to_ship(conn, order)
        st.caption(
            t("Each line starts with what is left to ship: lower it to ship part, clear it to leave the line out.")
        )
        document_form(
            session,
            key=f"shipments:new:{order}",
            header=sales.SHIP_HEADER,
            fixed={"order": order},
            lines=Lines(
                sales.SHIP_LINE,
                prefill=[{**ln, "quantity": ln["left"]} for ln in left],
                info={"item": N_("Item"), "description": N_("Description"), "left": N_("Left to ship")},
                locked=("line_no",),
                dynamic=False,
            ),
            submit=lambda raw: sales.ship_order(session, raw),
            success=lambda shipment: t(
                "Saved shipment {number}; the order is now {status}.",
                number=shipment["number"],
                status=status_label(shipment["order_status"]),
            ),
            defaults={"ship_date": dt.date.today()},
            button=N_("Ship"),
        )
