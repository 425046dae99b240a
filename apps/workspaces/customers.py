"""Customers: list, new and edit."""

from __future__ import annotations

from components.navigation import page_session
from components.workspace import master_data_workspace

from erp.services.partners import customer_actions

session = page_session(__file__)
master_data_workspace(customer_actions, session, key="customers", filter_fields=("customer_group", "active"))
