"""Checks the MRP input frames and turns them into one array-shaped planning problem.

Both MRP implementations (the reference loop and the vectorised engine) start from the same `Problem`, so
they cannot disagree about parsing, defaults or calendar arithmetic; they differ only in how they plan.

Quantities become integers in millionths (the store keeps quantities as NUMERIC(18, 6)), so netting and
summing are exact and independent of summation order: the engine and the reference agree to the last unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from erp.errors import FieldError, ServiceError
from erp.i18n import t

SCALE = 1_000_000
"""Quantities are held as integer millionths of a unit."""

L4L, FOQ, POQ = 0, 1, 2
LOT_RULES = {"L4L": L4L, "FOQ": FOQ, "POQ": POQ}
DEFAULT_HORIZON_WEEKS = 26
_MAX_SHOWN = 5


@dataclass(frozen=True)
class Problem:
    """A checked planning problem. Item indexes refer to ``item_codes`` (the order of the items frame)."""

    as_of: dt.date
    horizon: int
    start: np.datetime64  # the Monday that starts period 1
    item_codes: np.ndarray  # object, unique
    is_make: np.ndarray  # bool
    lead_weeks: np.ndarray  # int64, ceil(lead_time_days / 7)
    lot_rule: np.ndarray  # int8: L4L, FOQ or POQ
    lot_qty: np.ndarray  # int64 millionths (FOQ)
    lot_periods: np.ndarray  # int64 weeks (POQ)
    min_qty: np.ndarray  # int64 millionths
    multiple: np.ndarray  # int64 millionths, 0 = no rounding
    safety: np.ndarray  # int64 millionths
    on_hand: np.ndarray  # int64 millionths, summed over locations
    llc: np.ndarray  # int64 low-level code: 0 for end items, else 1 + the deepest parent's code
    bom_parent: np.ndarray  # int64 item index, BOM rows in input order
    bom_child: np.ndarray  # int64 item index
    bom_factor: np.ndarray  # float64 qty_per * (1 + scrap_pct / 100)
    dem_item: np.ndarray  # demand rows inside the horizon with a positive quantity, input order
    dem_period: np.ndarray  # int64, 0-based
    dem_qty: np.ndarray  # int64 millionths
    dem_forecast: np.ndarray  # bool
    dem_ref: np.ndarray  # object (source_ref or None)
    dem_row: np.ndarray  # int64 position in the demand frame
    sr_item: np.ndarray  # scheduled receipts inside the horizon with a positive quantity, input order
    sr_period: np.ndarray
    sr_qty: np.ndarray
    sr_ref: np.ndarray
    sr_row: np.ndarray

    @property
    def n_items(self) -> int:
        return len(self.item_codes)

    def week_start(self, period0: np.ndarray | int) -> np.ndarray:
        """The Monday that starts 0-based period ``period0`` (negative periods lie before the planning week)."""
        return self.start + np.asarray(period0, dtype=np.int64) * np.timedelta64(7, "D")


class _Codes(NamedTuple):
    """The item codes, for lookups with pandas and (faster, for text) with Arrow."""

    pandas: pd.Index
    arrow: pa.Array


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def to_date(value: object, field: str = "as_of") -> dt.date:
    """Accept a date, datetime, ISO string or pandas Timestamp."""
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise ServiceError(FieldError(field, t("Not a date: {value}", value=value)))
    return stamp.date()


def load_problem(
    items: pd.DataFrame,
    bom: pd.DataFrame | None = None,
    on_hand: pd.DataFrame | None = None,
    scheduled_receipts: pd.DataFrame | None = None,
    demand: pd.DataFrame | None = None,
    as_of: object = None,
    horizon_weeks: int = DEFAULT_HORIZON_WEEKS,
) -> Problem:
    """Validate the input frames (see `erp.planning` for their columns) and build a `Problem`.

    Every problem found is reported at once, each naming ``frame.column`` and the offending values.
    """
    as_of_date = to_date(dt.date.today() if as_of is None else as_of)
    if isinstance(horizon_weeks, bool) or not isinstance(horizon_weeks, int | np.integer) or horizon_weeks < 1:
        raise ServiceError(FieldError("horizon_weeks", t("Must be a whole number of weeks, at least 1")))
    horizon = int(horizon_weeks)
    start = np.datetime64(monday_of(as_of_date), "D")
    errors: list[FieldError] = []

    items = _with_columns(
        items,
        "items",
        ["item_code", "item_type"],
        {
            "lead_time_days": 0,
            "lot_sizing": "L4L",
            "lot_size_qty": 0,
            "lot_size_periods": 1,
            "min_order_qty": 0,
            "order_multiple": 0,
            "safety_stock_qty": 0,
        },
    )
    codes = items["item_code"].astype(object).to_numpy()
    missing = pd.isna(codes)
    if missing.any():
        errors.append(FieldError("items.item_code", t("Required: rows {rows}", rows=_rows(np.flatnonzero(missing)))))
    codes = _text(items["item_code"], "")
    index = _Codes(pd.Index(codes), pa.array(codes, type=pa.string()))
    if index.pandas.has_duplicates:
        dups = index.pandas[index.pandas.duplicated()].unique()
        errors.append(FieldError("items.item_code", t("Duplicate item codes: {codes}", codes=_show(dups))))

    item_type = pd.Series(_text(items["item_type"], "", str.lower))
    bad = ~item_type.isin(["make", "buy"]).to_numpy()
    if bad.any():
        errors.append(FieldError("items.item_type", t("Must be make or buy: {values}", values=_show(codes[bad]))))
    lot_text = pd.Series(_text(items["lot_sizing"], "L4L", str.upper))
    lot_rule = lot_text.map(LOT_RULES).to_numpy()
    bad = pd.isna(lot_rule)
    if bad.any():
        errors.append(FieldError("items.lot_sizing", t("Must be L4L, FOQ or POQ: {values}", values=_show(codes[bad]))))
    lot_rule = np.where(bad, L4L, lot_rule).astype(np.int8)

    lead_days = _whole(items["lead_time_days"], "items.lead_time_days", codes, 0, 0, errors)
    lot_periods = _whole(items["lot_size_periods"], "items.lot_size_periods", codes, 1, 1, errors)
    lot_qty = _qty(items["lot_size_qty"], "items.lot_size_qty", codes, errors, default=0)
    min_qty = _qty(items["min_order_qty"], "items.min_order_qty", codes, errors, default=0)
    multiple = _qty(items["order_multiple"], "items.order_multiple", codes, errors, default=0)
    safety = _qty(items["safety_stock_qty"], "items.safety_stock_qty", codes, errors, default=0)
    bad = (lot_rule == FOQ) & (lot_qty <= 0)
    if bad.any():
        errors.append(
            FieldError("items.lot_size_qty", t("FOQ items need a lot size above 0: {codes}", codes=_show(codes[bad])))
        )
    _raise(errors)

    n = len(codes)
    bom = _with_columns(bom, "bom", ["parent_item", "component_item", "qty_per"], {"scrap_pct": 0})
    parent = _lookup(bom["parent_item"], index, "bom.parent_item", errors)
    child = _lookup(bom["component_item"], index, "bom.component_item", errors)
    bom_rows = None
    qty_per = _number(bom["qty_per"], "bom.qty_per", bom_rows, errors, default=None)
    scrap = _number(bom["scrap_pct"], "bom.scrap_pct", bom_rows, errors, default=0.0)
    if (qty_per <= 0).any():
        errors.append(
            FieldError("bom.qty_per", t("Must be above 0: rows {rows}", rows=_rows(np.flatnonzero(qty_per <= 0))))
        )
    if (scrap < 0).any():
        errors.append(
            FieldError("bom.scrap_pct", t("Must not be negative: rows {rows}", rows=_rows(np.flatnonzero(scrap < 0))))
        )
    self_loop = (parent == child) & (parent >= 0)
    if self_loop.any():
        errors.append(
            FieldError(
                "bom.component_item",
                t("An item cannot be its own component: {codes}", codes=_show(codes[parent[self_loop]])),
            )
        )
    _raise(errors)
    factor = qty_per * (1.0 + scrap / 100.0)
    llc = low_level_codes(n, parent, child, codes)

    on_hand = _with_columns(on_hand, "on_hand", ["item_code", "quantity"], {})
    oh_item = _lookup(on_hand["item_code"], index, "on_hand.item_code", errors)
    oh_qty = _qty(on_hand["quantity"], "on_hand.quantity", None, errors, negative=True)
    _raise(errors)
    on_hand_total = np.zeros(n, dtype=np.int64)
    np.add.at(on_hand_total, oh_item, oh_qty)

    receipts = _with_columns(
        scheduled_receipts, "scheduled_receipts", ["item_code", "due_date", "quantity"], {"order_ref": None}
    )
    sr = _dated_rows(receipts, "scheduled_receipts", index, start, horizon, errors)
    demand = _with_columns(
        demand, "demand", ["item_code", "due_date", "quantity"], {"demand_type": "order", "source_ref": None}
    )
    dem = _dated_rows(demand, "demand", index, start, horizon, errors)
    dtype_text = pd.Series(_text(demand["demand_type"], "order", str.lower))
    bad = ~dtype_text.isin(["order", "forecast"]).to_numpy()
    if bad.any():
        errors.append(
            FieldError(
                "demand.demand_type", t("Must be order or forecast: rows {rows}", rows=_rows(np.flatnonzero(bad)))
            )
        )
    _raise(errors)
    forecast = (dtype_text == "forecast").to_numpy()

    return Problem(
        as_of=as_of_date,
        horizon=horizon,
        start=start,
        item_codes=codes,
        is_make=(item_type == "make").to_numpy(),
        lead_weeks=-(-lead_days // 7),
        lot_rule=lot_rule,
        lot_qty=lot_qty,
        lot_periods=lot_periods,
        min_qty=min_qty,
        multiple=multiple,
        safety=safety,
        on_hand=on_hand_total,
        llc=llc,
        bom_parent=parent,
        bom_child=child,
        bom_factor=factor.astype(np.float64),
        dem_item=dem["item"],
        dem_period=dem["period"],
        dem_qty=dem["qty"],
        dem_forecast=forecast[dem["row"]],
        dem_ref=_refs(demand["source_ref"], dem["row"]),
        dem_row=dem["row"],
        sr_item=sr["item"],
        sr_period=sr["period"],
        sr_qty=sr["qty"],
        sr_ref=_refs(receipts["order_ref"], sr["row"]),
        sr_row=sr["row"],
    )


def low_level_codes(n: int, parent: np.ndarray, child: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Low-level code of each item, level by level from the end items; refuses a BOM with a cycle.

    An item becomes ready once all its parents are coded, so its code is one more than its deepest parent's.
    """
    llc = np.zeros(n, dtype=np.int64)
    if len(parent) == 0:
        return llc
    order = np.argsort(parent, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(parent, minlength=n), out=ptr[1:])
    children = child[order]
    waiting = np.bincount(child, minlength=n)
    frontier = np.flatnonzero(waiting == 0)
    done = len(frontier)
    level = 0
    while len(frontier):
        level += 1
        edges = ranges(ptr[frontier], ptr[frontier + 1] - ptr[frontier])
        if not len(edges):
            break
        kids = children[edges]
        np.subtract.at(waiting, kids, 1)
        frontier = np.unique(kids[waiting[kids] == 0])
        llc[frontier] = level
        done += len(frontier)
    if done < n:
        stuck = np.flatnonzero(waiting > 0)
        raise ServiceError(
            FieldError("bom.component_item", t("The BOM has a cycle through items: {codes}", codes=_show(codes[stuck])))
        )
    return llc


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(start, start + count)`` for every (start, count) pair, without a Python loop."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.asarray(starts, dtype=np.int64) - np.cumsum(counts) + counts, counts)
    return offsets + np.arange(total, dtype=np.int64)


