"""Acknowledging the alerts the reporting pipeline queued in the outbox (see :mod:`erp.alerts`).

The pipeline writes the outbox without audit rows; a person acknowledging an alert is a change of the store like
any other, so it goes through an action: checked against ``alerts.acknowledge`` and written to the audit log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from erp import schema as s
from erp.fields import N_, FieldSet, Int
from erp.i18n import t
from erp.services.base import Tx, action
from erp.services.documents import raise_if
from erp.services.workflow import conflict, locked

PERMISSION = "alerts.acknowledge"
ACKNOWLEDGE = FieldSet((Int("alert", N_("Alert"), required=True, min_value=1),))


@action("alert.acknowledge", PERMISSION)
def acknowledge_alert(tx: Tx, alert: Any) -> dict[str, Any]:
    """Mark an alert as seen to by the acting user; an alert is acknowledged once."""
    values, errors = ACKNOWLEDGE.validate({"alert": alert}, tx.conn)
    raise_if(errors)
    t_out = s.alert_outbox
    row = locked(tx.conn, t_out, values["alert"], t("Alert"), "alert", key="id")
    if row["acknowledged_at"] is not None:
        raise conflict(
            "alert",
            t("alert {id} was acknowledged by {user} already", id=row["id"], user=row["acknowledged_by"]),
        )
    changes = {"acknowledged_at": tx.now, "acknowledged_by": tx.actor.username}
    tx.conn.execute(update(t_out).where(t_out.c.id == row["id"]).values(**changes))
    tx.audit("alert_outbox", str(row["id"]), {"acknowledged_at": None, "acknowledged_by": None}, changes)
    return {**row, **changes}
