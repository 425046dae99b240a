"""MRP engine (issue 8): the worked example, textbook cases, and engine == reference on random problems."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from erp.errors import ServiceError
from erp.planning import MrpResult, eoq, plan_mrp, plan_reference
from erp.planning.synthetic import synthetic_problem

AS_OF = dt.date(2026, 1, 5)  # a Monday


def week(n: int) -> str:
    """ISO date of the Monday starting period n (1-based) from AS_OF."""
    return (AS_OF + dt.timedelta(weeks=n - 1)).isoformat()


def frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)


def item(code: str, item_type: str = "buy", **kw: object) -> dict:
    return {"item_code": code, "item_type": item_type, **kw}


def plan(items, bom=(), on_hand=(), receipts=(), demand=(), as_of=AS_OF, horizon_weeks=26) -> MrpResult:
    """Plan with both implementations; they must agree exactly. Returns the engine's result."""
    kwargs = {
        "items": pd.DataFrame(items),
        "bom": frame(list(bom), ["parent_item", "component_item", "qty_per", "scrap_pct"]),
        "on_hand": frame([{"item_code": c, "quantity": q} for c, q in on_hand], ["item_code", "quantity"]),
        "scheduled_receipts": frame(list(receipts), ["item_code", "due_date", "quantity", "order_ref"]),
        "demand": frame(list(demand), ["item_code", "due_date", "quantity", "demand_type", "source_ref"]),
        "as_of": as_of,
        "horizon_weeks": horizon_weeks,
    }
    result = plan_mrp(**kwargs)
    assert_same(result, plan_reference(**kwargs))
    return result


def assert_same(a: MrpResult, b: MrpResult) -> None:
    for name in ("planned_orders", "records", "exceptions", "pegging"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)


def orders(result: MrpResult, code: str | None = None) -> list[tuple]:
    po = result.planned_orders
    if code is not None:
        po = po[po.item_code == code]
    return [
        (str(r.item_code), r.release_date.date().isoformat(), r.due_date.date().isoformat(), r.quantity)
        for r in po.itertuples()
    ]


def record(result: MrpResult, code: str, column: str) -> list[float]:
    rec = result.records
    return rec.loc[rec.item_code == code, column].tolist()


def exceptions(result: MrpResult) -> list[tuple]:
    return [
        (
            str(r.item_code),
            str(r.exception_type),
            r.period,
            None if pd.isna(r.to_period) else int(r.to_period),
            r.quantity,
        )
        for r in result.exceptions.itertuples()
    ]


def dem(code: str, n: int, qty: float, kind: str = "order", ref: str | None = None) -> dict:
    return {"item_code": code, "due_date": week(n), "quantity": qty, "demand_type": kind, "source_ref": ref}


def sr(code: str, n: int, qty: float, ref: str) -> dict:
    return {"item_code": code, "due_date": week(n), "quantity": qty, "order_ref": ref}


# --- the worked example from the issue ------------------------------------------------------------


def worked_example() -> MrpResult:
    return plan(
        [
            item("A", "make", lead_time_days=7, lot_sizing="L4L"),
            item("B", "buy", lead_time_days=14, lot_sizing="FOQ", lot_size_qty=50),
        ],
        bom=[{"parent_item": "A", "component_item": "B", "qty_per": 2, "scrap_pct": 0}],
        on_hand=[("A", 10), ("B", 20)],
        demand=[dem("A", 3, 30, ref="SO-1"), dem("A", 5, 20, ref="SO-2")],
    )


def test_worked_example_planned_orders() -> None:
    result = worked_example()
    assert orders(result) == [
        ("A", "2026-01-12", "2026-01-19", 20.0),
        ("A", "2026-01-26", "2026-02-02", 20.0),
        ("B", "2026-01-05", "2026-01-12", 50.0),
        ("B", "2026-01-12", "2026-01-26", 50.0),
    ]
    assert result.planned_orders.order_type.tolist() == ["production", "production", "purchase", "purchase"]
    assert exceptions(result) == [("B", "expedite", 2, 0, 50.0)]
    exc = result.exceptions.iloc[0]
    assert exc.to_date == pd.Timestamp("2025-12-29") and exc.planned_order_id == 3
    assert "2025-12-29" in exc.detail and "1 week" in exc.detail


