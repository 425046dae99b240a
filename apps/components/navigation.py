"""Every page of the app, the permission that opens it, and the menu a signed-in user gets.

This list is the one place that says who sees what: the menu is built from it and each page checks it again
when it runs, while every write is checked once more by the service layer.

The page modules live in ``apps/workspaces/``, not ``apps/pages/``: Streamlit treats a ``pages/`` folder beside
the entry script as a second, older kind of navigation and may run such a file directly, without the sign-in
check of ``main.py``, until the first ``st.navigation`` call of the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from erp.fields import N_
from erp.i18n import t
from erp.services.base import Actor, Session

from .session import current_session

APPS_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to apps/
    title: str  # English, translated where shown
    icon: str
    section: str
    permissions: tuple[str, ...] = ()  # any one of them opens the page; none means everyone signed in

    def allows(self, actor: Actor) -> bool:
        return not self.permissions or any(actor.can(p) for p in self.permissions)


OVERVIEW = N_("Overview")
MASTER_DATA = N_("Master data")
SALES = N_("Sales")
INVENTORY = N_("Inventory")
PROCUREMENT = N_("Procurement")
PRODUCTION = N_("Production")
FINANCE = N_("Finance")
HR = N_("HR")
SERVICE = N_("Service")
IT = N_("IT")
ADMINISTRATION = N_("Administration")

PAGES: tuple[PageSpec, ...] = (
    PageSpec("workspaces/home.py", N_("Home"), ":material/home:", OVERVIEW),
    PageSpec("workspaces/alerts.py", N_("Alerts"), ":material/notifications:", OVERVIEW, ("alerts.acknowledge",)),
    PageSpec("workspaces/items.py", N_("Items and BOMs"), ":material/inventory_2:", MASTER_DATA, ("items.manage",)),
    PageSpec(
        "workspaces/work_centers.py",
        N_("Work centers"),
        ":material/precision_manufacturing:",
        MASTER_DATA,
        ("items.manage",),
    ),
    PageSpec("workspaces/customers.py", N_("Customers"), ":material/storefront:", MASTER_DATA, ("customers.manage",)),
    PageSpec(
        "workspaces/suppliers.py", N_("Suppliers"), ":material/local_shipping:", MASTER_DATA, ("suppliers.manage",)
    ),
    PageSpec("workspaces/employees.py", N_("Employees"), ":material/badge:", MASTER_DATA, ("employees.manage",)),
    PageSpec(
        "workspaces/accounts.py",
        N_("Chart of accounts and cost centers"),
        ":material/account_balance:",
        MASTER_DATA,
        ("accounts.manage",),
    ),
    PageSpec(
        "workspaces/locations.py", N_("Locations and units"), ":material/warehouse:", MASTER_DATA, ("company.manage",)
    ),
    PageSpec("workspaces/price_lists.py", N_("Price lists"), ":material/sell:", SALES, ("sales.prices",)),
    PageSpec("workspaces/quotations.py", N_("Quotations"), ":material/request_quote:", SALES, ("sales.orders",)),
    PageSpec("workspaces/sales_orders.py", N_("Sales orders"), ":material/shopping_cart:", SALES, ("sales.orders",)),
    PageSpec("workspaces/shipments.py", N_("Shipments"), ":material/local_shipping:", SALES, ("sales.ship",)),
    PageSpec(
        "workspaces/customer_invoices.py", N_("Customer invoices"), ":material/receipt_long:", SALES, ("sales.invoice",)
    ),
    PageSpec(
        "workspaces/customer_payments.py", N_("Customer payments"), ":material/payments:", SALES, ("sales.payments",)
    ),
    PageSpec("workspaces/sales_contracts.py", N_("Sales contracts"), ":material/handshake:", SALES, ("sales.orders",)),
    PageSpec("workspaces/stock.py", N_("Stock"), ":material/inventory:", INVENTORY, ("inventory.move",)),
    PageSpec(
        "workspaces/requisitions.py",
        N_("Purchase requisitions"),
        ":material/assignment:",
        PROCUREMENT,
        ("procurement.requisition",),
    ),
    PageSpec(
        "workspaces/purchase_orders.py",
        N_("Purchase orders"),
        ":material/shopping_bag:",
        PROCUREMENT,
        ("procurement.orders", "procurement.approve"),
    ),
    PageSpec(
        "workspaces/approval_limits.py",
        N_("Approval limits"),
        ":material/verified_user:",
        PROCUREMENT,
        ("procurement.limits",),
    ),
    PageSpec(
        "workspaces/goods_receipts.py",
        N_("Goods receipts"),
        ":material/move_to_inbox:",
        PROCUREMENT,
        ("procurement.receive",),
    ),
    PageSpec(
        "workspaces/supplier_invoices.py",
        N_("Supplier invoices"),
        ":material/receipt:",
        PROCUREMENT,
        ("procurement.invoice",),
    ),
    PageSpec(
        "workspaces/supplier_payments.py",
        N_("Supplier payments"),
        ":material/account_balance_wallet:",
        PROCUREMENT,
        ("procurement.payments",),
    ),
    PageSpec(
        "workspaces/purchase_contracts.py",
        N_("Purchase contracts"),
        ":material/contract:",
        PROCUREMENT,
        ("procurement.orders",),
    ),
    PageSpec(
        "workspaces/supplier_evaluations.py",
        N_("Supplier evaluations"),
        ":material/star_rate:",
        PROCUREMENT,
        ("procurement.orders",),
    ),
    PageSpec(
        "workspaces/production_orders.py",
        N_("Production orders"),
        ":material/precision_manufacturing:",
        PRODUCTION,
        ("production.orders", "production.report"),
    ),
    PageSpec("workspaces/journals.py", N_("Journals"), ":material/menu_book:", FINANCE, ("ledger.journal",)),
    PageSpec(
        "workspaces/recurring_journals.py",
        N_("Recurring journals"),
        ":material/event_repeat:",
        FINANCE,
        ("ledger.journal",),
    ),
    PageSpec(
        "workspaces/periods.py", N_("Accounting periods"), ":material/event_available:", FINANCE, ("ledger.periods",)
    ),
    PageSpec("workspaces/posting_rules.py", N_("Posting rules"), ":material/rule:", FINANCE, ("ledger.rules",)),
    PageSpec(
        "workspaces/trial_balance.py",
        N_("Trial balance"),
        ":material/balance:",
        FINANCE,
        ("ledger.journal", "ledger.periods", "ledger.rules"),
    ),
    PageSpec(
        "workspaces/budgets.py", N_("Budgets"), ":material/savings:", FINANCE, ("budgets.manage", "budgets.approve")
    ),
    PageSpec(
        "workspaces/pay_runs.py", N_("Pay runs"), ":material/payments:", HR, ("payroll.manage", "payroll.approve")
    ),
    PageSpec("workspaces/leave.py", N_("Leave"), ":material/beach_access:", HR, ("hr.leave",)),
    PageSpec("workspaces/skills.py", N_("Employee skills"), ":material/psychology:", HR, ("employees.manage",)),
    PageSpec("workspaces/recruiting.py", N_("Recruiting"), ":material/person_search:", HR, ("hr.recruiting",)),
    PageSpec("workspaces/training.py", N_("Training"), ":material/school:", HR, ("hr.training",)),
    PageSpec("workspaces/repairs.py", N_("Repairs"), ":material/build:", SERVICE, ("service.repairs",)),
    PageSpec(
        "workspaces/rmas.py", N_("Returns and exchanges"), ":material/assignment_return:", SERVICE, ("service.returns",)
    ),
    PageSpec("workspaces/complaints.py", N_("Complaints"), ":material/feedback:", SERVICE, ("service.complaints",)),
    PageSpec(
        "workspaces/tickets.py", N_("IT tickets"), ":material/support_agent:", IT, ("tickets.raise", "it.support")
    ),
    PageSpec("workspaces/it_assets.py", N_("IT assets"), ":material/devices:", IT, ("it.assets",)),
    PageSpec("workspaces/access_review.py", N_("Access review"), ":material/policy:", IT, ("access.review",)),
    PageSpec("workspaces/users.py", N_("Users and roles"), ":material/group:", ADMINISTRATION, ("users.manage",)),
    PageSpec("workspaces/audit.py", N_("Audit log"), ":material/history:", ADMINISTRATION, ("audit.read",)),
)


def visible_pages(actor: Actor) -> list[PageSpec]:
    return [p for p in PAGES if p.allows(actor)]


def menu(actor: Actor) -> dict[str, list[StreamlitPage]]:
    """The pages this actor may open, grouped by section, for ``st.navigation``."""
    sections: dict[str, list[StreamlitPage]] = {}
    for spec in visible_pages(actor):
        page = st.Page(
            str(APPS_DIR / spec.path),
            title=t(spec.title),
            icon=spec.icon,
            url_path=Path(spec.path).stem,
            default=spec.path == PAGES[0].path,
        )
        sections.setdefault(t(spec.section), []).append(page)
    return sections


def spec_for(page_file: str) -> PageSpec:
    target = Path(page_file).resolve()
    return next(p for p in PAGES if (APPS_DIR / p.path).resolve() == target)


def page_session(page_file: str) -> Session:
    """The signed-in user's session for a page, or a refusal when their roles do not open it.

    The menu already hides such pages; this check makes a crafted request to one fail as well.
    """
    session = current_session()
    spec = spec_for(page_file)
    if not spec.allows(session.actor):
        st.error(t("You are not allowed to open this page."))
        st.stop()
    st.title(t(spec.title))
    return session
