"""Synthetic planning problems for benchmarks and property tests (seeded, reproducible).

Items sit on ``depth`` BOM levels; every component has a parent one level up (so the BOM really is ``depth``
deep) and about a third also have parents further up, so components are shared across levels and must be
planned after all of them. Lot sizing is a mix of L4L, FOQ and POQ with minimums, multiples, safety stock,
scrap, past-due and future scheduled receipts, sales orders and forecasts (some in the same weeks).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

AS_OF = dt.date(2026, 1, 5)


def synthetic_problem(
    n_items: int = 100_000, depth: int = 8, horizon_weeks: int = 52, seed: int = 0, as_of: dt.date = AS_OF
) -> dict[str, object]:
    """Input frames and settings, ready for ``plan_mrp(**problem)``."""
    rng = np.random.default_rng(seed)
    n = int(n_items)
    depth = max(1, min(depth, n))
    # level sizes: a smaller set of end items, components spread over the deeper levels
    weights = np.r_[0.6, np.ones(depth - 1)] if depth > 1 else np.ones(1)
    sizes = np.maximum(1, np.floor(weights / weights.sum() * n).astype(np.int64))
    sizes[-1] += n - sizes.sum()
    level = np.repeat(np.arange(depth), sizes)
    starts = np.r_[0, np.cumsum(sizes)]
    codes = np.array([f"I{i:07d}" for i in range(n)], dtype=object)

    def pick(levels: np.ndarray) -> np.ndarray:
        """A random item on each given level."""
        return starts[levels] + (rng.random(len(levels)) * sizes[levels]).astype(np.int64)

    # BOM: a parent one level up for every component, a second one there for half, and one further up for a third.
    child = np.flatnonzero(level > 0)
    parents = [pick(level[child] - 1)]
    children = [child]
    half = child[rng.random(len(child)) < 0.5]
    parents.append(pick(level[half] - 1))
    children.append(half)
    deep = child[(level[child] >= 2) & (rng.random(len(child)) < 0.35)]
    parents.append(pick((rng.random(len(deep)) * (level[deep] - 1)).astype(np.int64)))
    children.append(deep)
    edges = pd.DataFrame({"p": np.concatenate(parents), "c": np.concatenate(children)}).drop_duplicates()
    n_edges = len(edges)
    qty_per = rng.choice([1.0, 1.0, 1.0, 2.0, 3.0, 4.0, 0.5, 0.25], n_edges)
    scrap = np.where(rng.random(n_edges) < 0.2, rng.choice([1.0, 2.0, 5.0], n_edges), 0.0)
    bom = pd.DataFrame(
        {
            "parent_item": codes[edges["p"].to_numpy()],
            "component_item": codes[edges["c"].to_numpy()],
            "qty_per": qty_per,
            "scrap_pct": scrap,
        }
    )
    has_components = np.zeros(n, dtype=bool)
    has_components[edges["p"].to_numpy()] = True

    rule = rng.choice(np.array(["L4L", "FOQ", "POQ"], dtype=object), n, p=[0.5, 0.25, 0.25])
    items = pd.DataFrame(
        {
            "item_code": codes,
            "item_type": np.where(has_components, "make", "buy"),
            "lead_time_days": rng.choice([0, 3, 7, 7, 10, 14, 21, 28], n),
            "lot_sizing": rule,
            "lot_size_qty": np.where(rule == "FOQ", rng.choice([10.0, 25.0, 50.0, 100.0, 250.0], n), 0.0),
            "lot_size_periods": np.where(rule == "POQ", rng.integers(2, 5, n), 1),
            "min_order_qty": np.where(rng.random(n) < 0.2, rng.choice([5.0, 20.0, 60.0], n), 0.0),
            "order_multiple": np.where(rng.random(n) < 0.2, rng.choice([2.0, 5.0, 12.0], n), 0.0),
            "safety_stock_qty": np.where(rng.random(n) < 0.3, rng.choice([5.0, 10.0, 40.0], n), 0.0),
        }
    )
    on_hand = pd.DataFrame({"item_code": codes, "quantity": rng.integers(0, 120, n).astype(float)})

    start = np.datetime64(as_of, "D")
    days = lambda k: rng.integers(-10, 7 * horizon_weeks + 10, k).astype("timedelta64[D]")  # noqa: E731
    # demand: sales orders for end items and some service parts, weekly forecasts for some end items
    ends = np.flatnonzero(level == 0)
    spares = np.flatnonzero((level > 0) & (rng.random(n) < 0.03))
    order_items = np.concatenate([np.repeat(ends, 6), np.repeat(spares, 2)])
    fc_items = ends[rng.random(len(ends)) < 0.3]
    fc_weeks = np.arange(0, horizon_weeks, 2)
    fc_item = np.repeat(fc_items, len(fc_weeks))
    demand = pd.DataFrame(
        {
            "item_code": codes[np.concatenate([order_items, fc_item])],
            "due_date": np.concatenate(
                [start + days(len(order_items)), start + np.tile(fc_weeks * 7, len(fc_items)).astype("timedelta64[D]")]
            ),
            "quantity": np.concatenate(
                [rng.integers(1, 40, len(order_items)), rng.integers(5, 30, len(fc_item))]
            ).astype(float),
            "demand_type": np.r_[np.full(len(order_items), "order"), np.full(len(fc_item), "forecast")].astype(object),
        }
    )
    demand["source_ref"] = np.where(demand["demand_type"] == "order", "SO-", "FC-") + np.arange(len(demand)).astype(str)

    sr_items = np.flatnonzero(rng.random(n) < 0.2)
    sr_items = np.concatenate([sr_items, sr_items[rng.random(len(sr_items)) < 0.3]])
    receipts = pd.DataFrame(
        {
            "item_code": codes[sr_items],
            "due_date": start + rng.integers(-14, 70, len(sr_items)).astype("timedelta64[D]"),
            "quantity": rng.integers(10, 200, len(sr_items)).astype(float),
        }
    )
    receipts["order_ref"] = "PO-" + pd.Series(np.arange(len(receipts))).astype(str)
    return {
        "items": items,
        "bom": bom,
        "on_hand": on_hand,
        "scheduled_receipts": receipts,
        "demand": demand,
        "as_of": as_of,
        "horizon_weeks": horizon_weeks,
    }
