"""The product range and its planning data: which models the company offers, and, from their expected
demand, each item's ABC class, lot sizing, safety stock, lead time and rolled-up standard cost.

Demand drives everything here: a finished good's expected yearly sales, exploded through the bills of
materials, gives each component its usage; usage times cost gives the ABC class; the class and the cost
choose the lot-sizing rule, as a planner would. Work-centre lines are added until the expected load fits.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from erp.demo.catalog import WORK_CENTERS, WORKSHOP_COST_CENTERS, WorkCenterSpec
from erp.demo.motors import all_motor_specs, build_motor
from erp.demo.parts import CATEGORIES, Part, PartBook
from erp.demo.pumps import (
    BUILDERS,
    booster_specs,
    end_suction_specs,
    fire_set_specs,
    inline_specs,
    multistage_specs,
    submersible_specs,
)
from erp.demo.valves import build_valve, valve_specs

FG_PER_SCALE = 150
WORKING_DAYS = 250
TARGET_UTILISATION = 0.8

# (family key, share of the finished goods, typical yearly units per model).
# Motors come last: they fill what the pumps did not already need.
FAMILY_PLAN: tuple[tuple[str, float, float], ...] = (
    ("XBD", 0.025, 3),
    ("BOOST", 0.025, 4),
    ("D", 0.07, 15),
    ("IS", 0.16, 30),
    ("IH", 0.06, 10),
    ("ISG", 0.10, 35),
    ("WQ", 0.07, 20),
    ("V-Z", 0.07, 40),
    ("V-J", 0.05, 50),
    ("V-Q", 0.07, 90),
    ("V-D", 0.05, 60),
    ("V-H", 0.04, 45),
    ("MOTOR", 0.21, 25),
)


@dataclass
class ProductData:
    rows: dict[str, list[dict[str, Any]]]
    annual_demand: dict[str, int]  # finished good -> expected units per year (for the sales history stages)
    finished_goods: list[str]
    buy_categories: dict[str, str] = field(default_factory=dict)  # buy item -> supplier group


def _catalogue(key: str) -> tuple[Sequence[Any], Callable[[Any], tuple[object, ...]], Callable[[PartBook, Any], str]]:
    if key.startswith("V-"):
        return valve_specs(key[2:]), lambda s: s.base, build_valve
    if key == "MOTOR":
        return all_motor_specs(), lambda m: (m.series, m.frame), build_motor
    specs = {
        "IS": lambda: end_suction_specs("IS"),
        "IH": lambda: end_suction_specs("IH"),
        "ISG": inline_specs,
        "D": multistage_specs,
        "WQ": submersible_specs,
        "XBD": fire_set_specs,
        "BOOST": booster_specs,
    }[key]()
    return specs, lambda p: p.base, BUILDERS[key]


def _pick(rng: random.Random, book: PartBook, key: str, quota: int) -> None:
    """Offer ``quota`` models of a family: a spread of base sizes, each in one or two variants.

    When the family's catalogue has fewer base sizes than the quota needs, further passes add more
    variants of the sizes already offered, as a growing company widens its range.
    """
    specs, base_of, build = _catalogue(key)
    bases: dict[object, list[Any]] = {}
    for spec in specs:
        bases.setdefault(base_of(spec), []).append(spec)
    order = list(bases)
    rng.shuffle(order)
    for variants in bases.values():
        rng.shuffle(variants)
    picked = 0
    while picked < quota and any(bases.values()):
        for base in order:
            if picked >= quota:
                break
            variants = bases[base]
            for _ in range(min(len(variants), rng.choice((1, 1, 1, 2, 2)))):
                before = book.finished_count
                build(book, variants.pop())
                picked += book.finished_count - before  # pumps bring their motors, fire sets their valves
                if picked >= quota:
                    break


def _allocate(total: int) -> dict[str, int]:
    """Largest-remainder split of ``total`` finished goods over the families."""
    raw = {key: total * share for key, share, _ in FAMILY_PLAN}
    counts = {key: int(v) for key, v in raw.items()}
    for key in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def generate_products(rng: random.Random, scale: float) -> ProductData:
    book = PartBook(rng)
    n_fg = max(8, round(FG_PER_SCALE * scale))
    quotas = _allocate(n_fg)
    for key, _share, _units in FAMILY_PLAN:
        if key == "MOTOR":  # the pumps already needed some motors
            quotas[key] = max(0, n_fg - book.finished_count)
        _pick(rng, book, key, quotas[key])
    return _plan(rng, book, _demand(rng, book))


FAMILY_KEYS = {
    "Fire pump sets": "XBD",
    "Booster sets": "BOOST",
    "Multistage pumps": "D",
    "Centrifugal pumps": "IS",
    "Chemical pumps": "IH",
    "Inline pumps": "ISG",
    "Submersible pumps": "WQ",
    "Gate valves": "V-Z",
    "Globe valves": "V-J",
    "Ball valves": "V-Q",
    "Butterfly valves": "V-D",
    "Check valves": "V-H",
    "Motors": "MOTOR",
}


def _demand(rng: random.Random, book: PartBook) -> dict[str, int]:
    """Expected yearly units per finished good: the family's typical volume, spread log-normally."""
    typical = {key: units for key, _share, units in FAMILY_PLAN}
    return {
        p.code: max(1, round(typical[FAMILY_KEYS[p.family]] * rng.lognormvariate(0, 0.9)))
        for p in book.parts.values()
        if p.finished
    }