def test_worked_example_records_and_pegging() -> None:
    result = worked_example()
    assert record(result, "A", "gross")[:5] == [0, 0, 30, 0, 20]
    assert record(result, "A", "projected_on_hand")[:5] == [10, 10, 0, 0, 0]
    assert record(result, "A", "planned_releases")[:5] == [0, 20, 0, 20, 0]
    assert record(result, "B", "dependent")[:5] == [0, 40, 0, 40, 0]
    assert record(result, "B", "projected_on_hand")[:5] == [20, 30, 30, 40, 40]
    assert record(result, "B", "net")[:5] == [0, 20, 0, 10, 0]
    peg = result.pegging
    assert peg[["planned_order_id", "source_type", "source_ref", "quantity"]].values.tolist()[:2] == [
        [1, "order", "SO-1", 30.0],
        [2, "order", "SO-2", 20.0],
    ]
    parents = peg[peg.source_type == "parent"]
    assert parents.planned_order_id.tolist() == [3, 4]
    assert parents.parent_item.astype(str).tolist() == ["A", "A"] and parents.quantity.tolist() == [40.0, 40.0]


# --- lot sizing ------------------------------------------------------------------------------------


def test_poq_covers_its_window_of_weeks() -> None:
    result = plan(
        [item("P", lot_sizing="POQ", lot_size_periods=3)],
        demand=[dem("P", 1, 10, ref="a"), dem("P", 2, 20, ref="b"), dem("P", 3, 30, ref="c"), dem("P", 4, 40, ref="d")],
    )
    assert [o[2:] for o in orders(result)] == [(week(1), 60.0), (week(4), 40.0)]
    peg = result.pegging
    assert peg.groupby("planned_order_id").source_ref.apply(list).to_dict() == {1: ["a", "b", "c"], 2: ["d"]}


def test_poq_with_on_hand_and_safety_stock() -> None:
    # week 2: PAB(1) + SR - GR = 5 - 10 = -5 < SS 5 -> net 10; POQ = max(10, 10+10+10 + 5 - 5) = 30
    result = plan(
        [item("P", lot_sizing="POQ", lot_size_periods=3, safety_stock_qty=5)],
        on_hand=[("P", 15)],
        demand=[dem("P", n, 10) for n in (1, 2, 3, 4)],
    )
    assert [o[2:] for o in orders(result)] == [(week(2), 30.0)]
    assert record(result, "P", "projected_on_hand")[:5] == [5, 25, 15, 5, 5]
    assert record(result, "P", "net")[:3] == [0, 10, 0]


@pytest.mark.parametrize(
    ("settings", "need", "expected"),
    [
        ({"lot_sizing": "FOQ", "lot_size_qty": 50}, 120, 150),
        ({"lot_sizing": "FOQ", "lot_size_qty": 50}, 50, 50),
        ({"lot_sizing": "L4L", "min_order_qty": 100}, 30, 100),
        ({"lot_sizing": "L4L", "order_multiple": 12}, 30, 36),
        ({"lot_sizing": "L4L", "min_order_qty": 25, "order_multiple": 10}, 3, 30),
        ({"lot_sizing": "FOQ", "lot_size_qty": 50, "order_multiple": 40}, 10, 80),
        ({"lot_sizing": "POQ", "lot_size_periods": 2, "min_order_qty": 7}, 3, 7),
        ({"lot_sizing": "L4L", "order_multiple": 0.25}, 1.1, 1.25),
    ],
)
def test_lot_size_then_minimum_then_multiple(settings: dict, need: float, expected: float) -> None:
    result = plan([item("X", **settings)], demand=[dem("X", 2, need)])
    assert orders(result) == [("X", week(2), week(2), expected)]
    assert record(result, "X", "projected_on_hand")[1] == pytest.approx(expected - need)