def _with_columns(frame: pd.DataFrame | None, name: str, required: Sequence[str], defaults: dict) -> pd.DataFrame:
    if frame is None:
        frame = pd.DataFrame({c: [] for c in required})
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ServiceError(
            [FieldError(f"{name}.{c}", t("Missing column {column} in {frame}", column=c, frame=name)) for c in missing]
        )
    frame = frame.reset_index(drop=True)
    extra = {c: v for c, v in defaults.items() if c not in frame.columns}
    if extra:
        frame = frame.assign(**{c: [v] * len(frame) for c, v in extra.items()})
    return frame


def _number(
    series: pd.Series, field: str, labels: np.ndarray | None, errors: list[FieldError], default: float | None
) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        values = pd.to_numeric(series.astype(object), errors="coerce").astype("float64").to_numpy()
    blank = pd.isna(series).to_numpy()
    if default is not None:
        values = np.where(blank, default, values)
    bad = np.isnan(values) | np.isinf(values)
    if bad.any():
        errors.append(FieldError(field, t("Not a number: {values}", values=_which(labels, bad))))
        values = np.where(bad, 0.0, values)
    return values


def _qty(
    series: pd.Series,
    field: str,
    labels: np.ndarray | None,
    errors: list[FieldError],
    default: float | None = None,
    negative: bool = False,
) -> np.ndarray:
    values = _number(series, field, labels, errors, default)
    if not negative and (values < 0).any():
        errors.append(FieldError(field, t("Must not be negative: {values}", values=_which(labels, values < 0))))
    if (np.abs(values) >= 1e12).any():
        errors.append(FieldError(field, t("Too large: {values}", values=_which(labels, np.abs(values) >= 1e12))))
        values = np.where(np.abs(values) >= 1e12, 0.0, values)
    return np.rint(values * SCALE).astype(np.int64)