def _parents_first(parts: dict[str, Part]) -> list[str]:
    """Items ordered so that every parent comes before its components (Kahn's algorithm, stable)."""
    uses = dict.fromkeys(parts, 0)
    for part in parts.values():
        for comp, _qty, _scrap in part.lines:
            uses[comp] += 1
    ready = [code for code in parts if uses[code] == 0]
    order = []
    while ready:
        code = ready.pop(0)
        order.append(code)
        for comp, _qty, _scrap in parts[code].lines:
            uses[comp] -= 1
            if uses[comp] == 0:
                ready.append(comp)
    if len(order) != len(parts):
        raise ValueError("the generated bills of materials are circular")
    return order


def _nice(x: float) -> float:
    """Round a lot size up to 1, 2 or 5 times a power of ten."""
    if x <= 1:
        return 1
    power = 10 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= x)


def _qty(x: float) -> str:
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _plan(rng: random.Random, book: PartBook, demand: dict[str, int]) -> ProductData:
    parts = book.parts
    order = _parents_first(parts)
    usage = {code: float(demand.get(code, 0)) for code in parts}
    for code in order:
        for comp, qty, scrap in parts[code].lines:
            usage[comp] += usage[code] * qty * (1 + scrap / 100)

    rates = {wc.code: wc.labour_rate + wc.overhead_rate for wc in WORK_CENTERS}
    cost: dict[str, float] = {}
    for code in reversed(order):
        part = parts[code]
        if part.item_type == "buy":
            cost[code] = part.price
            continue
        batch = max(1.0, usage[code] / 12)
        material = sum(qty * (1 + scrap / 100) * cost[comp] for comp, qty, scrap in part.lines)
        labour = sum((h + s / batch) * rates[wc] for wc, h, s in part.steps)
        cost[code] = round(material + labour, 2)

    values = sorted(parts, key=lambda c: usage[c] * cost[c], reverse=True)
    total = sum(usage[c] * cost[c] for c in parts) or 1.0
    abc, running = {}, 0.0
    for code in values:
        running += usage[code] * cost[code]
        abc[code] = "A" if running <= 0.8 * total else "B" if running <= 0.95 * total else "C"

    # Rows in creation order: components come right before the first assembly that uses them.
    items = [_item_row(rng, parts[code], usage[code], cost[code], abc[code], rates) for code in parts]
    work_centers, line_of = _work_center_lines(parts, usage)
    bom = [
        {"parent_item": p.code, "component_item": comp, "qty_per": _qty(qty), "scrap_pct": _qty(scrap)}
        for p in parts.values()
        for comp, qty, scrap in p.lines
    ]
    routings = [
        {
            "item_code": p.code,
            "step_no": str(10 * (i + 1)),
            "work_center": line_of[(p.code, i)],
            "hours_per_unit": _qty(h),
            "setup_hours": _qty(s),
        }
        for p in parts.values()
        for i, (_wc, h, s) in enumerate(p.steps)
    ]
    cost_centers = [{"code": code, "name": name, "parent": parent} for code, name, parent in WORKSHOP_COST_CENTERS]
    return ProductData(
        rows={
            "cost_centers": cost_centers,
            "work_centers": work_centers,
            "items": items,
            "bom": bom,
            "routings": routings,
        },
        annual_demand={c: demand[c] for c in parts if c in demand},
        finished_goods=[p.code for p in parts.values() if p.finished],
        buy_categories={p.code: CATEGORIES[p.family][0] for p in parts.values() if p.item_type == "buy"},
    )


