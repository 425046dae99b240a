"""Posting rules: which accounts each business event debits and credits, by item type, group and partner group."""

from __future__ import annotations

import streamlit as st
from components.forms import entity_form
from components.listing import record_list
from components.navigation import page_session

from erp import views
from erp.i18n import t
from erp.services.ledger import EVENTS, POSTING_RULES, posting_rule_actions

session = page_session(__file__)
listing, new, edit, events = st.tabs([t("Posting rules"), t("New rule"), t("Change a rule"), t("Events")])

with listing:
    record_list(POSTING_RULES, session, key="rules:list", filter_fields=("event", "item_type"))

with new:
    entity_form(posting_rule_actions, session, key="rules:new")

with edit:
    with session.read() as conn:
        rules = views.list_records(conn, POSTING_RULES, page_size=None).rows
    keys = {POSTING_RULES.key_text(r): r for r in rules}
    chosen = st.selectbox(
        t("Rule (event/item type/item group/partner group)"),
        list(keys),
        index=None,
        key="rules:edit:choice",
        placeholder=t("Choose..."),
    )
    if chosen is not None:
        with session.read() as conn:
            record = views.record_values(conn, POSTING_RULES, {k: keys[chosen][k] for k in POSTING_RULES.key})
        if record is not None:
            entity_form(posting_rule_actions, session, key="rules:edit", record=record)

with events:
    st.dataframe([{t("Event"): code, t("What it posts"): t(text)} for code, text in EVENTS.items()], hide_index=True)
