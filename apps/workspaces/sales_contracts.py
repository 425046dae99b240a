"""Sales contracts: agreed prices and volumes for a period; activate, expire, terminate or renew them."""

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

from erp.fields import N_, Date, FieldSet
from erp.i18n import t
from erp.read.sales import CONTRACTS, contract_next_statuses
from erp.services import sales
from erp.statuses import status_label

RENEW = FieldSet((Date("end_date", N_("New end date"), required=True), Date("renewal_date", N_("Next renewal date"))))
STATUS_ACTIONS = {"active": N_("Activate"), "expired": N_("Mark expired"), "terminated": N_("Terminate")}

session = page_session(__file__)
today = dt.date.today()
listing, new = st.tabs([t("Sales contracts"), t("New contract")])

with listing:
    number, doc = browse_documents(CONTRACTS, session, "contracts")
    if doc is not None:
        targets = contract_next_statuses(doc.header["status"])
        for cell, status in zip(st.columns(max(1, len(targets))), targets, strict=False):
            with cell:
                action_button(
                    session,
                    key=f"contracts:doc:{number}:{status}",
                    label=t(STATUS_ACTIONS[status]),
                    call=lambda status=status, number=str(number): sales.set_contract_status(session, number, status),
                    success=lambda c: t(
                        "{number} is now {status}.", number=c["number"], status=status_label(c["status"])
                    ),
                )
        if doc.header["status"] in ("active", "expired"):
            st.markdown(f"**{t('Renew')}**")

            def renew(raw: dict, number: str = str(number)) -> dict:
                values = parse_inputs(session, RENEW, raw)
                return sales.renew_contract(session, number, values["end_date"], values.get("renewal_date"))

            document_form(
                session,
                key=f"contracts:doc:{number}:renew",
                header=RENEW,
                submit=renew,
                success=lambda c: t("Renewed {number} until {date}.", number=c["number"], date=c["end_date"]),
                button=N_("Renew"),
            )

with new:
    document_form(
        session,
        key="contracts:new",
        header=sales.CONTRACT_HEADER,
        lines=Lines(sales.CONTRACT_LINE),
        submit=lambda raw: sales.create_sales_contract(session, raw),
        success=lambda c: t("Saved contract {number} as a draft.", number=c["number"]),
        defaults={"start_date": today},
        button=N_("Create contract"),
    )
