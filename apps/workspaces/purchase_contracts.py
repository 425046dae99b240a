"""Purchase contracts: agreed prices and committed volumes with a supplier for a period; orders take their prices
from the active contract, and each contract shows how much of its volume was ordered and received."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import (
    Lines,
    action_button,
    browse_documents,
    document_form,
)
from components.navigation import page_session

from erp.fields import N_, FieldSet, Text
from erp.i18n import t
from erp.read.procurement import PURCHASE_CONTRACTS, contract_next_statuses
from erp.services import procurement
from erp.statuses import status_label

STATUS_ACTIONS = {"active": N_("Activate"), "expired": N_("Mark expired"), "terminated": N_("Terminate")}
SUBJECTS = FieldSet((Text("contract", N_("Purchase contract")),))

session = page_session(__file__)
today = dt.date.today()
listing, new = st.tabs([t("Purchase contracts"), t("New contract")])

with listing:
    number, doc = browse_documents(PURCHASE_CONTRACTS, session, "pcontracts")
    if doc is not None:
        targets = contract_next_statuses(doc.header["status"])
        for cell, status in zip(st.columns(max(1, len(targets))), targets, strict=False):
            with cell:
                action_button(
                    session,
                    key=f"pcontracts:doc:{number}:{status}",
                    label=t(STATUS_ACTIONS[status]),
                    call=lambda status=status, number=str(number): procurement.set_purchase_contract_status(
                        session, number, status
                    ),
                    success=lambda c: t(
                        "{number} is now {status}.", number=c["number"], status=status_label(c["status"])
                    ),
                    subjects=SUBJECTS,
                )

with new:
    document_form(
        session,
        key="pcontracts:new",
        header=procurement.CONTRACT_HEADER,
        lines=Lines(procurement.CONTRACT_LINE),
        submit=lambda raw: procurement.create_purchase_contract(session, raw),
        success=lambda c: t("Saved contract {number} as a draft.", number=c["number"]),
        defaults={"start_date": today, "end_date": dt.date(today.year, 12, 31)},
        button=N_("Create contract"),
    )
