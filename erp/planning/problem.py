"""Checks the MRP input frames and turns them into one array-shaped planning problem.

Both MRP implementations (the reference loop and the compiled engine) start from the same `Problem`, so
they cannot disagree about parsing, defaults or calendar arithmetic; they differ only in how they plan.

Quantities become integers in millionths (the store keeps quantities as NUMERIC(18, 6)), so netting and
summing are exact and independent of summation order: the engine and the reference agree to the last unit.

The inputs may be pandas DataFrames or Arrow tables; either way the checks run on Arrow columns, so the
warehouse (which reads its inputs as Arrow) never imports pandas: importing it costs more than planning
10,000 items.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

import numpy as np
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
    dem_ref: pa.Array  # text (source_ref or null): Arrow, as Python strings only where the frames need them
    dem_row: np.ndarray  # int64 position in the demand frame
    sr_item: np.ndarray  # scheduled receipts inside the horizon with a positive quantity, input order
    sr_period: np.ndarray
    sr_qty: np.ndarray
    sr_ref: pa.Array  # text (order_ref or null)
    sr_row: np.ndarray

    @property
    def n_items(self) -> int:
        return len(self.item_codes)

    def week_start(self, period0: np.ndarray | int) -> np.ndarray:
        """The Monday that starts 0-based period ``period0`` (negative periods lie before the planning week)."""
        return self.start + np.asarray(period0, dtype=np.int64) * np.timedelta64(7, "D")


Frame = Any  # a pandas DataFrame or a pyarrow Table


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def horizon_error() -> ServiceError:
    """The horizon is not a whole number of weeks of at least 1."""
    return ServiceError(FieldError("horizon_weeks", t("Must be a whole number of weeks, at least 1")))


def to_date(value: object, field: str = "as_of") -> dt.date:
    """Accept a date, datetime, ISO string or pandas Timestamp."""
    day = _parse_date(value)
    if day is None:
        raise ServiceError(FieldError(field, t("Not a date: {value}", value=value)))
    return day


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None if value != value else value.date()  # NaT compares unequal to itself
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10]) if len(value.strip()) == 10 else None
        except ValueError:
            pass
    if value is None or isinstance(value, bool):
        return None
    import pandas as pd  # other spellings and types, as pandas reads them (rare: not on the warehouse path)

    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return None if pd.isna(stamp) else stamp.date()


def load_problem(
    items: Frame,
    bom: Frame | None = None,
    on_hand: Frame | None = None,
    scheduled_receipts: Frame | None = None,
    demand: Frame | None = None,
    as_of: object = None,
    horizon_weeks: int = DEFAULT_HORIZON_WEEKS,
) -> Problem:
    """Validate the input frames (see `erp.planning` for their columns) and build a `Problem`.

    Every problem found is reported at once, each naming ``frame.column`` and the offending values.
    """
    as_of_date = to_date(dt.date.today() if as_of is None else as_of)
    if isinstance(horizon_weeks, bool) or not isinstance(horizon_weeks, int | np.integer) or horizon_weeks < 1:
        raise horizon_error()
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
            "item_id": None,
        },
    )
    missing = _blank(items["item_code"])
    if missing.any():
        errors.append(FieldError("items.item_code", t("Required: rows {rows}", rows=_rows(np.flatnonzero(missing)))))
    codes = _text(items["item_code"], "")
    index = _Codes(codes, _item_ids(items["item_id"], codes, errors))
    if index.distinct() < len(codes):
        seen: set[str] = set()
        dups = list(dict.fromkeys(c for c in codes if c in seen or seen.add(c)))
        errors.append(FieldError("items.item_code", t("Duplicate item codes: {codes}", codes=_show(dups))))

    item_type = _text_map(items["item_type"], "", str.lower, {"make": 1, "buy": 0})
    bad = item_type < 0
    if bad.any():
        errors.append(FieldError("items.item_type", t("Must be make or buy: {values}", values=_show(codes[bad]))))
    lot_rule = _text_map(items["lot_sizing"], "L4L", str.upper, LOT_RULES)
    bad = lot_rule < 0
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
    on_hand = _with_columns(on_hand, "on_hand", ["item_code", "quantity"], {})
    receipts = _with_columns(
        scheduled_receipts, "scheduled_receipts", ["item_code", "due_date", "quantity"], {"order_ref": None}
    )
    demand = _with_columns(
        demand, "demand", ["item_code", "due_date", "quantity"], {"demand_type": "order", "source_ref": None}
    )
    index.look_up(
        bom["parent_item"], bom["component_item"], on_hand["item_code"], receipts["item_code"], demand["item_code"]
    )
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

    oh_item = _lookup(on_hand["item_code"], index, "on_hand.item_code", errors)
    oh_qty = _qty(on_hand["quantity"], "on_hand.quantity", None, errors, negative=True)
    _raise(errors)
    on_hand_total = np.zeros(n, dtype=np.int64)
    np.add.at(on_hand_total, oh_item, oh_qty)

    sr = _dated_rows(receipts, "scheduled_receipts", index, start, horizon, errors)
    dem = _dated_rows(demand, "demand", index, start, horizon, errors)
    dtype_code = _text_map(demand["demand_type"], "order", str.lower, {"order": 0, "forecast": 1})
    bad = dtype_code < 0
    if bad.any():
        errors.append(
            FieldError(
                "demand.demand_type", t("Must be order or forecast: rows {rows}", rows=_rows(np.flatnonzero(bad)))
            )
        )
    _raise(errors)
    forecast = dtype_code == 1

    return Problem(
        as_of=as_of_date,
        horizon=horizon,
        start=start,
        item_codes=codes,
        is_make=item_type == 1,
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


def _item_ids(values: pa.Array, codes: np.ndarray, errors: list[FieldError]) -> np.ndarray | None:
    """The items' ``item_id`` (None when the items frame has none): whole numbers from 1, each item its own."""
    if pa.types.is_null(values.type):
        return None
    ids = _whole(values, "items.item_id", codes, 0, 1, errors)
    ordered = np.sort(ids)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if len(repeated):
        errors.append(FieldError("items.item_id", t("Duplicate item ids: {ids}", ids=_show(np.unique(repeated)))))
    return ids


