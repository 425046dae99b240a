"""Stage 2 of the demo: the books and the warehouse on the opening day of the history.

The fiscal years are opened, purchase approval limits set, price lists published, each purchased item given
its supplier and price, and the opening stock counted; the opening journal then books the share capital,
the bank balance, fixed assets and loans, and clears the count's inventory gain into equity.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from decimal import Decimal

from erp.demo import policy
from erp.demo.sessions import DemoSessions
from erp.demo.timeline import Timeline, fx_rate
from erp.demo.world import FG, RAW, World
from erp.services.company import open_fiscal_year
from erp.services.documents import money
from erp.services.inventory import count_stock
from erp.services.ledger import post_journal
from erp.services.procurement import save_approval_limits
from erp.services.sales import save_price_list

# Purchase-order approval limits (net, base currency): buyers approve small orders, the executive the rest.
APPROVAL_LIMITS = (("procurement", 50_000), ("executive", 20_000_000))
# The opening balance sheet at scale 1 (CNY); inventory comes from the count.
OPENING_BANK = 9_000_000
FIXED_ASSETS = 42_000_000
DEPRECIATION = 15_500_000
SHARE_CAPITAL = 30_000_000
BORROWINGS = 8_000_000
OVERSTOCKED_SHARE = 0.03
OVERSTOCK_FACTOR = 8


def choose_problems(world: World, rng: random.Random) -> None:
    """Pick the finished goods that stop selling and those whose demand surges, and the often-late supplier."""
    finished = sorted(world.annual_demand)
    by_demand = sorted(finished, key=lambda c: world.annual_demand[c])
    n_slow = max(1, round(len(finished) * policy.SLOW_MOVER_SHARE))
    world.slow_movers = set(rng.sample(by_demand[len(by_demand) // 4 :], n_slow))
    pumps = [c for c in by_demand[len(by_demand) // 2 :] if c not in world.slow_movers and world.items[c].components]
    world.surge_items = set(rng.sample(pumps, min(policy.SURGE_ITEMS, len(pumps))))
    suppliers_of: dict[str, list[str]] = {}
    for code, row in sorted(world.suppliers.items()):
        suppliers_of.setdefault(row["supplier_group"], []).append(code)
    for code in sorted(world.buy_categories):
        plan = world.items[code]
        group = suppliers_of.get(world.buy_categories[code]) or sorted(world.suppliers)
        weights = [3 if i == 0 else 1 for i in range(len(group))]
        plan.supplier = rng.choices(group, weights=weights)[0]
        plan.price = plan.cost * Decimal(str(round(rng.uniform(0.96, 1.05), 3)))
    supplied = Counter(world.items[c].supplier for c in world.buy_categories)
    domestic = [c for c in supplied if world.suppliers[c]["currency"] == "CNY"]
    world.late_supplier = max(sorted(domestic), key=lambda c: supplied[c])
    late_items = sorted(
        (c for c in world.buy_categories if world.items[c].supplier == world.late_supplier),
        key=lambda c: -world.items[c].yearly_usage,
    )
    world.starved_items = set(late_items[: policy.STARVED_BUY_ITEMS])


def opening_quantities(world: World, rng: random.Random) -> dict[str, Decimal]:
    """On-hand per item on the opening day: weeks of sales for finished goods, months for parts; a few
    purchased parts were bought in bulk long ago and will last for years (slow movers)."""
    bulk = sorted(c for c in world.buy_categories if world.items[c].abc == "C")
    overstocked = set(rng.sample(bulk, max(1, round(len(bulk) * OVERSTOCKED_SHARE)))) if bulk else set()
    world.slow_movers |= overstocked
    out = {}
    for code in sorted(world.items):
        plan = world.items[code]
        if plan.yearly_usage <= 0:
            continue
        kind = "fg" if plan.finished else "make" if plan.make else "buy"
        low, high = policy.OPENING_DAYS[kind][plan.abc]
        days = rng.uniform(low, high) * (OVERSTOCK_FACTOR if code in overstocked else 1)
        quantity = plan.yearly_usage * days / 365 + float(plan.safety)
        out[code] = Decimal(math.ceil(quantity)) if plan.whole else Decimal(f"{quantity:.1f}")
    return {code: q for code, q in out.items() if q > 0}


def _round_price(value: float) -> Decimal:
    step = 10 if value >= 1000 else 1
    return Decimal(round(value / step) * step).quantize(Decimal("0.01"))


def publish_price_lists(users: DemoSessions, world: World, timeline: Timeline, rng: random.Random) -> int:
    """A default list per calendar year (prices rise each January), export lists, and two key-account lists."""
    finished = sorted(world.annual_demand)
    base = {c: float(world.items[c].cost) * policy.MARKUP.get(world.family[c], policy.DEFAULT_MARKUP) for c in finished}
    sales = users["sales"]
    lists = 0
    factor = 1.0
    for n, year in enumerate(timeline.years()):
        if n:
            factor *= 1 + policy.PRICE_RISE_PCT[min(n, len(policy.PRICE_RISE_PCT)) - 1] / 100
        save_price_list(
            sales,
            {
                "code": f"STD-{year}",
                "name": f"{year}年标准价目表 Standard price list {year}",
                "valid_from": dt.date(year, 1, 1),
                "valid_to": dt.date(year, 12, 31),
                "lines": [{"item": c, "unit_price": _round_price(base[c] * factor)} for c in finished],
            },
        )
        lists += 1
    currencies = sorted({c["currency"] for c in world.customers.values()} - {"CNY"})
    for currency in currencies:
        rate = float(fx_rate(currency, timeline.start))
        save_price_list(
            sales,
            {
                "code": f"EXPORT-{currency}",
                "name": f"出口价目表 Export price list ({currency})",
                "currency": currency,
                "valid_from": timeline.start,
                "lines": [{"item": c, "unit_price": f"{base[c] * policy.EXPORT_UPLIFT / rate:.2f}"} for c in finished],
            },
        )
        lists += 1
    distributors = sorted(c for c, r in world.customers.items() if r["customer_group"] == "distributors")
    key_accounts = sorted(distributors, key=lambda c: -float(world.customers[c]["credit_limit"]))[:2]
    for code in key_accounts:
        save_price_list(
            sales,
            {
                "code": f"KA-{code}",
                "name": f"{world.customers[code]['name']} 协议价 Key-account prices",
                "customer": code,
                "valid_from": timeline.start,
                "lines": [{"item": c, "unit_price": _round_price(base[c] * 0.9)} for c in finished],
            },
        )
        lists += 1
    return lists


def run_opening(users: DemoSessions, world: World, timeline: Timeline, rng: random.Random, scale: float) -> dict:
    finance = users["finance"]
    for year in [*timeline.years(), timeline.as_of.year + 1]:
        open_fiscal_year(finance, year)
    save_approval_limits(finance, [{"role": role, "max_amount": limit} for role, limit in APPROVAL_LIMITS])
    choose_problems(world, rng)
    price_lists = publish_price_lists(users, world, timeline, rng)

    quantities = opening_quantities(world, rng)
    stock_value = Decimal(0)
    for location in (RAW, FG):
        lines = [
            {"item": code, "counted_qty": q} for code, q in quantities.items() if world.items[code].home == location
        ]
        if not lines:
            continue
        count_stock(
            users["production"],
            {
                "move_date": timeline.start,
                "location": location,
                "reference": "OPENING",
                "reason": "期初盘点 Opening stock count",
                "lines": lines,
            },
        )
        for ln in lines:
            world.move(ln["item"], location, ln["counted_qty"])
            stock_value += money(ln["counted_qty"] * world.items[ln["item"]].cost)

    bank, assets, depreciation = (
        money(Decimal(v) * Decimal(str(scale))) for v in (OPENING_BANK, FIXED_ASSETS, DEPRECIATION)
    )
    capital, loans = (money(Decimal(v) * Decimal(str(scale))) for v in (SHARE_CAPITAL, BORROWINGS))
    retained = bank + assets - depreciation + stock_value - capital - loans
    lines = [
        {"account": "1002", "debit": bank, "description": "期初银行存款 Opening bank balance"},
        {"account": "1601", "debit": assets, "description": "期初固定资产 Fixed assets"},
        {"account": "1602", "credit": depreciation, "description": "期初累计折旧 Accumulated depreciation"},
        {"account": "1901", "debit": stock_value, "description": "期初存货转入 Opening stock from the count"},
        {"account": "4001", "credit": capital, "description": "实收资本 Share capital"},
        {"account": "2001", "credit": loans, "description": "短期借款 Bank loans"},
    ]
    lines.append(
        {"account": "4104", "credit": retained, "description": "未分配利润 Retained earnings"}
        if retained >= 0
        else {"account": "4104", "debit": -retained, "description": "未分配利润 Accumulated losses"}
    )
    post_journal(
        finance,
        {
            "entry_date": timeline.start,
            "description": "期初余额 Opening balances",
            "reference": "OPENING",
            "lines": lines,
        },
    )
    return {
        "fiscal_years": len(timeline.years()) + 1,
        "price_lists": price_lists,
        "opening_stock_lines": len(quantities),
        "opening_journal": 1,
    }
