"""Production orders through the service layer: release to close with every variance on its own account, the
order's work in process back at zero, the ledger balanced after every step and every refusal clean."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from erp import schema as s
from erp.errors import PermissionDenied, ServiceError
from erp.services import inventory, ledger, production
from erp.services.base import Session
from erp.services.open_supply import open_supply
from erp.services.products import item_actions
from tests.support.people import quick_user
from tests.support.store_state import snapshot

pytestmark = pytest.mark.portable

D = dt.date


def _balanced(session: Session) -> None:
    with session.read() as conn:
        assert ledger.unbalanced_entries(conn) == []
        assert inventory.balance_mismatches(conn) == []
        rows = ledger.trial_balance(conn)
    assert sum(r["debit"] for r in rows) == sum(r["credit"] for r in rows)


def _balance(session: Session, code: str) -> Decimal:
    with session.read() as conn:
        return ledger.account_balance(conn, code)


def _wip(session: Session, number: str) -> Decimal:
    """Work in process (5001) of one order: what its documents debited less what they credited."""
    jl = s.journal_line
    with session.read() as conn:
        debit, credit = conn.execute(
            select(func.coalesce(func.sum(jl.c.debit), 0), func.coalesce(func.sum(jl.c.credit), 0))
            .join(s.account, s.account.c.id == jl.c.account_id)
            .where(s.account.c.code == "5001", jl.c.doc_number == number)
        ).one()
    return Decimal(str(debit)) - Decimal(str(credit))


def _refused(engine: Engine, call: Callable[[], object]) -> ServiceError:
    before = snapshot(engine)
    with pytest.raises(ServiceError) as refused:
        call()
    assert snapshot(engine) == before
    return refused.value


@pytest.fixture
def plant(backend: str, sample: Session, engine: Engine) -> Session:
    """The sample company with standard costs on the pump's parts, and a production user."""
    for code, cost in (("SA-MOTOR-1", "600"), ("SA-HOUSING", "300"), ("FG-PUMP-100", "1200")):
        item_actions.update(sample, {"item_code": code}, {"standard_cost": cost})
    inventory.receive_stock(
        sample,
        {
            "move_date": "2026-03-01",
            "location": "RAW",
            "lines": [
                {"item": "SA-MOTOR-1", "quantity": "10"},
                {"item": "SA-HOUSING", "quantity": "10"},
                {"item": "RM-IMPELLER", "quantity": "12"},
                {"item": "RM-BOLT-M8", "quantity": "100"},
            ],
        },
    )
    return quick_user(engine, "zhang", "production")


def _create(session: Session, quantity: str = "10", method: str = "manual") -> dict:
    return production.create_production_order(
        session,
        {
            "item": "FG-PUMP-100",
            "quantity": quantity,
            "start_date": "2026-03-02",
            "due_date": "2026-03-09",
            "location": "FG",
            "issue_location": "RAW",
            "issue_method": method,
        },
    )


