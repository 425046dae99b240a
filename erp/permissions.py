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
    "ledger.journal": N_("Manual, imported and recurring journals, and reversals"),
    "ledger.periods": N_("Close and reopen accounting periods"),
    "ledger.rules": N_("Posting rules: which accounts each business event posts to"),
    "inventory.move": N_("Stock receipts, issues, transfers, adjustments and counts"),
    "sales.prices": N_("Price lists"),
    "sales.orders": N_("Quotations, sales orders and sales contracts"),
    "sales.ship": N_("Ship sales orders from stock"),
    "sales.invoice": N_("Customer invoices"),
    "sales.payments": N_("Customer payments and their allocation to invoices"),
    "planning.data": N_("Planning demand, forecasts and open supply"),
    "procurement.requisition": N_("Purchase requisitions"),
    "procurement.orders": N_("Purchase orders, purchase contracts and supplier evaluations"),
    "procurement.approve": N_("Approve purchase orders, up to one's approval limit and never one's own"),
    "procurement.limits": N_("Approval limits for purchase orders, per role or user"),
    "procurement.receive": N_("Receive goods against purchase orders"),
    "procurement.invoice": N_("Supplier invoices: three-way match, releasing and rejecting held invoices"),
    "procurement.payments": N_("Supplier payments and their allocation to invoices"),
    "production.orders": N_("Create, release, complete, close and cancel production orders"),
    "production.report": N_("Issue materials to production orders and report labour and machine time"),
    "budgets.manage": N_("Budget versions and their lines, and copies from earlier years"),
    "budgets.approve": N_("Approve budget versions"),
}