class _Codes:
    """The item codes, for lookups: as an Arrow array (hash lookups of whole columns) and a dict (the rest); and
    the items' ids, when they have them (indexed by id, for lookups of whole integer columns)."""

    def __init__(self, codes: np.ndarray, ids: np.ndarray | None = None) -> None:
        self.codes = codes
        self.arrow = pa.array(codes, type=pa.string())
        self.ids = ids
        if ids is not None:  # item index by id: a dense array when ids run about 1..n (the store's), else sorted
            top = int(ids.max()) if len(ids) else 0
            self._dense = np.full(top + 1, -1, dtype=np.int64) if top <= 4 * len(ids) + 1024 else None
            if self._dense is not None:
                self._dense[ids] = np.arange(len(ids))
            else:
                self._id_order = np.argsort(ids, kind="stable")
                self._sorted_ids = ids[self._id_order]
        self._found: dict[int, tuple[pa.Array, np.ndarray]] = {}

    def names_by_id(self, values: pa.Array) -> bool:
        """Whether ``values`` name items by item_id: integers, when the items have ids."""
        return self.ids is not None and pa.types.is_integer(values.type)

    def look_up(self, *columns: pa.Array) -> None:
        """Item index of every code of the text ``columns`` (-1: not found), in one pass: Arrow builds its hash
        table of the item codes once per call, which cost more than the lookups (0.15 s against 0.07 s for the
        five input columns at 100,000 items); and of every id of the integer ones (see `names_by_id`: a gather, or
        a binary search when the ids are sparse; a tenth of that). `found` returns them."""
        for column in columns:
            if self.names_by_id(column):
                self._found[id(column)] = (column, self._by_id(column.fill_null(-1).to_numpy(zero_copy_only=False)))
        text = [c for c in columns if _is_text(c) and len(c)]
        if not text:
            return
        found = pc.index_in(pa.chunked_array([c.cast(pa.string()) for c in text]), value_set=self.arrow)
        found = found.fill_null(-1).to_numpy().astype(np.int64)
        start = 0
        for column in text:
            self._found[id(column)] = (column, found[start : start + len(column)])
            start += len(column)

    def found(self, column: pa.Array) -> np.ndarray | None:
        """What `look_up` found for ``column`` (None if it was not looked up)."""
        kept = self._found.get(id(column))
        return kept[1] if kept is not None and kept[0] is column else None

    def _by_id(self, wanted: np.ndarray) -> np.ndarray:
        """Item index of each id (-1: not found)."""
        wanted = wanted.astype(np.int64, copy=False)
        if self._dense is not None:
            inside = (wanted >= 0) & (wanted < len(self._dense))
            return np.where(inside, self._dense[np.where(inside, wanted, 0)], -1)
        if not len(self._sorted_ids):
            return np.full(len(wanted), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._sorted_ids, wanted), len(self._sorted_ids) - 1)
        return np.where(self._sorted_ids[at] == wanted, self._id_order[at], -1)

    @functools.cached_property
    def position(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.codes)}

    def distinct(self) -> int:
        """How many different codes there are (Arrow's ``unique`` takes half the time of ``count_distinct``)."""
        return len(pc.unique(self.arrow))