def _item_row(
    rng: random.Random, part: Part, usage: float, cost: float, abc: str, rates: dict[str, float]
) -> dict[str, Any]:
    weekly = usage / 52
    whole = part.uom in ("EA", "PCS", "SET")
    if part.item_type == "buy":
        lead = part.lead_time_days
        order_cost, rule_cost = 180.0, cost
    else:
        batch = max(1.0, usage / 12)
        hours = sum(h * batch + s for _wc, h, s in part.steps)
        lead = min(25, 1 + math.ceil(hours / 16) + (rng.randint(1, 3) if part.finished else 0))
        order_cost = 150 + sum(s * rates[wc] for wc, _h, s in part.steps)
        rule_cost = cost
    eoq = math.sqrt(2 * max(usage, 1) * order_cost / (0.22 * max(rule_cost, 0.01)))
    lot_sizing, lot_qty, periods = "L4L", 0.0, 1
    if part.finished:
        if abc != "A" and weekly >= 1 and part.family not in ("Fire pump sets", "Booster sets", "Chemical pumps"):
            lot_sizing, periods = "POQ", 2
    elif abc == "A":
        lot_sizing = "POQ" if part.item_type == "buy" and lead > 20 else "L4L"
    elif abc == "B":
        lot_sizing, periods = "POQ", rng.choice((2, 2, 3, 4))
    else:
        lot_sizing = "FOQ"
        lot_qty = eoq
        if part.order_multiple:
            lot_qty = math.ceil(lot_qty / part.order_multiple) * part.order_multiple
        else:
            lot_qty = _nice(lot_qty) if whole else round(lot_qty, 1)
        lot_qty = max(lot_qty, part.min_order_qty, 1)
    safety = 0.0
    if part.finished:
        safety = math.ceil(weekly) if lot_sizing != "L4L" else 0
    elif abc != "A" or lead > 30:
        safety = 1.65 * 0.5 * weekly * math.sqrt(max(lead, 1) / 7)
        safety = math.ceil(safety) if whole else round(safety, 1)
    return {
        "item_code": part.code,
        "description": part.description,
        "item_type": part.item_type,
        "uom": part.uom,
        "lead_time_days": str(lead),
        "lot_sizing": lot_sizing,
        "lot_size_qty": _qty(lot_qty),
        "lot_size_periods": str(periods),
        "min_order_qty": _qty(part.min_order_qty),
        "order_multiple": _qty(part.order_multiple),
        "safety_stock_qty": _qty(safety),
        "standard_cost": f"{cost:.2f}",
        "abc_class": abc,
        "product_family": part.family,
    }


def _work_center_lines(
    parts: dict[str, Part], usage: dict[str, float]
) -> tuple[list[dict[str, Any]], dict[tuple[str, int], str]]:
    """Enough parallel lines per work centre for the expected load, and each routing step put on one."""
    specs = {wc.code: wc for wc in WORK_CENTERS}
    load: dict[str, float] = dict.fromkeys(specs, 0.0)
    for part in parts.values():
        for wc, h, s in part.steps:
            load[wc] += usage[part.code] * h + s * 12
    lines: dict[str, list[str]] = {}
    rows = []
    for code, spec in specs.items():
        capacity = spec.hours_per_day * WORKING_DAYS * TARGET_UTILISATION
        n = max(1, math.ceil(load[code] / capacity))
        lines[code] = [code if i == 0 else f"{code}-{i + 1}" for i in range(n)]
        for i, line in enumerate(lines[code]):
            rows.append(_work_center_row(spec, line, i))
    line_load = {line: 0.0 for ls in lines.values() for line in ls}
    line_of = {}
    for part in parts.values():
        for i, (wc, h, s) in enumerate(part.steps):
            line = min(lines[wc], key=lambda x: line_load[x])
            line_load[line] += usage[part.code] * h + s * 12
            line_of[(part.code, i)] = line
    return rows, line_of


def _work_center_row(spec: WorkCenterSpec, code: str, index: int) -> dict[str, Any]:
    name = spec.name if index == 0 else f"{spec.name} #{index + 1}"
    return {
        "code": code,
        "name": name,
        "cost_center": spec.cost_center,
        "labour_rate": _qty(spec.labour_rate),
        "overhead_rate": _qty(spec.overhead_rate),
        "capacity_hours_per_day": _qty(spec.hours_per_day),
    }
