"""The trial balance straight from the operational ledger: debits, credits and balance per account."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import download, table
from components.navigation import page_session

from erp.i18n import t
from erp.read.ledger import TRIAL_BALANCE_LABELS, trial_balance
from erp.services.documents import show

session = page_session(__file__)
up_to = st.date_input(t("Up to and including"), value=dt.date.today(), key="trial_balance:up_to", format="YYYY-MM-DD")
with session.read() as conn:
    rows, totals = trial_balance(conn, up_to if isinstance(up_to, dt.date) else None)
table(rows, TRIAL_BALANCE_LABELS)
debit, credit, balance = st.columns(3)
debit.metric(t("Total debits"), show(totals["debit"]))
credit.metric(t("Total credits"), show(totals["credit"]))
balance.metric(t("Difference"), show(totals["balance"]))
if totals["balance"] != 0:
    st.error(t("The ledger does not balance: debits and credits differ by {amount}.", amount=show(totals["balance"])))
download(rows, TRIAL_BALANCE_LABELS, session=session, key="trial_balance", name="trial_balance")