def _whole(
    series: pd.Series, field: str, labels: np.ndarray | None, default: int, low: int, errors: list[FieldError]
) -> np.ndarray:
    values = _number(series, field, labels, errors, float(default))
    bad = (values != np.floor(values)) | (values < low)
    if bad.any():
        errors.append(
            FieldError(
                field, t("Must be a whole number, at least {low}: {values}", low=low, values=_which(labels, bad))
            )
        )
        values = np.where(bad, default, values)
    return values.astype(np.int64)


def _lookup(series: pd.Series, index: _Codes, field: str, errors: list[FieldError]) -> np.ndarray:
    """Item index of each code (-1 and an error when unknown); exact text first, trimmed text as fallback."""
    try:
        keys = pa.array(series, type=pa.string(), from_pandas=True)
        found = pc.index_in(keys, value_set=index.arrow).fill_null(-1).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text: compare as text below
        found = np.full(len(series), -1)
    if (found < 0).any():
        keys = _text(series, "")
        found = index.pandas.get_indexer(keys)
        if (found < 0).any():
            unknown = pd.unique(keys[found < 0])
            errors.append(FieldError(field, t("Unknown item codes: {codes}", codes=_show(unknown))))
    return found.astype(np.int64)


def _dated_rows(
    frame: pd.DataFrame, name: str, index: _Codes, start: np.datetime64, horizon: int, errors: list[FieldError]
) -> dict[str, np.ndarray]:
    """Item, 0-based period and quantity of rows inside the horizon; earlier dates fall into period 1."""
    rows = np.arange(len(frame))
    item = _lookup(frame["item_code"], index, f"{name}.item_code", errors)
    qty = _qty(frame["quantity"], f"{name}.quantity", None, errors)
    dates = pd.to_datetime(frame["due_date"], errors="coerce")
    blank = pd.isna(dates).to_numpy()
    if blank.any():
        errors.append(FieldError(f"{name}.due_date", t("Not a date: rows {rows}", rows=_rows(np.flatnonzero(blank)))))
        return {k: np.zeros(0, dtype=np.int64) for k in ("item", "period", "qty", "row")}
    days = (dates.to_numpy().astype("datetime64[D]") - start).astype(np.int64)
    period = np.maximum(days // 7, 0)
    keep = (period < horizon) & (qty > 0) & (item >= 0)
    return {"item": item[keep], "period": period[keep], "qty": qty[keep], "row": rows[keep].astype(np.int64)}


def _text(series: pd.Series, default: str, case: Callable[[str], str] | None = None) -> np.ndarray:
    """Cells as trimmed text (optionally case-folded), empty cells as ``default``; distinct values are
    cleaned once, so a million rows with three distinct values cost three string operations."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    cleaned = [str(u).strip() for u in np.asarray(uniques, dtype=object)]
    if case is not None:
        cleaned = [case(c) for c in cleaned]
    return np.array([*cleaned, default], dtype=object)[codes]


def _refs(series: pd.Series, rows: np.ndarray) -> np.ndarray:
    values = series.iloc[rows].astype("string").astype(object).to_numpy().copy()
    values[pd.isna(values)] = None
    return values


def _which(labels: np.ndarray | None, bad: np.ndarray) -> str:
    """The offending item codes, or the offending 1-based row numbers when rows have no code."""
    if labels is None:
        return t("rows {rows}", rows=_rows(np.flatnonzero(bad)))
    return _show(labels[bad])


def _rows(positions: np.ndarray) -> str:
    return _show(np.asarray(positions) + 1)


def _show(values: np.ndarray | Sequence) -> str:
    values = list(values)
    shown = ", ".join(str(v) for v in values[:_MAX_SHOWN])
    return shown + (t(" and {n} more", n=len(values) - _MAX_SHOWN) if len(values) > _MAX_SHOWN else "")


def _raise(errors: list[FieldError]) -> None:
    if errors:
        raise ServiceError(errors)