def _arrow_table(frame: Frame) -> pa.Table:
    """A pandas DataFrame as an Arrow table, column by column: a column Arrow cannot type (mixed values) becomes
    text, so that the checks below can name its bad cells."""
    if isinstance(frame, pa.Table):
        return frame
    columns = {}
    for name in frame.columns:
        series = frame[name]
        try:
            columns[str(name)] = pa.array(series, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            columns[str(name)] = pa.array(
                [None if v is None or v != v else str(v) for v in series.astype(object)], type=pa.string()
            )
    return pa.table(columns) if columns else pa.table({}).slice(0, 0)


def _with_columns(frame: Frame | None, name: str, required: Sequence[str], defaults: dict) -> dict[str, pa.Array]:
    """The frame's columns as Arrow arrays; a missing optional column is all empty (its default applies)."""
    table = pa.table({c: pa.array([], type=pa.null()) for c in required}) if frame is None else _arrow_table(frame)
    missing = [c for c in required if c not in table.column_names]
    if missing:
        raise ServiceError(
            [FieldError(f"{name}.{c}", t("Missing column {column} in {frame}", column=c, frame=name)) for c in missing]
        )
    rows = table.num_rows
    columns: dict[str, pa.Array] = {}
    for column in [*required, *defaults]:
        if column not in table.column_names:
            columns[column] = pa.nulls(rows)
            continue
        values = table[column].combine_chunks() if isinstance(table[column], pa.ChunkedArray) else table[column]
        if pa.types.is_dictionary(values.type):
            values = values.cast(values.type.value_type)
        columns[column] = values
    return columns


def _blank(values: pa.Array) -> np.ndarray:
    """Empty cells: nulls, and NaN in floating-point columns."""
    blank = values.is_null(nan_is_null=True) if pa.types.is_floating(values.type) else values.is_null()
    return blank.to_numpy(zero_copy_only=False)


def _is_text(values: pa.Array) -> bool:
    return pa.types.is_string(values.type) or pa.types.is_large_string(values.type)


def _distinct(values: pa.Array) -> tuple[np.ndarray, list[object]]:
    """Row -> position in the list of distinct non-empty values (-1 for empty cells), and that list."""
    if pa.types.is_null(values.type):
        return np.full(len(values), -1, dtype=np.int64), []
    encoded = pc.dictionary_encode(values)
    indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    uniques = encoded.dictionary.to_pylist()
    if pa.types.is_floating(values.type):
        nan = [i for i, u in enumerate(uniques) if u != u]
        if nan:
            indices[np.isin(indices, nan)] = -1
    return indices, uniques


def _text(values: pa.Array, default: str, case: Callable[[str], str] | None = None) -> np.ndarray:
    """Cells as trimmed text (optionally case-folded), empty cells as ``default``; distinct values are
    cleaned once, so a million rows with three distinct values cost three string operations."""
    if case is None and _is_text(values):  # e.g. item codes: mostly distinct, trimmed by Arrow
        return pc.fill_null(pc.utf8_trim_whitespace(values), default).to_numpy(zero_copy_only=False)
    indices, uniques = _distinct(values)
    cleaned = [_plain(u).strip() for u in uniques]
    if case is not None:
        cleaned = [case(c) for c in cleaned]
    return np.array([*cleaned, default], dtype=object)[indices]


def _plain(value: object) -> str:
    """A cell as text, as pandas would print it (1.0 for a float 1, 2026-01-05 for a date)."""
    return str(value)


def _text_map(values: pa.Array, default: str, case: Callable[[str], str], known: dict[str, int]) -> np.ndarray:
    """Each cell's trimmed, case-folded text looked up in ``known`` (-1 where it is not there)."""
    indices, uniques = _distinct(values)
    mapped = [known.get(case(_plain(u).strip()), -1) for u in uniques]
    return np.array([*mapped, known.get(case(default), -1)], dtype=np.int64)[indices]


def _number(
    values: pa.Array, field: str, labels: np.ndarray | None, errors: list[FieldError], default: float | None
) -> np.ndarray:
    kind = values.type
    if any(check(kind) for check in (pa.types.is_integer, pa.types.is_floating, pa.types.is_decimal)):
        numbers = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)  # empty cells become NaN
    elif pa.types.is_boolean(kind):
        numbers = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
    else:  # text or anything else: parse each distinct value once; what is not a number becomes NaN
        indices, uniques = _distinct(values)
        parsed = np.array([*(_to_float(u) for u in uniques), np.nan], dtype=np.float64)
        numbers = parsed[indices]
    blank = _blank(values)
    if default is not None:
        numbers = np.where(blank, default, numbers)
    bad = np.isnan(numbers) | np.isinf(numbers)
    if bad.any():
        errors.append(FieldError(field, t("Not a number: {values}", values=_which(labels, bad))))
        numbers = np.where(bad, 0.0, numbers)
    return numbers


