"""Service levels: response and resolution targets per complaint severity or IT ticket priority, and breaches.

Customer service and IT support are measured the same way: a case is due a first response and a resolution
within the hours of its level (seeds/service_slas.csv); a case breaches when the response or resolution came
later than due, or has not come and is already overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, select

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Choice, Dec, FieldSet
from erp.i18n import t
from erp.services.base import Session
from erp.services.documents import dec
from erp.services.records import Entity, EntityActions

LEVELS = ("low", "medium", "high", "critical")

SLAS = Entity(
    name="service_slas",
    label=N_("Service level targets"),
    table=s.service_sla,
    key=("scope", "level"),
    fields=FieldSet(
        (
            Choice(
                "scope",
                N_("Scope: complaint (by severity) or ticket (by priority)"),
                required=True,
                choices=("complaint", "ticket"),
            ),
            Choice("level", N_("Severity or priority"), required=True, choices=LEVELS),
            Dec("response_hours", N_("First response within (hours)"), required=True, positive=True),
            Dec("resolution_hours", N_("Resolution within (hours)"), required=True, positive=True),
        )
    ),
    permission="service.sla",
    audit_name="service_sla",
    check=lambda tx, v, before: (
        [FieldError("resolution_hours", t("must not be less than the response hours"))]
        if dec(v["resolution_hours"]) < dec(v["response_hours"])
        else []
    ),
)
sla_actions = EntityActions(SLAS)


def due_times(conn: Connection, scope: str, level: str, received_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    row = conn.execute(
        select(s.service_sla.c.response_hours, s.service_sla.c.resolution_hours).where(
            s.service_sla.c.scope == scope, s.service_sla.c.level == level
        )
    ).first()
    if row is None:
        raise ServiceError(
            FieldError(
                "severity" if scope == "complaint" else "priority",
                t("no service level target for {scope} {level}", scope=scope, level=level),
            )
        )
    return (
        received_at + dt.timedelta(hours=float(dec(row.response_hours))),
        received_at + dt.timedelta(hours=float(dec(row.resolution_hours))),
    )


def parse_time(value: Any, default: dt.datetime) -> dt.datetime | None:
    """A date and time from a form or CSV cell (``2026-03-01 09:30``); blank means ``default``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    try:
        return dt.datetime.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        return None


def breaches(case: Mapping[str, Any], as_of: dt.datetime) -> dict[str, bool]:
    responded = case["responded_at"] or (as_of if as_of > case["response_due"] else None)
    resolved = case["resolved_at"] or (as_of if as_of > case["resolution_due"] else None)
    return {
        "response_breached": responded is not None and responded > case["response_due"],
        "resolution_breached": resolved is not None and resolved > case["resolution_due"],
    }


def sla_report(session: Session, table: Table, level_column: str, permission: str, as_of: dt.datetime) -> dict:
    """Every case with its breach flags and hours to resolve, and the share met per level."""
    session.require(permission)
    with session.read() as conn:
        rows = conn.execute(select(table).order_by(table.c.number)).mappings().all()
    cases = []
    summary: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r.get("status") == "cancelled":
            continue
        flags = breaches(r, as_of)
        hours = None
        if r["resolved_at"] is not None:
            hours = Decimal(str((r["resolved_at"] - r["received_at"]).total_seconds() / 3600)).quantize(Decimal("0.1"))
        cases.append(
            {"number": r["number"], "level": r[level_column], "status": r["status"], **flags, "hours_to_resolve": hours}
        )
        level = summary.setdefault(r[level_column], {"cases": 0, "breached": 0})
        level["cases"] += 1
        level["breached"] += int(flags["response_breached"] or flags["resolution_breached"])
    for level in summary.values():
        level["met_pct"] = (Decimal(100) * (level["cases"] - level["breached"]) / level["cases"]).quantize(
            Decimal("0.1")
        )
    return {"as_of": as_of, "cases": cases, "by_level": summary}
