"""The stock ledger: moves per item and location, on-hand as their sum, value posted at standard cost."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from erp import schema as s
from erp.errors import ServiceError
from erp.services import inventory, ledger
from erp.services.base import Session
from erp.services.products import item_actions
from tests.support.store_state import snapshot


def _check(session: Session) -> None:
    """After every action: balances equal the ledger of moves, and the general ledger balances."""
    with session.read() as conn:
        assert inventory.balance_mismatches(conn) == []
        assert ledger.unbalanced_entries(conn) == []


def _receive(session: Session, item: str, quantity: str, location: str = "RAW", date: str = "2026-03-01") -> dict:
    return inventory.receive_stock(
        session, {"move_date": date, "location": location, "lines": [{"item": item, "quantity": quantity}]}
    )


@pytest.mark.portable
def test_moves_keep_on_hand_and_value_in_step(backend: str, sample: Session) -> None:
    receipt = inventory.receive_stock(
        sample,
        {
            "move_date": "2026-03-01",
            "location": "RAW",
            "reference": "GRN-1",
            "lines": [{"item": "RM-STATOR", "quantity": "10"}, {"item": "RM-BOLT-M8", "quantity": "1000"}],
        },
    )
    _check(sample)
    inventory.issue_stock(
        sample, {"move_date": "2026-03-02", "location": "RAW", "lines": [{"item": "RM-STATOR", "quantity": "3"}]}
    )
    _check(sample)
    transfer = inventory.transfer_stock(
        sample,
        {
            "move_date": "2026-03-03",
            "from_location": "RAW",
            "to_location": "WIP",
            "lines": [{"item": "RM-BOLT-M8", "quantity": "400"}],
        },
    )
    assert transfer["journal_entry"] is None  # value only changes location
    inventory.adjust_stock(
        sample,
        {
            "move_date": "2026-03-04",
            "location": "WIP",
            "reason": "damaged",
            "lines": [{"item": "RM-BOLT-M8", "quantity": "-20"}],
        },
    )
    counted = inventory.count_stock(
        sample,
        {
            "move_date": "2026-03-05",
            "location": "RAW",
            "lines": [{"item": "RM-STATOR", "counted_qty": "6"}, {"item": "RM-BOLT-M8", "counted_qty": "600"}],
        },
    )
    assert counted["moves"] == 1  # only the stator differed
    _check(sample)
    with sample.read() as conn:
        assert inventory.on_hand(conn, "RM-STATOR") == Decimal(6)
        assert inventory.on_hand(conn, "RM-BOLT-M8") == Decimal(980)
        assert inventory.on_hand(conn, "RM-BOLT-M8", "WIP") == Decimal(380)
        # 6 stators x 180 + 980 bolts x 0.35 on raw materials; receipts against GRNI; issue into production cost
        assert ledger.account_balance(conn, "1403") == Decimal("1423.00")
        assert ledger.account_balance(conn, "220201") == Decimal("-2150.00")
        assert ledger.account_balance(conn, "5001") == Decimal("540.00")
        assert ledger.account_balance(conn, "1901") == Decimal("187.00")  # 1 stator + 20 bolts lost
        moves = conn.execute(select(s.stock_move).where(s.stock_move.c.number == receipt["number"])).mappings().all()
    assert [(m["move_type"], m["value"]) for m in moves] == [("receipt", Decimal("1800")), ("receipt", Decimal("350"))]


def test_insufficient_stock_is_refused_and_nothing_changes(sample: Session, engine: Engine) -> None:
    _receive(sample, "RM-STATOR", "5")
    before = snapshot(engine)
    with pytest.raises(ServiceError) as refused:
        inventory.issue_stock(
            sample,
            {
                "move_date": "2026-03-02",
                "location": "RAW",
                "lines": [{"item": "RM-SEAL", "quantity": "1"}, {"item": "RM-STATOR", "quantity": "6"}],
            },
        )
    assert refused.value.code == "conflict"
    assert refused.value.for_field("lines[1].quantity") == ["only 0 of RM-SEAL on hand at RAW; 1 needed"]
    with pytest.raises(ServiceError) as transfer:
        inventory.transfer_stock(
            sample,
            {
                "move_date": "2026-03-02",
                "from_location": "MAIN",
                "to_location": "RAW",
                "lines": [{"item": "RM-STATOR", "quantity": "1"}],
            },
        )
    assert "on hand at MAIN" in transfer.value.for_field("lines[1].quantity")[0]
    assert snapshot(engine) == before


def test_negative_stock_only_where_the_item_allows_it(sample: Session) -> None:
    item_actions.update(sample, {"item_code": "RM-STEEL"}, {"allow_negative_stock": "true"})
    inventory.issue_stock(
        sample, {"move_date": "2026-03-02", "location": "RAW", "lines": [{"item": "RM-STEEL", "quantity": "12.5"}]}
    )
    _check(sample)
    with sample.read() as conn:
        assert inventory.on_hand(conn, "RM-STEEL") == Decimal("-12.5")
        assert ledger.account_balance(conn, "1403") == Decimal("-85.00")


def test_bad_stock_documents_name_each_field(sample: Session, engine: Engine) -> None:
    before = snapshot(engine)
    with pytest.raises(ServiceError) as bad:
        inventory.adjust_stock(
            sample,
            {
                "move_date": "2026-02-30",
                "location": "NOWHERE",
                "lines": [{"item": "RM-STATOR", "quantity": "0"}, {"item": "NOPE", "quantity": "x"}],
            },
        )
    errors = bad.value
    assert errors.for_field("move_date") and errors.for_field("location")
    assert errors.for_field("lines[2].item") == ["NOPE does not exist"]
    assert errors.for_field("lines[2].quantity") == ["must be a number"]
    with pytest.raises(ServiceError) as no_reason:
        inventory.adjust_stock(
            sample, {"move_date": "2026-03-01", "location": "RAW", "lines": [{"item": "RM-STATOR", "quantity": "0"}]}
        )
    assert no_reason.value.for_field("reason") and no_reason.value.for_field("lines[1].quantity")
    with pytest.raises(ServiceError) as twice:
        inventory.count_stock(
            sample,
            {
                "move_date": "2026-03-01",
                "location": "RAW",
                "lines": [{"item": "RM-SEAL", "counted_qty": "1"}, {"item": "RM-SEAL", "counted_qty": "2"}],
            },
        )
    assert twice.value.for_field("lines[2].item")
    assert snapshot(engine) == before
