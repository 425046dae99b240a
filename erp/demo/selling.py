"""Order to cash in the operational history: customers order with the seasons, some through a quotation,
the warehouse ships what is in stock (late orders partly), finance invoices each shipment, and customers pay
on their own rhythm: most on time, some late, a few stop paying.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from dataclasses import dataclass, field
from decimal import Decimal

from erp.demo import policy
from erp.demo.sim import Sim, refused_for
from erp.demo.timeline import fx_rate
from erp.demo.world import FG
from erp.errors import ServiceError
from erp.services.sales import (
    cancel_quotation,
    create_quotation,
    create_sales_order,
    invoice_order,
    order_from_quotation,
    receive_payment,
    ship_order,
)

ZERO = Decimal(0)


@dataclass
class OpenOrder:
    number: str
    customer: str
    order_date: dt.date
    promised: dt.date
    lines: list[list] = field(default_factory=list)  # [line_no, item, quantity, shipped]


@dataclass
class OpenInvoice:
    number: str
    due: dt.date
    gross: Decimal


def _poisson(rng, mean: float) -> int:  # type: ignore[no-untyped-def]
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


class Selling:
    def __init__(self, sim: Sim) -> None:
        self.sim = sim
        world = sim.world
        self.rng = sim.rng("sales")
        rng = self.rng
        self.customers = sorted(world.customers)
        weights = [rng.paretovariate(1.3) for _ in self.customers]
        self.customer_cum = list(itertools.accumulate(weights))
        self.pay_day = {c: rng.randint(1, 28) for c in self.customers}
        weight_of = dict(zip(self.customers, weights, strict=True))
        busy = sorted(self.customers, key=lambda c: -weight_of[c])[: max(2, len(self.customers) // 2)]
        late = rng.sample(busy, max(2, round(len(self.customers) * policy.LATE_PAYER_SHARE)))
        self.late_lag = {c: rng.randint(*policy.LATE_PAYER_DAYS) for c in sorted(late)}
        self.n_defaulters = max(1, round(policy.DEFAULTERS_PER_SCALE * sim.scale))
        self.defaulters: set[str] | None = None  # chosen when they stop paying
        self.default_since = sim.timeline.as_of - dt.timedelta(days=policy.DEFAULT_SINCE_DAYS)
        self.items = sorted(world.annual_demand)
        roots = {c: math.sqrt(world.annual_demand[c]) for c in self.items}
        # Cumulative once: choices(weights=...) would accumulate the whole catalogue again for every order line.
        self.item_cum_weight = list(itertools.accumulate(roots[c] for c in self.items))
        mean_lines = sum(n * w for n, w in policy.LINES_PER_ORDER) / sum(w for _, w in policy.LINES_PER_ORDER)
        self.orders_per_day = policy.ORDERS_PER_YEAR * sim.scale / 312
        lines_per_year = policy.ORDERS_PER_YEAR * sim.scale * mean_lines
        total_root = sum(roots.values())
        self.mean_qty = {c: roots[c] * total_root / lines_per_year for c in self.items}
        self.backlog: list[OpenOrder] = []
        self.invoices: dict[str, list[OpenInvoice]] = {c: [] for c in self.customers}
        self.quote_seq = 0

    # --- demand -------------------------------------------------------------------------------------------

    def multiplier(self, code: str, day: dt.date) -> float:
        """The deliberate problems: models that stop selling, and a few whose demand surges at the end."""
        timeline = self.sim.timeline
        if code in self.sim.world.slow_movers and (day - timeline.start).days > policy.SLOW_MOVER_AFTER_DAYS:
            return policy.SLOW_MOVER_FACTOR
        if code in self.sim.world.surge_items and (timeline.as_of - day).days < policy.SURGE_DAYS:
            return policy.SURGE_FACTOR
        return 1.0

    def _lines(self, day: dt.date, discount: int) -> list[dict]:
        rng = self.rng
        n = rng.choices([n for n, _ in policy.LINES_PER_ORDER], weights=[w for _, w in policy.LINES_PER_ORDER])[0]
        picked: list[str] = []
        for code in rng.choices(self.items, cum_weights=self.item_cum_weight, k=n):
            if code not in picked:
                picked.append(code)
        lines = []
        for code in picked:
            factor = self.multiplier(code, day)
            if factor < 1 and rng.random() > factor:
                continue  # a model nobody buys any more
            mean = self.mean_qty[code] * max(1.0, factor)
            quantity = max(1, round(rng.gammavariate(1.6, mean / 1.6)))
            line = {"item": code, "quantity": quantity}
            if discount:
                line["discount_pct"] = discount
            lines.append(line)
        return lines

    def take_orders(self, day: dt.date) -> None:
        sim, rng = self.sim, self.rng
        count = _poisson(rng, self.orders_per_day * sim.timeline.demand_factor(day))
        for _ in range(count):
            index = bisect.bisect_left(self.customer_cum, rng.random() * self.customer_cum[-1])
            customer = self.customers[min(index, len(self.customers) - 1)]
            row = sim.world.customers[customer]
            group = row["customer_group"]
            lines = self._lines(day, policy.DISCOUNT_PCT.get(group, 0))
            if not lines:
                continue
            low, high = policy.PROMISE_DAYS.get(group, policy.DEFAULT_PROMISE_DAYS)
            promised = day + dt.timedelta(days=rng.randint(low, high))
            rate = fx_rate(row["currency"], day) if row["currency"] != "CNY" else None
            quoted = rng.random() < policy.QUOTED_SHARE and row["currency"] == "CNY"
            if quoted and rng.random() < policy.LOST_QUOTE_SHARE:
                self._quote(customer, day, self._lines(day, policy.DISCOUNT_PCT.get(group, 0)) or lines, lost=True)
            try:
                if quoted:
                    quote = self._quote(customer, day, lines, lost=False)
                    order = order_from_quotation(sim.users["sales"], quote, day, promised)
                else:
                    data = {"customer": customer, "order_date": day, "promised_date": promised, "lines": lines}
                    if rate is not None:
                        data["exchange_rate"] = rate
                    order = create_sales_order(sim.users["sales"], data)
            except ServiceError as exc:
                if not refused_for(exc, "customer"):
                    raise
                sim.counts["sales_orders_refused_credit"] += 1
                continue
            sim.counts["sales_orders"] += 1
            open_order = OpenOrder(order["number"], customer, day, promised)
            for n, ln in enumerate(lines, start=1):
                quantity = Decimal(ln["quantity"])
                open_order.lines.append([n, ln["item"], quantity, ZERO])
                sim.world.committed[ln["item"]] += quantity
            self.backlog.append(open_order)

    def _quote(self, customer: str, day: dt.date, lines: list[dict], *, lost: bool) -> str:
        sim, rng = self.sim, self.rng
        quote_day = max(sim.timeline.start, day - dt.timedelta(days=rng.randint(3, 21)))
        valid = quote_day + dt.timedelta(days=30)
        self.quote_seq += 1
        quote = create_quotation(
            sim.users["sales"],
            {
                "customer": customer,
                "quote_date": quote_day,
                "valid_until": valid,
                "reference": f"RFQ-{self.quote_seq:05d}",
                "lines": lines,
            },
        )
        sim.counts["quotations"] += 1
        if lost and valid < sim.timeline.as_of:
            cancel_quotation(sim.users["sales"], quote["number"])
            sim.counts["quotations_lost"] += 1
        return quote["number"]

    # --- shipping and invoicing ---------------------------------------------------------------------------

    def ship(self, day: dt.date) -> None:
        sim, world = self.sim, self.sim.world
        self.backlog.sort(key=lambda o: (o.promised, o.number))
        horizon = day + dt.timedelta(days=2)
        still_open = []
        for order in self.backlog:
            if order.promised > horizon:
                still_open.append(order)
                continue
            left = [(ln, ln[2] - ln[3]) for ln in order.lines if ln[2] > ln[3]]
            ready = [(ln, q) for ln, q in left if world.can_take(ln[1], FG, q)]
            if len(ready) < len(left) and (day - order.promised).days < policy.PARTIAL_AFTER_DAYS:
                ready = []
            # Lines of one item share the stock: take them one after the other.
            shipping, taken = [], {}
            for ln, q in ready:
                if world.can_take(ln[1], FG, q + taken.get(ln[1], ZERO)):
                    shipping.append((ln, q))
                    taken[ln[1]] = taken.get(ln[1], ZERO) + q
            if not shipping:
                still_open.append(order)
                continue
            data = {"order": order.number, "ship_date": day, "location": FG}
            if len(shipping) < len(left):
                data["lines"] = [{"line_no": ln[0], "quantity": q} for ln, q in shipping]
                sim.counts["shipments_partial"] += 1
            ship_order(sim.users["production"], data)
            sim.counts["shipments"] += 1
            for ln, q in shipping:
                world.move(ln[1], FG, -q)
                world.committed[ln[1]] -= q
                ln[3] += q
            invoice = invoice_order(sim.users["finance"], {"order": order.number, "invoice_date": day})
            sim.counts["customer_invoices"] += 1
            self.invoices[order.customer].append(
                OpenInvoice(invoice["number"], invoice["due_date"], Decimal(invoice["gross_amount"]))
            )
            if any(ln[2] > ln[3] for ln in order.lines):
                still_open.append(order)
        self.backlog = still_open

    # --- collecting ---------------------------------------------------------------------------------------

    def collect(self, day: dt.date) -> None:
        sim = self.sim
        yesterday = day - dt.timedelta(days=1)
        payers_today = {day.day} | ({yesterday.day} if yesterday.weekday() == 6 else set())
        if self.defaulters is None and day >= self.default_since:
            # The customers that stop paying: those who owe the most invoices when trouble starts.
            domestic = [c for c in self.customers if sim.world.customers[c]["currency"] == "CNY"]
            owing = sorted(domestic, key=lambda c: (-len(self.invoices[c]), c))
            self.defaulters = set(owing[: self.n_defaulters])
        for customer in self.customers:
            if self.pay_day[customer] not in payers_today or not self.invoices[customer]:
                continue
            if self.defaulters and customer in self.defaulters:
                continue
            lag = self.late_lag.get(customer)
            cutoff = day - dt.timedelta(days=lag) if lag else day + dt.timedelta(days=policy.EARLY_PAY_DAYS)
            due = [inv for inv in self.invoices[customer] if inv.due <= cutoff]
            if not due:
                continue
            amount = sum((inv.gross for inv in due), ZERO)
            data = {"customer": customer, "payment_date": day, "amount": amount, "reference": f"BANK-{day:%y%m%d}"}
            currency = sim.world.customers[customer]["currency"]
            if currency != "CNY":
                data["exchange_rate"] = fx_rate(currency, day)
            receive_payment(sim.users["finance"], data)
            sim.counts["customer_payments"] += 1
            paid = {inv.number for inv in due}
            self.invoices[customer] = [inv for inv in self.invoices[customer] if inv.number not in paid]
