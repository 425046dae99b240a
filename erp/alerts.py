"""The alert outbox: new or escalated alerts from the published warehouse, for the apps and for e-mail.

Contract for alert marts: any mart (a model under models/marts/) whose name ends in ``alerts`` (e.g.
``inventory_alerts``, ``budget_alerts``) with one row per open alert and the columns

- ``alert_key`` (text, unique within the mart: the same condition keeps the same key from run to run),
- ``severity`` (``low``, ``medium``, ``high`` or ``critical``),
- ``detail`` (text shown to people),
- ``first_seen`` (date the condition was first seen, may be null).

An alert is queued when its (mart, key) has never been queued (``new``) or its severity is higher than when it
was last queued (``escalated``); an unchanged or calmer alert is not queued again.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from erp import schema as s
from erp.config import Settings
from erp.fields import N_
from erp.i18n import t
from erp.mail import SmtpSettings, send_mail
from erp.warehouse.read import connect, read_publication

SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}
ALERT_COLUMNS = ("alert_key", "severity", "detail", "first_seen")
MART_SUFFIX = "alerts"
REASON_LABELS = {"new": N_("new"), "escalated": N_("escalated")}


@dataclass(frozen=True)
class Alert:
    source: str
    alert_key: str
    severity: str
    detail: str
    first_seen: dt.date | None


@dataclass(frozen=True)
class Delivery:
    queued: int
    emailed: int
    problems: list[str]
    email_error: str | None = None


def read_alert_marts(settings: Settings) -> tuple[list[Alert], list[str]]:
    """Every alert in the published *alerts marts, and a message per mart or row that breaks the contract."""
    alerts: list[Alert] = []
    problems: list[str] = []
    with connect(settings) as conn:
        publication = read_publication(conn)
        marts = sorted(m for m in (publication.row_counts if publication else {}) if m.endswith(MART_SUFFIX))
        for mart in marts:
            columns = {
                row[0]
                for row in conn.execute(
                    "select column_name from duckdb_columns() where database_name = 'warehouse' "
                    "and schema_name = 'main' and table_name = ?",
                    [mart],
                ).fetchall()
            }
            missing = [c for c in ALERT_COLUMNS if c not in columns]
            if missing:
                problems.append(
                    t("{mart}: the alert columns {missing} are missing", mart=mart, missing=", ".join(missing))
                )
                continue
            rows = conn.execute(
                f'select alert_key, severity, detail, first_seen from main."{mart}" order by alert_key'
            ).fetchall()
            for key, severity, detail, first_seen in rows:
                severity = str(severity or "").lower()
                if severity not in SEVERITY_RANK:
                    problems.append(
                        t(
                            "{mart} {key}: severity {severity} is not one of {allowed}",
                            mart=mart,
                            key=key,
                            severity=severity,
                            allowed=", ".join(SEVERITY_RANK),
                        )
                    )
                    continue
                alerts.append(Alert(mart, str(key), severity, str(detail or ""), _as_date(first_seen)))
    return alerts, problems


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def queue_alerts(
    engine: Engine, alerts: Sequence[Alert], run_id: str, publication_id: int | None, email: bool
) -> list[int]:
    """Queue the new and escalated alerts in one transaction; returns the ids of the queued outbox rows."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    t_out = s.alert_outbox
    queued: list[int] = []
    with engine.begin() as conn:
        latest = (
            select(t_out.c.source, t_out.c.alert_key, func.max(t_out.c.id).label("id"))
            .group_by(t_out.c.source, t_out.c.alert_key)
            .subquery()
        )
        last_severity = {
            (row.source, row.alert_key): row.severity
            for row in conn.execute(
                select(t_out.c.source, t_out.c.alert_key, t_out.c.severity).join(latest, latest.c.id == t_out.c.id)
            )
        }
        for alert in alerts:
            before = last_severity.get((alert.source, alert.alert_key))
            if before is not None and SEVERITY_RANK[alert.severity] <= SEVERITY_RANK.get(before, 0):
                continue
            result = conn.execute(
                insert(t_out).values(
                    source=alert.source,
                    alert_key=alert.alert_key,
                    severity=alert.severity,
                    reason="new" if before is None else "escalated",
                    detail=alert.detail,
                    first_seen=alert.first_seen,
                    queued_at=now,
                    run_id=run_id,
                    publication_id=publication_id,
                    email_status="pending" if email else "skipped",
                )
            )
            queued.append(int(result.inserted_primary_key[0]))
            last_severity[(alert.source, alert.alert_key)] = alert.severity
    return queued


def email_pending(engine: Engine, smtp: SmtpSettings) -> tuple[int, str | None]:
    """E-mail every outbox row still pending (or failed before) in one message; (rows sent, error or None)."""
    t_out = s.alert_outbox
    with engine.connect() as conn:
        rows = conn.execute(
            select(t_out).where(t_out.c.email_status.in_(["pending", "failed"])).order_by(t_out.c.id)
        ).all()
    if not rows:
        return 0, None
    subject = t("ERP alerts: {count} new or escalated", count=len(rows))
    lines = [
        f"[{row.severity.upper()}] {row.source} {row.alert_key} ({t(REASON_LABELS[row.reason])}): {row.detail}"
        for row in rows
    ]
    ids = [row.id for row in rows]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        send_mail(smtp, subject, "\n".join(lines) + "\n")
    except (OSError, smtplib.SMTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"
        with engine.begin() as conn:
            conn.execute(update(t_out).where(t_out.c.id.in_(ids)).values(email_status="failed", email_error=error))
        return 0, error
    with engine.begin() as conn:
        conn.execute(
            update(t_out).where(t_out.c.id.in_(ids)).values(email_status="sent", emailed_at=now, email_error=None)
        )
    return len(ids), None


def deliver(
    settings: Settings, engine: Engine, run_id: str, publication_id: int | None, smtp: SmtpSettings | None
) -> Delivery:
    """Read the alert marts, queue what is new or escalated, and e-mail it when SMTP is configured."""
    alerts, problems = read_alert_marts(settings)
    queued = queue_alerts(engine, alerts, run_id, publication_id, email=smtp is not None)
    emailed, error = email_pending(engine, smtp) if smtp is not None else (0, None)
    return Delivery(queued=len(queued), emailed=emailed, problems=problems, email_error=error)