def test_safety_stock_below_at_start_is_flagged_and_restored() -> None:
    result = plan([item("S", safety_stock_qty=20, lead_time_days=3)], on_hand=[("S", 5)])
    assert orders(result) == [("S", week(1), week(1), 15.0)]
    # lead 3 days = 1 week: the restoring order is also late
    assert exceptions(result) == [("S", "below_safety_stock", 1, None, 15.0), ("S", "expedite", 1, 0, 15.0)]
    assert "below the safety stock 20" in result.exceptions.detail.iloc[0]


def test_release_two_weeks_late_is_expedited_into_period_one() -> None:
    result = plan([item("L", lead_time_days=15)], demand=[dem("L", 2, 8)])  # ceil(15 / 7) = 3 weeks
    assert orders(result) == [("L", week(1), week(2), 8.0)]
    assert exceptions(result) == [("L", "expedite", 2, -1, 8.0)]
    assert result.planned_orders.expedite.tolist() == [True]


# --- multi-level -----------------------------------------------------------------------------------


def test_scrap_inflates_dependent_demand() -> None:
    result = plan(
        [item("P", "make"), item("C"), item("F")],
        bom=[
            {"parent_item": "P", "component_item": "C", "qty_per": 2, "scrap_pct": 10},
            {"parent_item": "P", "component_item": "F", "qty_per": 0.3, "scrap_pct": 3},
        ],
        demand=[dem("P", 2, 100), dem("P", 3, 7)],
    )
    assert record(result, "C", "dependent")[1:3] == [220, 15.4]
    assert record(result, "F", "dependent")[1:3] == [30.9, 2.163]


def test_component_shared_across_levels_is_planned_once_after_all_parents() -> None:
    # E -> S -> X and E -> X: X sits at levels 1 and 2, so it is planned after S (low-level code 2)
    result = plan(
        [item("E", "make", lead_time_days=7), item("S", "make", lead_time_days=7), item("X", lead_time_days=7)],
        bom=[
            {"parent_item": "E", "component_item": "S", "qty_per": 1, "scrap_pct": 0},
            {"parent_item": "S", "component_item": "X", "qty_per": 3, "scrap_pct": 0},
            {"parent_item": "E", "component_item": "X", "qty_per": 1, "scrap_pct": 0},
        ],
        on_hand=[("X", 5)],
        demand=[dem("E", 5, 10)],
    )
    assert orders(result, "E") == [("E", week(4), week(5), 10.0)]
    assert orders(result, "S") == [("S", week(3), week(4), 10.0)]
    # X: 30 from S released in week 3, 10 from E released in week 4; on hand 5 nets the first
    assert record(result, "X", "gross")[:5] == [0, 0, 30, 10, 0]
    assert orders(result, "X") == [("X", week(2), week(3), 25.0), ("X", week(3), week(4), 10.0)]
    peg = result.pegging[result.pegging.item_code == "X"]
    assert peg.parent_item.astype(str).tolist() == ["S", "E"]


def test_bom_cycle_is_refused() -> None:
    with pytest.raises(ServiceError) as err:
        plan_mrp(
            pd.DataFrame([item("A", "make"), item("B", "make"), item("C")]),
            bom=pd.DataFrame(
                [
                    {"parent_item": "A", "component_item": "B", "qty_per": 1},
                    {"parent_item": "B", "component_item": "A", "qty_per": 1},
                    {"parent_item": "B", "component_item": "C", "qty_per": 1},
                ]
            ),
            as_of=AS_OF,
        )
    assert err.value.for_field("bom.component_item") and "cycle" in str(err.value)


# --- scheduled receipts ------------------------------------------------------------------------------


