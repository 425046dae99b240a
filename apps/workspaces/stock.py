"""Stock: on hand by item and location, the stock documents, and forms for receipts, issues, transfers,
adjustments and counts (each posted to the ledger at standard cost where value moves)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import streamlit as st
from components.documents import Lines, document_form, document_list, document_view
from components.navigation import page_session

from erp.fields import N_, FieldSet
from erp.i18n import t
from erp.read.stock import ON_HAND, STOCK_MOVES, location_codes, move_types
from erp.services import inventory

session = page_session(__file__)
today = dt.date.today()
tabs = st.tabs(
    [t("On hand"), t("Stock moves"), t("Receipt"), t("Issue"), t("Transfer"), t("Adjustment"), t("Stock count")]
)


def saved(result: dict) -> str:
    if result["journal_entry"]:
        return t("Saved {number}, posted as {entry}.", number=result["number"], entry=result["journal_entry"])
    return t("Saved {number}.", number=result["number"])


def stock_form(key: str, header: FieldSet, lines: FieldSet, action: Callable[..., Any], note: str) -> None:
    st.caption(note)
    document_form(
        session,
        key=f"stock:{key}",
        header=header,
        lines=Lines(lines),
        submit=lambda raw: action(session, raw),
        success=saved,
        defaults={"move_date": today},
        button=N_("Post"),
    )


with tabs[0]:
    with session.read() as conn:
        locations = location_codes(conn)
    document_list(ON_HAND, session, key="stock:on_hand", choices=locations, openable=False)

with tabs[1]:
    with session.read() as conn:
        kinds = move_types(conn)
    number = document_list(STOCK_MOVES, session, key="stock:moves", choices=kinds)
    if number:
        document_view(STOCK_MOVES, session, number)

with tabs[2]:
    stock_form(
        "receipt",
        inventory.MOVE_HEADER,
        inventory.MOVE_LINE,
        inventory.receive_stock,
        t("Goods into a location, valued at standard cost."),
    )
with tabs[3]:
    stock_form(
        "issue",
        inventory.MOVE_HEADER,
        inventory.MOVE_LINE,
        inventory.issue_stock,
        t("Goods out of a location to consumption; refused when the location does not hold enough."),
    )
with tabs[4]:
    stock_form(
        "transfer",
        inventory.TRANSFER_HEADER,
        inventory.MOVE_LINE,
        inventory.transfer_stock,
        t("Goods from one location to another; the value does not change, so nothing is posted."),
    )
with tabs[5]:
    stock_form(
        "adjustment",
        inventory.MOVE_HEADER,
        inventory.ADJUST_LINE,
        inventory.adjust_stock,
        t("Found (+) or lost (-) quantities; a reason is required."),
    )
with tabs[6]:
    stock_form(
        "count",
        inventory.MOVE_HEADER,
        inventory.COUNT_LINE,
        inventory.count_stock,
        t("What was counted at a location; the differences to the books are posted as count moves."),
    )
