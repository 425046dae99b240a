"""Suppliers: list, new and edit."""

from __future__ import annotations

from components.navigation import page_session
from components.workspace import master_data_workspace

from erp.services.partners import supplier_actions

session = page_session(__file__)
master_data_workspace(supplier_actions, session, key="suppliers", filter_fields=("supplier_group", "active"))
