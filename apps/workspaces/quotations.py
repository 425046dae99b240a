"""Quotations: priced offers with a validity date, turned into sales orders or cancelled."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import (
    Lines,
    action_button,
    browse_documents,
    document_form,
    parse_inputs,
)
from components.navigation import page_session

from erp.fields import N_, Date, FieldSet, Text
from erp.i18n import t
from erp.read.sales import QUOTATIONS
from erp.services import sales

# What turning a quotation into an order asks for (the order takes the quoted lines and prices).
CONVERT = FieldSet(
    (
        Date("order_date", N_("Order date"), required=True),
        Date("promised_date", N_("Promised date"), required=True),
        Text("reference", N_("Customer reference"), max_length=60),
    )
)
QUOTE_LINES = FieldSet(tuple(f for f in sales.SALES_LINE if f.name != "promised_date"))

session = page_session(__file__)
today = dt.date.today()
listing, new = st.tabs([t("Quotations"), t("New quotation")])

with listing:
    number, doc = browse_documents(QUOTATIONS, session, "quotations")
    if doc is not None and doc.header["status"] == "open":
        st.markdown(f"**{t('Turn into a sales order')}**")

        def convert(raw: dict, number: str = str(number)) -> dict:
            values = parse_inputs(session, CONVERT, raw)
            return sales.order_from_quotation(
                session, number, values["order_date"], values["promised_date"], values.get("reference") or ""
            )

        document_form(
            session,
            key=f"quotations:doc:{number}:convert",
            header=CONVERT,
            submit=convert,
            success=lambda order: t("Created sales order {number}.", number=order["number"]),
            defaults={"order_date": today, "promised_date": today + dt.timedelta(days=14)},
            button=N_("Create sales order"),
        )
        action_button(
            session,
            key=f"quotations:doc:{number}:cancel",
            label=t("Cancel quotation"),
            call=lambda number=str(number): sales.cancel_quotation(session, number),
            success=lambda _, number=str(number): t("Cancelled {number}.", number=number),
        )

with new:
    document_form(
        session,
        key="quotations:new",
        header=sales.QUOTE_HEADER,
        lines=Lines(QUOTE_LINES),
        submit=lambda raw: sales.create_quotation(session, raw),
        success=lambda quote: t("Saved quotation {number}.", number=quote["number"]),
        defaults={"quote_date": today, "valid_until": today + dt.timedelta(days=30)},
        button=N_("Create quotation"),
    )
