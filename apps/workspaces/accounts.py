"""The chart of accounts and the cost centers."""

from __future__ import annotations

import streamlit as st
from components.navigation import page_session
from components.workspace import master_data_workspace

from erp.i18n import t
from erp.services.accounts import account_actions, cost_center_actions

session = page_session(__file__)
accounts, cost_centers = st.tabs([t(account_actions.entity.label), t(cost_center_actions.entity.label)])
with accounts:
    master_data_workspace(
        account_actions, session, key="accounts", filter_fields=("account_type", "is_postable", "active")
    )
with cost_centers:
    master_data_workspace(cost_center_actions, session, key="cost_centers", filter_fields=("parent", "active"))
