"""The compiled MRP engine against the reference loop on the corners the random problems of test_mrp.py rarely
reach: items with no demand, a level holding one item, POQ windows cut by the horizon or longer than it, lead
times beyond the horizon (releases piled into period 1), lot size + minimum + multiple together, negative on
hand, forecasts consumed row by row, receipts sharing a week."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from erp.planning import plan_mrp, plan_reference
from erp.planning.engine import Grids, engine_plan
from erp.planning.problem import load_problem
from erp.planning.synthetic import synthetic_problem
from erp.planning.tables import plan_tables
from tests.test_mrp import AS_OF, assert_same, dem, item, orders, plan, random_problem, record, sr, week


def bom(parent: str, child: str, qty_per: float, scrap_pct: float = 0) -> dict:
    return {"parent_item": parent, "component_item": child, "qty_per": qty_per, "scrap_pct": scrap_pct}


def test_corner_cases_match_the_reference() -> None:
    horizon = 6
    result = plan(
        [
            item("TOP", "make", lead_time_days=70, lot_sizing="L4L"),  # 10 weeks > horizon: every release in period 1
            item("MID", "make", lead_time_days=7, lot_sizing="POQ", lot_size_periods=4),  # alone on level 1
            item("LOW", lead_time_days=7, lot_sizing="FOQ", lot_size_qty=30, min_order_qty=100, order_multiple=40),
            item("IDLE"),  # no demand, no BOM, nothing on hand
            item("END", lot_sizing="POQ", lot_size_periods=4),  # its last window is cut by the horizon
            item("LONG", lot_sizing="POQ", lot_size_periods=10, safety_stock_qty=3),  # window longer than the horizon
            item("NEG", safety_stock_qty=2),  # negative on hand
            item("FC"),
            item("SR", lot_sizing="FOQ", lot_size_qty=7),
        ],
        bom=[bom("TOP", "MID", 0.3), bom("MID", "LOW", 1.5, 10)],
        on_hand=[("NEG", -4), ("SR", 5)],
        receipts=[sr("SR", 2, 6, "PO-2"), sr("SR", 2, 4, "PO-1"), sr("SR", 0, 3, "PO-OLD"), sr("SR", 5, 9, "PO-5")],
        demand=[
            dem("TOP", 2, 7),
            dem("TOP", 4, 9),
            dem("TOP", 6, 1.5),
            dem("END", 1, 5),
            dem("END", 5, 8),
            dem("END", 6, 2),
            dem("LONG", 2, 4),
            dem("LONG", 6, 6),
            dem("FC", 3, 10, "forecast", "FC-a"),
            dem("FC", 3, 15, "forecast", "FC-b"),
            dem("FC", 3, 12, "order", "SO-1"),
            dem("SR", 3, 20),
            dem("SR", 6, 4),
        ],
        horizon_weeks=horizon,
    )
    assert orders(result, "IDLE") == []
    # three releases piled into period 1, pushed to MID as one rounded sum
    assert record(result, "TOP", "planned_releases") == [17.5, 0, 0, 0, 0, 0]
    assert record(result, "MID", "dependent")[0] == 5.25
    # FOQ 30 -> minimum 100 -> multiple of 40
    assert {o[3] for o in orders(result, "LOW")} == {120.0}
    assert orders(result, "END") == [("END", week(1), week(1), 5.0), ("END", week(5), week(5), 10.0)]
    assert orders(result, "LONG") == [("LONG", week(1), week(1), 13.0)]
    peg = result.pegging
    assert peg[peg.item_code == "FC"][["source_ref", "quantity"]].values.tolist() == [["SO-1", 12.0], ["FC-b", 13.0]]


def test_a_problem_without_items_plans_nothing() -> None:
    kwargs = {"items": pd.DataFrame(columns=["item_code", "item_type"]), "as_of": AS_OF, "horizon_weeks": 4}
    result = plan_mrp(**kwargs)
    assert_same(result, plan_reference(**kwargs))
    assert len(result.planned_orders) == len(result.records) == len(result.pegging) == 0


@pytest.mark.parametrize("seed", range(6))
def test_engine_matches_reference_with_extreme_settings(seed: int) -> None:
    """Random problems with POQ windows up to twice the horizon, lead times up to beyond it, short horizons and
    negative stock."""
    problem = random_problem(100 + seed)
    rng = np.random.default_rng(seed)
    horizon = int(rng.choice([1, 2, 3, problem["horizon_weeks"]]))
    problem["horizon_weeks"] = horizon
    items = problem["items"]
    poq = items.lot_sizing == "POQ"
    items.loc[poq, "lot_size_periods"] = rng.integers(1, 2 * horizon + 2, int(poq.sum()))
    items["lead_time_days"] = rng.integers(0, 7 * (horizon + 2), len(items))
    on_hand = problem["on_hand"]
    on_hand["quantity"] = on_hand["quantity"] - rng.integers(0, 60, len(on_hand))
    assert_same(plan_mrp(**problem), plan_reference(**problem))


def test_grids_made_ahead_plan_as_fresh_ones() -> None:
    """`Grids` (made on a thread while the inputs are checked) give the same plan; grids of another size are not
    used, and a set is handed out once."""
    problem = load_problem(**synthetic_problem(500, depth=4, horizon_weeks=10, seed=4))
    expected = plan_tables(problem, engine_plan(problem))
    ahead = Grids(problem.n_items, problem.horizon)
    assert all(t.equals(expected[n]) for n, t in plan_tables(problem, engine_plan(problem, ahead)).items())
    again = ahead.take((problem.horizon, problem.n_items))  # handed out already: a fresh, zeroed set
    assert not any(grid.any() for grid in again.values())
    wrong = Grids(problem.n_items + 1, problem.horizon)
    assert all(t.equals(expected[n]) for n, t in plan_tables(problem, engine_plan(problem, wrong)).items())