def _to_float(value: object) -> float:
    if isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).strip()) if not isinstance(value, int | float) else float(value)
    except ValueError:
        return np.nan


def _qty(
    values: pa.Array,
    field: str,
    labels: np.ndarray | None,
    errors: list[FieldError],
    default: float | None = None,
    negative: bool = False,
) -> np.ndarray:
    numbers = _number(values, field, labels, errors, default)
    if not negative and (numbers < 0).any():
        errors.append(FieldError(field, t("Must not be negative: {values}", values=_which(labels, numbers < 0))))
    if (np.abs(numbers) >= 1e12).any():
        errors.append(FieldError(field, t("Too large: {values}", values=_which(labels, np.abs(numbers) >= 1e12))))
        numbers = np.where(np.abs(numbers) >= 1e12, 0.0, numbers)
    return np.rint(numbers * SCALE).astype(np.int64)


def _whole(
    values: pa.Array, field: str, labels: np.ndarray | None, default: int, low: int, errors: list[FieldError]
) -> np.ndarray:
    numbers = _number(values, field, labels, errors, float(default))
    bad = (numbers != np.floor(numbers)) | (numbers < low)
    if bad.any():
        errors.append(
            FieldError(
                field, t("Must be a whole number, at least {low}: {values}", low=low, values=_which(labels, bad))
            )
        )
        numbers = np.where(bad, default, numbers)
    return numbers.astype(np.int64)


