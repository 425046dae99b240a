"""What the IT screens read: support tickets with their service-level clocks, hardware and network assets with
their maintenance log, and the installed software with the patches applied and pending."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Connection, select

from erp import schema as s
from erp.fields import N_
from erp.read.documents import DocumentKind, Rows

_tk, _a, _app, _emp = s.support_ticket, s.it_asset, s.application, s.employee

TICKETS = DocumentKind(
    name="support_ticket",
    label=N_("Support ticket"),
    query=select(
        _tk.c.number,
        _tk.c.subject,
        _tk.c.category,
        _tk.c.priority,
        _tk.c.status,
        _tk.c.raised_by,
        _tk.c.assignee,
        _a.c.asset_tag.label("asset"),
        _app.c.code.label("application"),
        _tk.c.received_at,
        _tk.c.response_due,
        _tk.c.resolution_due,
        _tk.c.responded_at,
        _tk.c.resolved_at,
        _tk.c.description,
        _tk.c.resolution,
        _tk.c.satisfaction,
    )
    .outerjoin(_a, _a.c.id == _tk.c.asset_id)
    .outerjoin(_app, _app.c.id == _tk.c.application_id),
    labels={
        "number": N_("Number"),
        "subject": N_("Subject"),
        "category": N_("Category"),
        "priority": N_("Priority"),
        "status": N_("Status"),
        "raised_by": N_("Raised by"),
        "assignee": N_("Assignee"),
        "asset": N_("Device (asset tag)"),
        "application": N_("Application"),
        "received_at": N_("Raised at"),
        "resolution_due": N_("Resolution due"),
        "resolved_at": N_("Resolved at"),
        "resolution": N_("Resolution"),
        "satisfaction": N_("Satisfaction"),
    },
    date="received_at",
    choice="status",
    choices=("new", "assigned", "in_progress", "resolved", "closed", "cancelled"),
    search=("number", "subject", "raised_by", "assignee"),
)


def own_tickets(user: str) -> DocumentKind:
    """The ticket list restricted to the tickets one user raised (what a user without it.support sees)."""
    return replace(TICKETS, query=TICKETS.query.where(_tk.c.raised_by == user))


def asset_log(conn: Connection, tag: str) -> Rows:
    log = s.it_asset_log
    query = (
        select(log.c.log_date, log.c.kind, log.c.description, log.c.cost, log.c.recorded_by)
        .join(_a, _a.c.id == log.c.asset_id)
        .where(_a.c.asset_tag == tag)
        .order_by(log.c.log_date, log.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


ASSETS = DocumentKind(
    name="it_asset",
    label=N_("IT asset"),
    query=select(
        _a.c.asset_tag,
        _a.c.name,
        _a.c.asset_type,
        _a.c.status,
        _a.c.serial_no,
        _emp.c.employee_code.label("assignee"),
        s.location.c.code.label("location"),
        _a.c.ip_address,
        _a.c.mac_address,
        _a.c.purchase_date,
        _a.c.purchase_cost,
        _a.c.warranty_until,
        _a.c.retired_date,
    )
    .outerjoin(_emp, _emp.c.id == _a.c.assignee_id)
    .outerjoin(s.location, s.location.c.id == _a.c.location_id),
    labels={
        "asset_tag": N_("Asset tag"),
        "name": N_("Name"),
        "asset_type": N_("Type"),
        "status": N_("Status"),
        "serial_no": N_("Serial number"),
        "assignee": N_("Assigned to"),
        "location": N_("Location"),
        "ip_address": N_("IP address"),
        "mac_address": N_("MAC address"),
        "purchase_date": N_("Purchased on"),
        "warranty_until": N_("Warranty until"),
    },
    key="asset_tag",
    choice="asset_type",
    choices=("laptop", "desktop", "server", "monitor", "printer", "phone", "tablet")
    + ("switch", "router", "access_point", "firewall", "other"),
    search=("asset_tag", "name", "serial_no", "assignee", "ip_address"),
    lines=asset_log,
    line_labels={
        "log_date": N_("Date"),
        "kind": N_("Kind"),
        "description": N_("Description"),
        "cost": N_("Cost"),
        "recorded_by": N_("Recorded by"),
    },
    order=("asset_tag",),
)


def asset_tags(conn: Connection, statuses: tuple[str, ...] = ()) -> list[str]:
    query = select(_a.c.asset_tag).order_by(_a.c.asset_tag)
    if statuses:
        query = query.where(_a.c.status.in_(statuses))
    return list(conn.execute(query).scalars())


def application_codes(conn: Connection) -> list[str]:
    return list(conn.execute(select(_app.c.code).where(_app.c.active.is_(True)).order_by(_app.c.code)).scalars())


def patch_codes(conn: Connection, application: str) -> list[str]:
    p = s.app_patch
    query = select(p.c.code).join(_app, _app.c.id == p.c.application_id).where(_app.c.code == application)
    return list(conn.execute(query.order_by(p.c.released_on, p.c.code)).scalars())


def support_users(conn: Connection) -> list[str]:
    """Active users who may handle tickets (a role granting it.support, or admin)."""
    u, ur, r, rp = s.app_user, s.user_role, s.role, s.role_permission
    query = (
        select(u.c.username)
        .distinct()
        .join(ur, ur.c.user_id == u.c.id)
        .join(r, r.c.id == ur.c.role_id)
        .join(rp, rp.c.role_id == r.c.id)
        .where(u.c.active.is_(True), rp.c.permission.in_(("it.support", "*")))
        .order_by(u.c.username)
    )
    return list(conn.execute(query).scalars())