def test_scheduled_receipts_are_not_moved_but_flagged() -> None:
    result = plan(
        [item(c) for c in ("IN", "OUT", "CAN", "OK", "TWO")],
        on_hand=[("CAN", 50)],
        receipts=[
            sr("IN", 5, 10, "PO-IN"),
            sr("OUT", 2, 10, "PO-OUT"),
            sr("CAN", 3, 20, "PO-CAN"),
            sr("OK", 3, 10, "PO-OK"),
            sr("TWO", 2, 10, "PO-T1"),
            sr("TWO", 3, 10, "PO-T2"),
        ],
        demand=[dem("IN", 3, 10), dem("OUT", 6, 10), dem("CAN", 2, 10), dem("OK", 3, 10)]
        + [dem("TWO", 2, 10), dem("TWO", 6, 10)],
    )
    got = {
        (e.order_ref, str(e.exception_type), e.period, None if pd.isna(e.to_period) else int(e.to_period))
        for e in result.exceptions.itertuples()
    }
    assert got == {
        ("PO-IN", "reschedule_in", 5, 3),
        ("PO-OUT", "reschedule_out", 2, 6),
        ("PO-CAN", "cancel", 3, None),
        ("PO-T2", "reschedule_out", 3, 6),
    }
    # the receipt stays where it is: MRP plans to cover week 3 and the receipt lands in week 5 anyway
    assert orders(result, "IN") == [("IN", week(3), week(3), 10.0)]
    assert record(result, "IN", "scheduled")[4] == 10 and record(result, "IN", "projected_on_hand")[4] == 10
    assert orders(result, "OUT") == [] and orders(result, "OK") == []


def test_past_due_dates_fall_into_period_one_and_late_ones_are_left_out() -> None:
    result = plan(
        [item("D")],
        receipts=[sr("D", -2, 4, "PO-OLD")],
        demand=[dem("D", -1, 10), dem("D", 30, 99)],
        as_of=AS_OF + dt.timedelta(days=2),  # a Wednesday: period 1 still starts on Monday AS_OF
        horizon_weeks=8,
    )
    assert orders(result) == [("D", week(1), week(1), 6.0)]
    assert record(result, "D", "scheduled")[0] == 4 and sum(record(result, "D", "gross")) == 10
    assert result.records.week_start.iloc[0] == pd.Timestamp(AS_OF)
    assert len(result.records) == 8


# --- independent demand ----------------------------------------------------------------------------


def test_forecast_is_consumed_by_orders_in_the_same_week() -> None:
    result = plan(
        [item("F")],
        demand=[
            dem("F", 2, 50, "forecast", "FC-2"),
            dem("F", 2, 30, "order", "SO-2"),
            dem("F", 3, 20, "forecast", "FC-3"),
            dem("F", 3, 35, "order", "SO-3"),
            dem("F", 4, 10, "forecast", "FC-4"),
        ],
    )
    assert record(result, "F", "independent")[:4] == [0, 50, 35, 10]
    peg = result.pegging
    assert peg[["source_ref", "source_type", "quantity"]].values.tolist() == [
        ["SO-2", "order", 30.0],
        ["FC-2", "forecast", 20.0],
        ["SO-3", "order", 35.0],
        ["FC-4", "forecast", 10.0],
    ]
    assert peg.demand_row.tolist() == [1, 0, 3, 4]


# --- input checks and EOQ ----------------------------------------------------------------------------


def test_bad_input_names_the_field() -> None:
    with pytest.raises(ServiceError) as err:
        plan_mrp(
            pd.DataFrame([item("A", lot_sizing="FOQ"), item("B", "sell", lot_sizing="EOQ")]),
            bom=pd.DataFrame([{"parent_item": "A", "component_item": "Z", "qty_per": 0}]),
            as_of=AS_OF,
        )
    fields = {e.field for e in err.value.errors}
    assert {"items.item_type", "items.lot_sizing", "items.lot_size_qty"} <= fields
    with pytest.raises(ServiceError) as err:
        plan_mrp(
            pd.DataFrame([item("A")]),
            demand=pd.DataFrame([{"item_code": "A", "due_date": "someday", "quantity": -1}]),
            as_of=AS_OF,
        )
    assert err.value.for_field("demand.due_date") and err.value.for_field("demand.quantity")
    with pytest.raises(ServiceError) as err:
        plan_mrp(
            pd.DataFrame([item("A")]), bom=pd.DataFrame([{"parent_item": "A", "component_item": "Q", "qty_per": 1}])
        )
    assert "Q" in err.value.for_field("bom.component_item")[0]