def _lookup(values: pa.Array, index: _Codes, field: str, errors: list[FieldError]) -> np.ndarray:
    """Item index of each code (-1 and an error when unknown); exact text first, trimmed text as fallback; or
    of each item_id (see `_Codes.names_by_id`)."""
    if index.names_by_id(values):
        found = index.found(values)
        if found is None:
            index.look_up(values)
            found = index.found(values)
    elif _is_text(values):
        found = index.found(values)
        if found is None:
            found = (
                pc.index_in(values.cast(pa.string()), value_set=index.arrow)
                .fill_null(-1)
                .to_numpy(zero_copy_only=False)
            )
    else:
        found = np.full(len(values), -1)
    if (found < 0).any():
        keys = _text(values, "")
        found = np.array([index.position.get(k, -1) for k in keys], dtype=np.int64)
        if (found < 0).any():
            unknown = list(dict.fromkeys(keys[found < 0]))
            errors.append(FieldError(field, t("Unknown item codes: {codes}", codes=_show(unknown))))
    return found.astype(np.int64)


_EPOCH = np.datetime64("1970-01-01", "D")


def _days(values: pa.Array) -> np.ndarray:
    """Dates as days since 1970-01-01 (float, NaN where empty or not a date): date and timestamp columns
    directly, text and other values parsed once per distinct value."""
    kind = values.type
    if pa.types.is_timestamp(kind):
        if kind.tz is not None:
            values = pc.local_timestamp(values)
        values = pc.cast(pc.floor_temporal(values, unit="day"), pa.timestamp("s")).cast(pa.int64())
        days = pc.divide(values, 86_400).to_numpy(zero_copy_only=False)
        return np.where(_blank(values), np.nan, days.astype(np.float64))
    if pa.types.is_date(kind):
        days = pc.cast(values, pa.date32()).cast(pa.int32()).to_numpy(zero_copy_only=False)
        return np.where(_blank(values), np.nan, days.astype(np.float64))
    indices, uniques = _distinct(values)
    parsed = [_parse_date(u) for u in uniques]
    epoch = dt.date(1970, 1, 1)
    return np.array([*(np.nan if d is None else float((d - epoch).days) for d in parsed), np.nan])[indices]


def _dated_rows(
    frame: dict[str, pa.Array],
    name: str,
    index: _Codes,
    start: np.datetime64,
    horizon: int,
    errors: list[FieldError],
) -> dict[str, np.ndarray]:
    """Item, 0-based period and quantity of rows inside the horizon; earlier dates fall into period 1."""
    rows = np.arange(len(frame["item_code"]))
    item = _lookup(frame["item_code"], index, f"{name}.item_code", errors)
    qty = _qty(frame["quantity"], f"{name}.quantity", None, errors)
    days = _days(frame["due_date"])
    blank = np.isnan(days)
    if blank.any():
        errors.append(FieldError(f"{name}.due_date", t("Not a date: rows {rows}", rows=_rows(np.flatnonzero(blank)))))
        return {k: np.zeros(0, dtype=np.int64) for k in ("item", "period", "qty", "row")}
    offset = days.astype(np.int64) - int((start - _EPOCH).astype(np.int64))
    period = np.maximum(offset // 7, 0)
    keep = (period < horizon) & (qty > 0) & (item >= 0)
    return {"item": item[keep], "period": period[keep], "qty": qty[keep], "row": rows[keep].astype(np.int64)}


def _refs(values: pa.Array, rows: np.ndarray) -> pa.Array:
    """The reference text of some rows (null where empty)."""
    taken = values.take(pa.array(rows, type=pa.int64()))
    if _is_text(taken):
        return taken.cast(pa.string())
    return pa.array([None if v is None else _plain(v) for v in taken.to_pylist()], type=pa.string())


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
