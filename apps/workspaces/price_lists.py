"""Price lists: the default list and customers' own lists, each item's price for a period."""

from __future__ import annotations

import streamlit as st
from components.documents import Lines, document_form, document_list, document_view
from components.navigation import page_session

from erp.fields import N_
from erp.i18n import t
from erp.read.documents import header
from erp.read.sales import PRICE_LISTS, price_list_codes
from erp.services import sales

session = page_session(__file__)
listing, edit = st.tabs([t("Price lists"), t("New or changed price list")])

with listing:
    code = document_list(PRICE_LISTS, session, key="price_lists:list")
    if code:
        document_view(PRICE_LISTS, session, code)

with edit:
    with session.read() as conn:
        codes = price_list_codes(conn)
    start = st.selectbox(
        t("Start from"),
        codes,
        index=None,
        key="price_lists:start",
        placeholder=t("A new price list"),
        help=t("Saving under an existing code replaces that list and all its prices."),
    )
    defaults: dict = {}
    prefill: list[dict] = []
    if start is not None:
        with session.read() as conn:
            current = header(conn, PRICE_LISTS, start) or {}
            prefill = PRICE_LISTS.lines(conn, start) if PRICE_LISTS.lines else []
        defaults = {k: current.get(k) for k in ("code", "name", "customer", "currency", "valid_from", "valid_to")}
        defaults["active"] = current.get("active")
    document_form(
        session,
        key=f"price_lists:edit:{start or ''}",
        header=sales.PRICE_LIST_HEADER,
        lines=Lines(
            sales.PRICE_LIST_LINE, prefill=[{"item": p["item"], "unit_price": p["unit_price"]} for p in prefill]
        ),
        submit=lambda raw: sales.save_price_list(session, raw),
        success=lambda saved: t("Saved price list {code}.", code=saved["code"]),
        defaults=defaults,
        button=N_("Save price list"),
    )
