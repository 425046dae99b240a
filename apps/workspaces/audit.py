"""The audit log: who changed what and when, with the record before and after the change."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from components.listing import all_or_value
from components.navigation import page_session

from erp import views
from erp.i18n import t

session = page_session(__file__)
with session.read() as conn:
    entities, people = views.audit_facets(conn)

entity_box, user_box, from_box, to_box = st.columns(4)
entity = entity_box.selectbox(t("Record type"), ["", *entities], key="audit:entity", format_func=all_or_value())
username = user_box.selectbox(t("User"), ["", *people], key="audit:user", format_func=all_or_value())
date_from = from_box.date_input(t("From"), value=None, key="audit:from", format="YYYY-MM-DD")
date_to = to_box.date_input(t("To"), value=None, key="audit:to", format="YYYY-MM-DD")
where = views.AuditFilter(
    entity=entity or "",
    username=username or "",
    date_from=date_from if isinstance(date_from, dt.date) else None,
    date_to=date_to if isinstance(date_to, dt.date) else None,
)

with session.read() as conn:
    pages = views.audit_entries(conn, where, page_size=1).total
page_count = max(1, -(-pages // views.DEFAULT_PAGE_SIZE))
if st.session_state.get("audit:page", 1) > page_count:
    st.session_state["audit:page"] = page_count  # the filter shrank the log below the page shown
page_box, _ = st.columns([1, 4])
page = page_box.number_input(t("Page"), min_value=1, max_value=page_count, step=1, key="audit:page")
with session.read() as conn:
    shown = views.audit_entries(conn, where, page=int(page))
st.caption(t("{total} records, page {page} of {pages}", total=shown.total, page=shown.page, pages=shown.pages))

labels = {
    "id": t("No."),
    "at": t("Time (UTC)"),
    "username": t("User"),
    "action": t("Action"),
    "entity": t("Record type"),
    "entity_key": t("Record"),
}
st.dataframe([{labels[k]: v for k, v in row.items()} for row in shown.rows], hide_index=True)

ids = [row["id"] for row in shown.rows]
chosen = st.selectbox(
    t("Show the change"),
    ids,
    index=None,
    key="audit:chosen",
    placeholder=t("Choose..."),
    format_func=lambda i: next(f"{r['id']} · {r['action']} · {r['entity_key']}" for r in shown.rows if r["id"] == i),
)
if chosen is not None:
    with session.read() as conn:
        entry = views.audit_entry(conn, chosen, session.actor)
    if entry is not None and entry["withheld"]:
        st.info(t("This change holds pay or personal data, which only HR and finance may read."))
    elif entry is not None:
        before, after = st.columns(2)
        with before:
            st.subheader(t("Before"))
            st.json(entry["before"] if entry["before"] is not None else {}, expanded=True)
        with after:
            st.subheader(t("After"))
            st.json(entry["after"] if entry["after"] is not None else {}, expanded=True)