@pytest.mark.parametrize("step", [3, 100_003])  # ids about 1..n (looked up in a dense index) or sparse
def test_items_may_be_named_by_item_id(step: int) -> None:
    """When the items have an item_id (the warehouse reads them so), the other frames may name items by it: the
    same problem as by code. Ids must be whole, distinct and known."""
    problem = synthetic_problem(400, depth=4, horizon_weeks=10, seed=6)
    items = problem["items"]
    ids = pd.Series(np.arange(len(items))[::-1] * step + 11, index=items.item_code)  # any distinct ids
    by_id = {
        **problem,
        "items": items.assign(item_id=ids.to_numpy()),
        "bom": problem["bom"].assign(
            parent_item=problem["bom"].parent_item.map(ids), component_item=problem["bom"].component_item.map(ids)
        ),
        **{
            name: problem[name].assign(item_code=problem[name].item_code.map(ids))
            for name in ("on_hand", "scheduled_receipts", "demand")
        },
    }
    assert by_id["bom"].parent_item.dtype.kind == "i"
    expected, got = plan_mrp(**problem), plan_mrp(**by_id)
    for name in ("planned_orders", "records", "pegging", "exceptions"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name))

    with pytest.raises(ServiceError) as err:
        plan_mrp(pd.DataFrame([item("A") | {"item_id": 1}, item("B") | {"item_id": 1}]))
    assert "1" in err.value.for_field("items.item_id")[0]
    with pytest.raises(ServiceError) as err:
        plan_mrp(
            pd.DataFrame([item("A") | {"item_id": 1}, item("B") | {"item_id": 2}]),
            on_hand=pd.DataFrame([{"item_code": 7, "quantity": 1}]),
        )
    assert "7" in err.value.for_field("on_hand.item_code")[0]


def test_eoq() -> None:
    assert eoq(1200, 50, 2) == pytest.approx(math.sqrt(60000))
    assert eoq(0, 50, 2) == 0
    with pytest.raises(ServiceError) as err:
        eoq(100, 10, 0)
    assert err.value.for_field("holding_cost_per_unit_year")


# --- engine == reference on random problems -----------------------------------------------------------


def random_problem(seed: int) -> dict:
    """A synthetic problem with odd settings: fractional quantities, mid-week planning date, short horizons."""
    rng = np.random.default_rng(seed)
    problem = synthetic_problem(
        int(rng.integers(150, 400)), depth=int(rng.integers(1, 9)), horizon_weeks=int(rng.integers(4, 30)), seed=seed
    )
    problem["as_of"] = problem["as_of"] + dt.timedelta(days=int(rng.integers(0, 7)))
    for name, column in (("demand", "quantity"), ("scheduled_receipts", "quantity"), ("on_hand", "quantity")):
        frame = problem[name]
        fractional = rng.random(len(frame)) < 0.3
        frame.loc[fractional, column] = np.round(frame.loc[fractional, column] * rng.random(fractional.sum()), 3)
    problem["bom"]["qty_per"] = np.where(rng.random(len(problem["bom"])) < 0.3, 0.125, problem["bom"]["qty_per"])
    return problem


@pytest.mark.parametrize("seed", range(12))
def test_engine_matches_reference_on_random_problems(seed: int) -> None:
    problem = random_problem(seed)
    result = plan_mrp(**problem)
    assert_same(result, plan_reference(**problem))
    assert len(result.planned_orders) > 0
    assert len(result.records) == len(problem["items"]) * problem["horizon_weeks"]
    # every planned order restores the balance: projected on hand never ends a week below safety stock
    safety = problem["items"].set_index("item_code").safety_stock_qty
    rec = result.records
    assert (rec.projected_on_hand.to_numpy() >= safety.reindex(rec.item_code.astype(str)).to_numpy() - 1e-9).all()