def test_production_order_to_close(plant: Session, engine: Engine) -> None:
    order = _create(plant)
    number = order["number"]
    early = _refused(engine, lambda: production.issue_materials(plant, {"order": number, "issue_date": "2026-03-02"}))
    assert early.for_field("order") == [f"{number} is planned; cannot issue materials"]
    released = production.release_production_order(plant, number)
    assert (released["status"], released["materials"], released["operations"]) == ("released", 4, 1)
    item_actions.update(plant, {"item_code": "SA-MOTOR-1"}, {"standard_cost": "650"})  # the order keeps 600
    with plant.read() as conn:
        planned = dict(
            conn.execute(
                select(s.item.c.item_code, s.production_order_material.c.planned_qty).join(
                    s.item, s.item.c.id == s.production_order_material.c.item_id
                )
            ).all()
        )
        assert planned["RM-BOLT-M8"] == Decimal("84") and planned["RM-IMPELLER"] == Decimal("10.2")  # with scrap
        assert open_supply(conn)[0]["order_ref"] == number
    item_actions.update(plant, {"item_code": "SA-MOTOR-1"}, {"standard_cost": "600"})

    beyond = _refused(
        engine,
        lambda: production.issue_materials(
            plant,
            {"order": number, "issue_date": "2026-03-02", "lines": [{"item": "SA-MOTOR-1", "quantity": "12"}]},
        ),
    )
    assert beyond.for_field("lines[1].quantity") == ["only 10 of SA-MOTOR-1 on hand at RAW; 12 needed"]
    stranger = _refused(
        engine,
        lambda: production.issue_materials(
            plant,
            {"order": number, "issue_date": "2026-03-02", "lines": [{"item": "RM-SEAL", "quantity": "1"}]},
        ),
    )
    assert stranger.for_field("lines[1].item") == [f"is not a component of {number}"]

    production.issue_materials(plant, {"order": number, "issue_date": "2026-03-02"})  # everything planned
    production.issue_materials(
        plant, {"order": number, "issue_date": "2026-03-03", "lines": [{"item": "RM-IMPELLER", "quantity": "1"}]}
    )  # one impeller broken
    assert _wip(plant, number) == Decimal("10093.40")  # 6000 + 3000 + 11.2 x 95 + 84 x 0.35
    _balanced(plant)
    production.report_time(
        plant,
        {
            "order": number,
            "report_date": "2026-03-05",
            "lines": [{"step_no": 10, "labour_hours": "16", "machine_hours": "15", "labour_rate": "70"}],
        },
    )
    assert _balance(plant, "2211") == Decimal("-1120.00") and _balance(plant, "5101") == Decimal("-600.00")
    _balanced(plant)
    done = production.complete_production(plant, {"order": number, "completion_date": "2026-03-06"})
    assert (done["status"], done["completed_qty"]) == ("completed", 10)
    with plant.read() as conn:
        assert inventory.on_hand(conn, "FG-PUMP-100", "FG") == 10
    assert _wip(plant, number) == Decimal("-186.60")  # 10093.40 + 1120 + 600 - 10 x 1200
    _balanced(plant)

    closed = production.close_production_order(plant, number, D(2026, 3, 31))
    assert {k: closed[k] for k in production.VARIANCE_EVENTS} == {
        "material_variance": Decimal("95.00"),  # the broken impeller
        "labour_rate_variance": Decimal("80.00"),  # 16 h x (70 - 65)
        "labour_efficiency_variance": Decimal("32.50"),  # (16 - 15.5 standard hours) x 65
        "overhead_variance": Decimal("-20.00"),  # (15 - 15.5) x 40
        "cost_difference": Decimal("-374.10"),  # released standard 11625.90 against 10 x 1200
    }
    assert _wip(plant, number) == 0
    for code, amount in (("500201", "95"), ("500202", "80"), ("500203", "32.5"), ("500204", "-20")):
        assert _balance(plant, code) == Decimal(amount)
    assert _balance(plant, "500205") == Decimal("-374.10")
    _balanced(plant)
    after = _refused(
        engine,
        lambda: production.report_time(
            plant, {"order": number, "report_date": "2026-03-31", "lines": [{"step_no": 10, "labour_hours": "1"}]}
        ),
    )
    assert after.for_field("order") == [f"{number} is closed; cannot report time"]


def test_backflush_short_close_and_refusals(plant: Session, engine: Engine) -> None:
    with pytest.raises(PermissionDenied):
        _create(quick_user(engine, "wang", "sales"))
    buy = _refused(
        engine,
        lambda: production.create_production_order(
            plant,
            {
                "item": "RM-SEAL",
                "quantity": "1",
                "start_date": "2026-03-02",
                "due_date": "2026-03-01",
                "location": "FG",
                "issue_location": "RAW",
            },
        ),
    )
    assert buy.for_field("item") == ["RM-SEAL is a buy item: order it with a purchase order"]
    assert buy.for_field("due_date") == ["must not be before the start date"]
    spare = _create(plant, "1")
    production.cancel_production_order(plant, spare["number"])

    order = _create(plant, "15", "backflush")
    number = order["number"]
    production.release_production_order(plant, number)
    twice = _refused(engine, lambda: production.release_production_order(plant, number))
    assert twice.code == "conflict"
    short = _refused(
        engine, lambda: production.complete_production(plant, {"order": number, "completion_date": "2026-03-06"})
    )
    assert short.for_field("lines[1].quantity") == ["only 100 of RM-BOLT-M8 on hand at RAW; 126 needed"]
    too_many = _refused(
        engine,
        lambda: production.complete_production(
            plant, {"order": number, "completion_date": "2026-03-06", "quantity": "16"}
        ),
    )
    assert too_many.for_field("quantity") == [f"only 15 left to make on {number}"]

    partial = production.complete_production(plant, {"order": number, "completion_date": "2026-03-06", "quantity": "2"})
    assert partial["status"] == "released"
    with plant.read() as conn:
        assert inventory.on_hand(conn, "RM-BOLT-M8", "RAW") == Decimal("83.2")  # 100 - 2 x 8 x 1.05
        assert inventory.on_hand(conn, "SA-MOTOR-1", "RAW") == 8
        supply = [r for r in open_supply(conn) if r["source"] == "production_order"]
    assert [(r["order_ref"], r["quantity"]) for r in supply] == [(number, 13)]
    _balanced(plant)

    ledger.close_period(quick_user(engine, "fin", "finance"), "2026-03")
    closed = _refused(
        engine,
        lambda: production.complete_production(
            plant, {"order": number, "completion_date": "2026-03-31", "quantity": "1"}
        ),
    )
    assert closed.for_field("completion_date") == ["the accounting period 2026-03 is closed"]

    result = production.close_production_order(plant, number, D(2026, 4, 1))  # short close: 2 of 15 made
    assert result["status"] == "closed"
    assert result["labour_efficiency_variance"] == Decimal("-227.50")  # no time reported for 3.5 standard hours
    assert _wip(plant, number) == 0
    with plant.read() as conn:
        assert [r for r in open_supply(conn) if r["source"] == "production_order"] == []
    _balanced(plant)
