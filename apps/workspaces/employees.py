"""Employee records: list, new and edit."""

from __future__ import annotations

from components.navigation import page_session
from components.workspace import master_data_workspace

from erp.services.hr import employee_actions

session = page_session(__file__)
master_data_workspace(employee_actions, session, key="employees", filter_fields=("department", "cost_center", "active"))
