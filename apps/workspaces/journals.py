"""Journals: every posted entry with its lines, manual journals (balanced before they post) and reversals."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import (
    Lines,
    browse_documents,
    document_form,
    parse_inputs,
)
from components.navigation import page_session

from erp.fields import N_, Date, FieldSet, Text
from erp.i18n import t
from erp.read.ledger import JOURNALS, reversible, source_types
from erp.services import ledger

REVERSE = FieldSet(
    (
        Date("reversal_date", N_("Reversal date"), required=True),
        Text("reason", N_("Reason"), max_length=400),
    )
)

session = page_session(__file__)
today = dt.date.today()
listing, new = st.tabs([t("Journal entries"), t("New journal")])

with listing:
    with session.read() as conn:
        sources = source_types(conn)
    number, doc = browse_documents(JOURNALS, session, "journals", choices=sources)
    if doc is not None and reversible(doc.header):
        st.markdown(f"**{t('Reverse this entry')}**")

        def reverse(raw: dict, number: str = str(number)) -> dict:
            values = parse_inputs(session, REVERSE, raw)
            return ledger.reverse_entry(session, number, values["reversal_date"], values.get("reason") or "")

        document_form(
            session,
            key=f"journals:doc:{number}:reverse",
            header=REVERSE,
            submit=reverse,
            success=lambda entry, number=str(number): t(
                "Reversed {number} with {entry}.", number=number, entry=entry["number"]
            ),
            defaults={"reversal_date": today},
            button=N_("Reverse"),
        )

with new:
    st.caption(t("Each line takes a debit or a credit; the entry posts only when debits equal credits."))
    document_form(
        session,
        key="journals:new",
        header=ledger.JOURNAL_HEADER,
        lines=Lines(ledger.JOURNAL_LINE),
        submit=lambda raw: ledger.post_journal(session, raw),
        success=lambda entry: t("Posted journal entry {number}.", number=entry["number"]),
        defaults={"entry_date": today},
        button=N_("Post"),
    )
