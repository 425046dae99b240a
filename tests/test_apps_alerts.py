"""Alerts from the outbox: shown to the roles that may acknowledge them, acknowledged once through a checked and
audited service action, on the service layer (both backends) and on the page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select

from erp import schema as s
from erp.alerts import Alert, queue_alerts
from erp.errors import PermissionDenied, ServiceError
from erp.services import alerts
from erp.services.base import Session
from tests.support.people import quick_user
from tests.support.store_state import snapshot
from tests.test_apps import open_page, signed_in
from tests.test_apps_documents import successes, table_with

ROLES_WITH_ALERTS = {"planner": True, "production": True, "finance": True, "service": True, "it": True}
ROLES_WITHOUT = ("sales", "hr", "procurement")


def queued(engine: Engine) -> list[int]:
    """Two alerts queued the way the pipeline's delivery asset queues them."""
    return queue_alerts(
        engine,
        [
            Alert("inventory_alerts", "RM-SEAL@RAW", "high", "RM-SEAL below its reorder point at RAW", None),
            Alert("budget_alerts", "2026/ADM/6602", "medium", "ADM travel at 93% of budget", None),
        ],
        run_id="run-1",
        publication_id=None,
        email=False,
    )


def outbox_row(engine: Engine, alert_id: int) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(s.alert_outbox).where(s.alert_outbox.c.id == alert_id)).mappings().one())


@pytest.mark.portable
def test_acknowledge_is_checked_audited_and_done_once(backend: str, sample: Session, engine: Engine) -> None:
    first, _ = queued(engine)
    planner = quick_user(engine, "ma", "planner")
    seller = quick_user(engine, "li", "sales")
    before = snapshot(engine)
    with pytest.raises(PermissionDenied):
        alerts.acknowledge_alert(seller, first)
    assert snapshot(engine) == before

    done = alerts.acknowledge_alert(planner, first)
    row = outbox_row(engine, first)
    assert (row["acknowledged_by"], row["acknowledged_at"]) == ("ma", done["acknowledged_at"])
    with engine.connect() as conn:
        log = s.audit_log
        audited = conn.execute(
            select(log.c.action, log.c.entity, log.c.entity_key).where(log.c.entity == "alert_outbox")
        ).all()
    assert [tuple(a) for a in audited] == [("alert.acknowledge", "alert_outbox", str(first))]

    desk = quick_user(engine, "hu", "service")
    before = snapshot(engine)
    with pytest.raises(ServiceError) as again:
        alerts.acknowledge_alert(desk, first)
    assert again.value.for_field("alert") == [f"alert {first} was acknowledged by ma already"]
    with pytest.raises(ServiceError) as unknown:
        alerts.acknowledge_alert(planner, 9999)
    assert unknown.value.for_field("alert") == ["Alert 9999 does not exist"]
    with pytest.raises(ServiceError) as typo:
        alerts.acknowledge_alert(planner, "first")
    assert typo.value.for_field("alert") == ["must be a whole number"]
    assert snapshot(engine) == before


def test_alerts_page_for_its_roles_and_acknowledged_there(sample: Session, make_user: Callable[..., Session]) -> None:
    engine = sample.engine
    first, second = queued(engine)
    for role in (*ROLES_WITH_ALERTS, *ROLES_WITHOUT):
        make_user(f"u_{role}", role)
        at = signed_in(f"u_{role}")
        if role in ROLES_WITH_ALERTS:
            open_page(at, "alerts")
            assert not at.error, (role, [e.value for e in at.error])
        else:
            with pytest.raises(ValueError):
                at.switch_page("workspaces/alerts.py")

    at = open_page(signed_in("u_planner"), "alerts")
    listed = table_with(at, "Severity")
    assert listed[["Alert", "Status"]].values.tolist() == [[str(second), "Open"], [str(first), "Open"]]
    at.selectbox(key="alerts:list:open").select(str(first)).run()
    at.button(key=f"alerts:doc:{first}:ack:0:new:button").click().run()
    assert not at.exception
    assert f"Acknowledged alert {first}." in successes(at)
    assert outbox_row(engine, first)["acknowledged_by"] == "u_planner"
    assert table_with(at, "Severity")["Status"].tolist() == ["Open", "Acknowledged"]
    assert not [b for b in at.button if b.key and b.key.startswith(f"alerts:doc:{first}:ack")]  # done once

    # Someone else acknowledges the second alert while it is open on this page: the click is refused, not redone.
    at.selectbox(key="alerts:list:open").select(str(second)).run()
    alerts.acknowledge_alert(quick_user(engine, "hu", "service"), second)
    before = snapshot(engine)
    at.button(key=f"alerts:doc:{second}:ack:0:new:button").click().run()
    assert snapshot(engine) == before
    assert [e.value for e in at.error] == [f"alert {second} was acknowledged by hu already"]
