"""Every importable entity, by CSV file name, in an order that satisfies references."""

from __future__ import annotations

from graphlib import TopologicalSorter

from erp.services.access import sod_rule_actions
from erp.services.accounts import account_actions, cost_center_actions
from erp.services.company import location_actions, uom_actions
from erp.services.hr import employee_actions
from erp.services.hr_records import entitlement_actions, skill_actions
from erp.services.it_assets import application_actions, patch_actions
from erp.services.ledger import posting_rule_actions
from erp.services.partners import customer_actions, supplier_actions
from erp.services.payroll import (
    CONFIDENTIAL_ENTITIES,
    benefit_enrolment_actions,
    benefit_plan_actions,
    employee_pay_item_actions,
    income_tax_bracket_actions,
    pay_component_actions,
    pay_grade_actions,
    payroll_setting_actions,
    social_insurance_rate_actions,
)
from erp.services.products import bom_actions, item_actions, routing_actions, work_center_actions
from erp.services.records import EntityActions
from erp.services.sla import sla_actions
from erp.services.training import course_actions, course_material_actions
from erp.services.users import role_actions, role_permission_actions

_ALL: list[EntityActions] = [
    role_actions,
    role_permission_actions,
    uom_actions,
    location_actions,
    cost_center_actions,
    account_actions,
    employee_actions,
    customer_actions,
    supplier_actions,
    item_actions,
    bom_actions,
    work_center_actions,
    routing_actions,
    posting_rule_actions,
    skill_actions,
    entitlement_actions,
    pay_grade_actions,
    pay_component_actions,
    employee_pay_item_actions,
    benefit_plan_actions,
    benefit_enrolment_actions,
    social_insurance_rate_actions,
    income_tax_bracket_actions,
    payroll_setting_actions,
    course_actions,
    course_material_actions,
    sla_actions,
    application_actions,
    patch_actions,
    sod_rule_actions,
]

# Exported only to roles that may see pay (hr.confidential), not to everyone with data.export.
CONFIDENTIAL = CONFIDENTIAL_ENTITIES

ENTITIES: dict[str, EntityActions] = {a.entity.name: a for a in _ALL}


def import_order(names: list[str] | None = None) -> list[str]:
    """Entity names sorted so that every referenced table is loaded before the tables that reference it."""
    by_table = {a.entity.table.name: a.entity.name for a in _ALL}
    graph = {a.entity.name: {by_table[t] for t in a.entity.depends_on if t in by_table} for a in _ALL}
    order = list(TopologicalSorter(graph).static_order())
    return [n for n in order if names is None or n in names]
