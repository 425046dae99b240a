"""Purchase orders: entered from a requisition or directly, priced from purchase contracts, approved by someone
other than their creator within that person's approval limit, then received and invoiced."""

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
    INBOX_LABELS,
    PURCHASE_ORDERS,
    active_contracts,
    approval_inbox,
    open_requisitions,
    requisition_to_order,
)
from erp.services import procurement
from erp.services.documents import show

SUBJECTS = FieldSet((Text("order", N_("Purchase order")),))

session = page_session(__file__)
actor = session.actor
today = dt.date.today()
names = [t("Purchase orders")]
if actor.can("procurement.orders"):
    names.append(t("New purchase order"))
if actor.can("procurement.approve"):
    names.append(t("Approval inbox"))
tabs = dict(zip(names, st.tabs(names), strict=True))


def approve_button(key: str, number: str) -> None:
    action_button(
        session,
        key=key,
        label=t("Approve"),
        call=lambda: procurement.approve_purchase_order(session, number),
        success=lambda order: t("Approved {number}.", number=order["number"]),
        primary=True,
        subjects=SUBJECTS,
    )


with tabs[t("Purchase orders")]:
    number, doc = browse_documents(PURCHASE_ORDERS, session, "orders")
    if doc is not None:
        status = doc.header["status"]
        buttons = st.columns(2)
        if status == "draft" and actor.can("procurement.approve"):
            with buttons[0]:
                approve_button(f"orders:doc:{number}:approve", str(number))
        if status in ("draft", "approved") and actor.can("procurement.orders"):
            with buttons[1]:
                action_button(
                    session,
                    key=f"orders:doc:{number}:cancel",
                    label=t("Cancel order"),
                    call=lambda number=str(number): procurement.cancel_purchase_order(session, number),
                    success=lambda _, number=str(number): t("Cancelled {number}.", number=number),
                    subjects=SUBJECTS,
                )

if t("New purchase order") in tabs:
    with tabs[t("New purchase order")]:
        show_flashes("orders:new:")  # the requisition ordered may have left the list of open ones
        with session.read() as conn:
            requisitions = open_requisitions(conn)
            contracts = active_contracts(conn)
        requisition = st.selectbox(
            t("From requisition"),
            requisitions,
            index=None,
            key="orders:requisition",
            placeholder=t("None: enter the lines yourself"),
        )
        defaults: dict = {"order_date": today, "expected_date": today + dt.timedelta(days=14)}
        prefill: list[dict] = []
        if requisition is not None:
            with session.read() as conn:
                start = requisition_to_order(conn, requisition)
            defaults.update({k: start[k] for k in ("supplier", "cost_center", "expected_date") if start[k]})
            prefill = start["lines"]
            st.caption(
                t("The lines start with what the requisition still asks for; a blank price comes from the contract.")
            )
        else:
            st.caption(t("A blank unit price comes from the supplier's active purchase contract."))
        document_form(
            session,
            key=f"orders:new:{requisition or ''}",
            header=procurement.ORDER_HEADER,
            fixed={"requisition": requisition or ""},
            lines=Lines(
                procurement.ORDER_LINE, prefill=prefill, info={"description": N_("Description")} if prefill else {}
            ),
            options={"contract": contracts},
            submit=lambda raw: procurement.create_purchase_order(session, raw),
            success=lambda order: t(
                "Saved purchase order {number} for {amount}; it waits for approval by someone else.",
                number=order["number"],
                amount=show(order["net_amount"]),
            ),
            defaults=defaults,
            button=N_("Create purchase order"),
        )

if t("Approval inbox") in tabs:
    with tabs[t("Approval inbox")]:
        with session.read() as conn:
            waiting, limit = approval_inbox(conn, actor)
        if limit is None:
            st.warning(t("You have no approval limit for purchase orders; ask finance to set one."))
        else:
            st.caption(t("Your approval limit: {limit} (net, base currency).", limit=show(limit)))
        show_flashes("orders:inbox:")
        if not waiting:
            st.info(t("No purchase order is waiting for your approval."))
        else:
            table(waiting, INBOX_LABELS)
            chosen = st.selectbox(
                t("Open a document"),
                [w["number"] for w in waiting],
                index=None,
                key="orders:inbox:open",
                placeholder=t("Choose an order to review it..."),
            )
            if chosen is not None:
                approve_button(f"orders:inbox:{chosen}:approve", chosen)
                document_view(PURCHASE_ORDERS, session, chosen)
