"""Customer returns and exchanges (RMA): authorised against a shipment, received into a location, inspected line by
line (restock puts the goods back into stock, scrap keeps them out), then resolved by a replacement shipment or
a credit note. Only the moves the return's status allows are offered."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import streamlit as st
from components.documents import (
    Lines,
    action_button,
    browse_documents,
    document_form,
)
from components.forms import form_prefix
from components.navigation import page_session
from components.status_flow import stale_refusals

from erp.fields import N_, Date, FieldSet, Text
from erp.i18n import t
from erp.read.service import RMAS
from erp.services import service

SUBJECTS = FieldSet((Text("rma", N_("Return (RMA)")),))
LOCATION = service.PARTS_HEADER.by_name["location"]
RECEIVE = FieldSet(
    (
        *SUBJECTS,
        Date("received_date", N_("Received on"), required=True),
        replace(LOCATION, label=N_("Received into location")),
    )
)
INSPECT = FieldSet((*SUBJECTS, Date("inspection_date", N_("Inspection date"), required=True)))
RESOLVE_CREDIT = FieldSet((*SUBJECTS, Date("resolved_date", N_("Resolved on"), required=True)))
RESOLVE_REPLACE = FieldSet((*RESOLVE_CREDIT, replace(LOCATION, label=N_("Ship replacements from"))))

session = page_session(__file__)
today = dt.date.today()
listing, new = st.tabs([t("Returns"), t("New return")])


def flow(number: str, header: dict[str, Any], lines: list[dict[str, Any]]) -> None:
    """The actions the status allows, each a button or a small form."""
    key = f"rma:doc:{number}"
    fixed = {"rma": number}
    drawn: list[str] = []
    status = header["status"]

    def form(name: str, **kwargs: Any) -> None:
        drawn.append(form_prefix(f"{key}:{name}"))
        document_form(session, key=f"{key}:{name}", fixed=fixed, columns=2, **kwargs)

    if status == "requested":
        st.markdown(f"**{t('Receive the returned goods')}**")
        form(
            "receive",
            header=RECEIVE,
            submit=lambda raw: service.receive_rma(session, number, raw["received_date"], raw["location"]),
            success=lambda _: t("Received {number}.", number=number),
            defaults={"received_date": today},
            button=N_("Receive"),
        )
        drawn.append(form_prefix(f"{key}:cancel"))
        action_button(
            session,
            key=f"{key}:cancel",
            label=t("Cancel return"),
            call=lambda: service.cancel_rma(session, number),
            success=lambda _: t("Cancelled {number}.", number=number),
            subjects=SUBJECTS,
        )
    if status == "received":
        st.markdown(f"**{t('Inspect: restock or scrap each line')}**")
        form(
            "inspect",
            header=INSPECT,
            lines=Lines(
                service.INSPECT_LINE,
                prefill=[{"line_no": ln["line_no"], "item": ln["item"], "quantity": ln["quantity"]} for ln in lines],
                info={"item": N_("Item"), "quantity": N_("Quantity")},
                locked=("line_no",),
                dynamic=False,
            ),
            submit=lambda raw: service.inspect_rma(session, number, raw["inspection_date"], raw["lines"]),
            success=lambda r: (
                t("Inspected {number}; restocked as stock move {move}.", number=number, move=r["move"])
                if r.get("move")
                else t("Inspected {number}; nothing restocked.", number=number)
            ),
            defaults={"inspection_date": today},
            button=N_("Record inspection"),
        )
    if status == "inspected":
        replacement = header["resolution"] == "replacement"
        st.markdown(f"**{t('Resolve with a replacement') if replacement else t('Resolve with a credit note')}**")
        form(
            "resolve",
            header=RESOLVE_REPLACE if replacement else RESOLVE_CREDIT,
            submit=lambda raw: service.resolve_rma(session, number, raw["resolved_date"], raw.get("location", "")),
            success=lambda r: (
                t("Resolved {number} with credit note {note}.", number=number, note=r["credit_note"])
                if r.get("credit_note")
                else t("Resolved {number}; replacements shipped as stock move {move}.", number=number, move=r["move"])
            ),
            defaults={"resolved_date": today},
            button=N_("Resolve return"),
        )
    stale_refusals(f"{key}:", drawn)


with listing:
    number, doc = browse_documents(RMAS, session, "rma")
    if doc is not None:
        flow(str(number), doc.header, doc.lines)

with new:
    st.caption(t("List the items coming back and how many; only what the shipment delivered can be returned."))
    document_form(
        session,
        key="rma:new",
        header=service.RMA_HEADER,
        lines=Lines(service.RMA_LINE, rows=3),
        submit=lambda raw: service.create_rma(session, raw),
        success=lambda r: t("Authorised return {number}.", number=r["number"]),
        defaults={"rma_date": today},
        button=N_("Authorise return"),
    )
