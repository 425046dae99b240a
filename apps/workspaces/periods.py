"""Accounting periods: close a month so nothing more posts into it, or reopen it for corrections."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.documents import action_button, download, show_flashes, table
from components.navigation import page_session

from erp.i18n import t
from erp.read.ledger import PERIOD_LABELS, fiscal_years, periods
from erp.services import ledger
from erp.statuses import PERIOD_STATUS_LABELS, status_label

session = page_session(__file__)
with session.read() as conn:
    years = fiscal_years(conn)
if not years:
    st.info(t("No fiscal year is open yet."))
    st.stop()
current_year = dt.date.today().year
year = st.selectbox(
    t("Fiscal year"),
    years,
    index=years.index(current_year) if current_year in years else len(years) - 1,
    key="periods:year",
)
with session.read() as conn:
    rows = periods(conn, year)
table(rows, PERIOD_LABELS, PERIOD_STATUS_LABELS)
download(rows, PERIOD_LABELS, session=session, key="periods", name="fiscal_periods")

chosen = st.selectbox(
    t("Period"), [r["code"] for r in rows], index=None, key="periods:chosen", placeholder=t("Choose a period...")
)
if chosen is not None:
    status = next(r["status"] for r in rows if r["code"] == chosen)
    st.write(t("{period} is {status}.", period=chosen, status=status_label(status, PERIOD_STATUS_LABELS)))
    show_flashes(f"periods:{chosen}:")
    if status == "open":
        action_button(
            session,
            key=f"periods:{chosen}:close",
            label=t("Close {period}", period=chosen),
            call=lambda: ledger.close_period(session, chosen),
            success=lambda p: t("Closed {period}.", period=p["code"]),
            primary=True,
        )
    else:
        action_button(
            session,
            key=f"periods:{chosen}:reopen",
            label=t("Reopen {period}", period=chosen),
            call=lambda: ledger.reopen_period(session, chosen),
            success=lambda p: t("Reopened {period}.", period=p["code"]),
        )
