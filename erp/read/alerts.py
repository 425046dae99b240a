"""What the alerts screen reads: the outbox the reporting pipeline fills (see :mod:`erp.alerts`), newest first,
each alert open until someone acknowledges it."""

from __future__ import annotations

from sqlalchemy import String, case, cast, select

from erp import schema as s
from erp.fields import N_
from erp.read.documents import DocumentKind

_out = s.alert_outbox
ALERT_STATUSES = ("open", "acknowledged")

ALERTS = DocumentKind(
    name="alert_outbox",
    label=N_("Alert"),
    query=select(
        cast(_out.c.id, String).label("number"),
        _out.c.source,
        _out.c.alert_key,
        _out.c.severity,
        _out.c.reason,
        _out.c.detail,
        _out.c.first_seen,
        _out.c.queued_at,
        case((_out.c.acknowledged_at.is_(None), "open"), else_="acknowledged").label("status"),
        _out.c.acknowledged_by,
        _out.c.acknowledged_at,
        _out.c.email_status,
        (-_out.c.id).label("newest_first"),  # sorts ascending as newest first (the number is text)
    ),
    labels={
        "number": N_("Alert"),
        "severity": N_("Severity"),
        "source": N_("Source"),
        "alert_key": N_("About"),
        "detail": N_("Detail"),
        "reason": N_("Reason"),
        "first_seen": N_("First seen"),
        "queued_at": N_("Queued at"),
        "status": N_("Status"),
        "acknowledged_by": N_("Acknowledged by"),
        "acknowledged_at": N_("Acknowledged at"),
    },
    choice="status",
    choices=ALERT_STATUSES,
    search=("source", "alert_key", "detail", "severity"),
    order=("newest_first",),
)
