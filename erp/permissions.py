"""Every permission the service layer checks, with what it allows. Roles grant them (seeds/role_permissions.csv)."""

from __future__ import annotations

from erp.fields import N_

PERMISSIONS: dict[str, str] = {
    "users.manage": N_("Create users, disable them and assign roles"),
    "audit.read": N_("Read the audit log"),
    "company.manage": N_("Company settings, fiscal calendar, units and locations"),
    "items.manage": N_("Items, bills of materials, work centers and routings"),
    "customers.manage": N_("Customers"),
    "suppliers.manage": N_("Suppliers"),
    "employees.manage": N_("Employee records"),
    "accounts.manage": N_("Chart of accounts and cost centers"),
    "data.import": N_("Import CSV and Excel files"),
    "data.export": N_("Export data to files"),
}
