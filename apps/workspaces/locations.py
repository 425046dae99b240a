"""Stock locations and units of measure."""

from __future__ import annotations

import streamlit as st
from components.navigation import page_session
from components.workspace import master_data_workspace

from erp.i18n import t
from erp.services.company import location_actions, uom_actions

session = page_session(__file__)
locations, units = st.tabs([t(location_actions.entity.label), t(uom_actions.entity.label)])
with locations:
    master_data_workspace(location_actions, session, key="locations", filter_fields=("location_type", "active"))
with units:
    master_data_workspace(uom_actions, session, key="uoms")
