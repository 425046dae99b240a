"""Employee records."""

from __future__ import annotations

from typing import Any

from erp import schema as s
from erp.errors import FieldError
from erp.fields import N_, Bool, Date, FieldSet, Ref, Text
from erp.i18n import t
from erp.services.base import Tx
from erp.services.records import Entity, EntityActions


def _check_employee(tx: Tx, values: dict[str, Any], before: dict[str, Any] | None) -> list[FieldError]:
    errors = []
    hire, leave = values.get("hire_date"), values.get("leave_date")
    if hire and leave and leave < hire:
        errors.append(FieldError("leave_date", t("must not be before the hire date")))
    if before is not None and values.get("manager_id") == before["id"]:
        errors.append(FieldError("manager", t("an employee cannot be their own manager")))
    return errors


EMPLOYEES = Entity(
    name="employees",
    label=N_("Employees"),
    table=s.employee,
    key=("employee_code",),
    fields=FieldSet(
        (
            Text("employee_code", N_("Employee code"), required=True, max_length=40),
            Text("name", N_("Name"), required=True),
            Text("department", N_("Department"), max_length=100),
            Text("position", N_("Position"), max_length=100),
            Ref("cost_center", N_("Cost center"), column="cost_center_id", table=s.cost_center),
            Ref("manager", N_("Manager"), column="manager_id", table=s.employee, key="employee_code"),
            Text("email", N_("E-mail")),
            Date("hire_date", N_("Hire date")),
            Date("leave_date", N_("Leave date")),
            Bool("active", N_("Active"), default=True),
        )
    ),
    permission="employees.manage",
    audit_name="employee",
    check=_check_employee,
)

employee_actions = EntityActions(EMPLOYEES)
