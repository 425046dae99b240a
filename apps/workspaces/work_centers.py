"""Work centers: where routing steps run, at what rates and capacity."""

from __future__ import annotations

from components.navigation import page_session
from components.workspace import master_data_workspace

from erp.services.products import work_center_actions

session = page_session(__file__)
master_data_workspace(work_center_actions, session, key="work_centers", filter_fields=("cost_center", "active"))
