"""Customer service history of the demo: repairs, returns (RMAs) and complaints over the two years.

Repairs are pumps, motors and valves the company shipped, coming back with a fault: diagnosed (under
warranty for a year after shipping, billable after), repaired with spare parts from raw materials and labour,
and handed back (billable ones invoiced then, and paid a few weeks later). Returns are against real shipments:
received into quarantine, inspected (restocked when the goods are sound, scrapped when damaged) and resolved
with a replacement from finished goods or a credit note. Complaints are answered and resolved against the
service levels, mostly in time, some late; the newest are still open on the as-of date.

Stock is taken on a past day only when the store's balance stays non-negative on every later day (the
operations already moved it), so the demo never takes an item below zero in hindsight.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from erp import schema as s
from erp.demo.sessions import DemoSessions
from erp.demo.timeline import Timeline, next_working_day, sla_moment
from erp.demo.world import FG, RAW, World
from erp.services.sales import receive_payment
from erp.services.service import (
    add_complaint_note,
    cancel_rma,
    close_complaint,
    complete_repair,
    consume_parts,
    create_repair_order,
    create_rma,
    diagnose_repair,
    inspect_rma,
    log_complaint,
    receive_rma,
    record_complaint_feedback,
    record_labour,
    resolve_complaint,
    resolve_rma,
    return_repair,
    start_investigation,
    start_repair,
)

ZERO = Decimal(0)
# Volumes a month at scale 1.
REPAIRS_PER_MONTH = 3
RMAS_PER_MONTH = 1.5
COMPLAINTS_PER_MONTH = 3
WARRANTY_DAYS = 365
LABOUR_RATE = 180  # CNY an hour, billable repairs
PARTS_MARKUP = Decimal("1.6")
FAULTS = (
    "机械密封泄漏 Mechanical seal leaking",
    "轴承异响 Bearing noise",
    "电机过热跳闸 Motor overheating and tripping",
    "流量扬程不足 Flow and head below rating",
    "振动过大 Excessive vibration",
    "阀门关闭不严 Valve not sealing when closed",
)
RETURN_REASONS = (  # (reason, the goods are sound and go back into stock)
    ("运输途中损坏 Damaged in transit", False),
    ("发错型号 Wrong model shipped", True),
    ("客户订错型号 Customer ordered the wrong size", True),
    ("试车噪音超标 Noise above specification at commissioning", False),
    ("密封面渗漏 Seal face weeping", False),
)
REPLACEMENT_SHARE = 0.4
RMA_CANCELLED = 0.06
CATEGORIES = (("quality", 45), ("delivery", 25), ("service", 15), ("billing", 10), ("other", 5))
SEVERITIES = (("low", 30), ("medium", 45), ("high", 20), ("critical", 5))
# Service levels of seeds/service_slas.csv (hours): a complaint late on either is a breach.
SLA_HOURS = {"critical": (2, 24), "high": (4, 72), "medium": (24, 120), "low": (48, 240)}
ON_TIME_RESPONSE, ON_TIME_RESOLUTION = 0.85, 0.8
REOPENED = 0.05
SUBJECTS = {
    "quality": ("泵体铸件砂眼 Casting porosity on the pump body", "电机噪音大 Noisy motor", "阀门渗漏 Valve weeping"),
    "delivery": ("交货延期 Delivery late", "到货数量不符 Quantity short on delivery", "包装破损 Damaged packaging"),
    "service": ("售后响应慢 Slow after-sales response", "安装指导不到位 Poor installation guidance"),
    "billing": ("发票金额有误 Wrong invoice amount", "未收到发票 Invoice not received"),
    "other": ("资料不全 Documents missing", "合格证缺失 Certificate of conformity missing"),
}


class StockHistory:
    """Daily end balances of some items at one location, read once from the store's moves."""

    def __init__(self, users: DemoSessions, location: str, items: set[str]) -> None:
        sm, it, loc = s.stock_move, s.item, s.location
        rows = users.tx.conn.execute(
            select(it.c.item_code, sm.c.move_date, sm.c.quantity)
            .join(it, it.c.id == sm.c.item_id)
            .join(loc, loc.c.id == sm.c.location_id)
            .where(loc.c.code == location, it.c.item_code.in_(sorted(items)))
        ).all()
        moves: dict[str, dict[dt.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for code, day, quantity in rows:
            moves[code][day] += Decimal(str(quantity))
        self.days: dict[str, list[dt.date]] = {}
        self.balance: dict[str, list[Decimal]] = {}
        for code, by_day in moves.items():
            running, days, balances = ZERO, [], []
            for day in sorted(by_day):
                running += by_day[day]
                days.append(day)
                balances.append(running)
            self.days[code], self.balance[code] = days, balances

    def can_take(self, code: str, day: dt.date, quantity: Decimal) -> bool:
        days = self.days.get(code)
        if not days:
            return False
        i = bisect.bisect_right(days, day) - 1
        if i < 0:
            return False
        return min(self.balance[code][i:]) >= quantity

    def take(self, code: str, day: dt.date, quantity: Decimal) -> None:
        days, balances = self.days[code], self.balance[code]
        i = bisect.bisect_right(days, day) - 1
        if days[i] != day:
            days.insert(i + 1, day)
            balances.insert(i + 1, balances[i])
            i += 1
        for j in range(i, len(balances)):
            balances[j] -= quantity


@dataclass(frozen=True)
class Shipped:
    number: str
    day: dt.date
    customer: str
    currency: str
    item: str
    quantity: Decimal


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A time in office hours on a day."""
    return dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=rng.randint(0, 9 * 60))


class Service:
    def __init__(
        self,
        users: DemoSessions,
        world: World,
        timeline: Timeline,
        rng_for: Callable[[str], random.Random],
        scale: float,
    ) -> None:
        self.users, self.world, self.timeline, self.scale = users, world, timeline, scale
        self.rng_for = rng_for
        self.counts: Counter[str] = Counter()
        sh, sl, cu, it = s.shipment, s.shipment_line, s.customer, s.item
        rows = users.tx.conn.execute(
            select(sh.c.number, sh.c.ship_date, cu.c.code, cu.c.currency, it.c.item_code, sl.c.quantity)
            .join(sl, sl.c.shipment_id == sh.c.id)
            .join(cu, cu.c.id == sh.c.customer_id)
            .join(it, it.c.id == sl.c.item_id)
            .order_by(sh.c.ship_date, sh.c.number, it.c.item_code)
        ).all()
        self.shipped = [Shipped(r[0], r[1], r[2], r[3], r[4], Decimal(str(r[5]))) for r in rows]
        emp = s.employee
        self.engineers = list(
            users.tx.conn.execute(
                select(emp.c.employee_code, emp.c.name)
                .where(emp.c.position.in_(("售后服务工程师", "客户服务经理")), emp.c.active.is_(True))
                .order_by(emp.c.employee_code)
            ).all()
        )

    def _count(self, per_month: float, minimum: int) -> int:
        return max(minimum, round(per_month * self.scale * len(self.timeline.months())))

    # --- repairs ------------------------------------------------------------------------------------------

    def _spares(self, code: str) -> list[str]:
        """Purchased, countable parts of a product's bill (its seals, bearings and fittings)."""
        out, todo, seen = [], [code], set()
        while todo:
            plan = self.world.items[todo.pop()]
            for comp, _per, _scrap in plan.components:
                if comp in seen:
                    continue
                seen.add(comp)
                part = self.world.items[comp]
                if part.make:
                    todo.append(comp)
                elif part.whole and ZERO < part.cost < 3000:
                    out.append(comp)
        return sorted(out)

    def repairs(self) -> None:
        rng, timeline, service = self.rng_for("repairs"), self.timeline, self.users["service"]
        domestic = [x for x in self.shipped if x.currency == "CNY" and self.world.items[x.item].components]
        if not domestic or not self.engineers:
            return
        n = self._count(REPAIRS_PER_MONTH, 3)
        span = (timeline.as_of - timeline.start).days
        plans = []
        for k in range(n):
            received = next_working_day(
                timeline.start + dt.timedelta(days=60 + int((span - 60) * (k + rng.random()) / n))
            )
            earlier = [x for x in domestic if x.day <= received - dt.timedelta(days=30)]
            if not earlier or received > timeline.as_of:
                continue
            plans.append((received, rng.choice(earlier[-400:])))
        spares = {x.item: self._spares(x.item) for _day, x in plans}
        stock = StockHistory(self.users, RAW, {p for parts in spares.values() for p in parts})
        invoices: list[tuple[dt.date, str, str]] = []
        for received, shipped in plans:
            number = create_repair_order(
                service,
                {
                    "customer": shipped.customer,
                    "item": shipped.item,
                    "serial_no": f"{shipped.item}-{shipped.day:%y%m}-{rng.randint(1000, 9999)}",
                    "fault": rng.choice(FAULTS),
                    "received_date": received,
                    "reference": shipped.number,
                },
            )["number"]
            self.counts["repair_orders"] += 1
            diagnosed = received + dt.timedelta(days=rng.randint(1, 3))
            if diagnosed > timeline.as_of:
                continue
            warranty = (received - shipped.day).days <= WARRANTY_DAYS
            engineer = rng.choice(self.engineers)
            diagnose_repair(service, number, "拆检确认故障 Fault confirmed on strip-down", warranty, engineer.name)
            start_repair(service, number)
            issued = diagnosed + dt.timedelta(days=rng.randint(1, 4))
            if issued > timeline.as_of:
                continue
            lines = []
            for part in rng.sample(spares[shipped.item], min(2, len(spares[shipped.item]))):
                quantity = Decimal(rng.randint(1, 2))
                if stock.can_take(part, issued, quantity) and self.world.can_take(part, RAW, quantity):
                    stock.take(part, issued, quantity)
                    self.world.move(part, RAW, -quantity)
                    price = None if warranty else (self.world.items[part].cost * PARTS_MARKUP).quantize(Decimal("0.01"))
                    lines.append({"item": part, "quantity": quantity, "unit_price": price})
            if lines:
                consume_parts(service, number, {"issue_date": issued, "location": RAW, "lines": lines})
                self.counts["repair_part_issues"] += 1
            hours = Decimal(rng.choice((2, 3, 4, 4, 6, 8)))
            record_labour(service, number, hours, None if warranty else LABOUR_RATE)
            done = issued + dt.timedelta(days=rng.randint(1, 3))
            if done > timeline.as_of:
                continue
            complete_repair(service, number, done)
            returned = done + dt.timedelta(days=rng.randint(1, 5))
            if returned > timeline.as_of:
                continue
            invoice = return_repair(service, number, returned)["invoice"]
            if invoice:
                invoices.append((returned + dt.timedelta(days=rng.randint(15, 45)), shipped.customer, invoice))
        self._collect(invoices)

    def _collect(self, invoices: list[tuple[dt.date, str, str]]) -> None:
        """Customers pay their repair invoices a few weeks after the repair, when that is before the as-of date."""
        due = [x for x in invoices if x[0] <= self.timeline.as_of]
        if not due:
            return
        inv = s.customer_invoice
        gross = dict(
            self.users.tx.conn.execute(
                select(inv.c.number, inv.c.gross_amount).where(inv.c.number.in_([x[2] for x in due]))
            ).all()
        )
        for day, customer, number in due:
            amount = Decimal(str(gross[number]))
            receive_payment(
                self.users["finance"],
                {
                    "customer": customer,
                    "payment_date": day,
                    "amount": amount,
                    "reference": f"BANK-{number}",
                    "lines": [{"invoice": number, "amount": amount}],
                },
            )
            self.counts["repair_payments"] += 1

    # --- returns ------------------------------------------------------------------------------------------

    def returns(self) -> None:
        rng, timeline, service = self.rng_for("rmas"), self.timeline, self.users["service"]
        if not self.shipped:
            return
        n = self._count(RMAS_PER_MONTH, 3)
        chosen = sorted(rng.sample(range(len(self.shipped)), min(n, len(self.shipped))))
        picks = [self.shipped[i] for i in chosen]
        stock = StockHistory(self.users, FG, {x.item for x in picks})
        used: set[tuple[str, str]] = set()
        for shipped in picks:
            if (shipped.number, shipped.item) in used:
                continue
            used.add((shipped.number, shipped.item))
            opened = next_working_day(shipped.day + dt.timedelta(days=rng.randint(5, 40)))
            if opened > timeline.as_of:
                continue
            reason, sound = rng.choice(RETURN_REASONS)
            quantity = Decimal(1) if self.world.items[shipped.item].whole else shipped.quantity
            received = opened + dt.timedelta(days=rng.randint(3, 10))
            inspected = received + dt.timedelta(days=rng.randint(1, 4))
            resolved = inspected + dt.timedelta(days=rng.randint(1, 6))
            replace = rng.random() < REPLACEMENT_SHARE
            if replace and not (stock.can_take(shipped.item, resolved, quantity) and resolved <= timeline.as_of):
                replace = False
            number = create_rma(
                service,
                {
                    "shipment": shipped.number,
                    "rma_date": opened,
                    "reason": reason,
                    "resolution": "replacement" if replace else "credit",
                    "lines": [{"item": shipped.item, "quantity": quantity}],
                },
            )["number"]
            self.counts["rmas"] += 1
            if rng.random() < RMA_CANCELLED and received <= timeline.as_of:
                cancel_rma(service, number)
                continue
            if received > timeline.as_of:
                continue
            receive_rma(service, number, received, "QC")
            if inspected > timeline.as_of:
                continue
            result = "restock" if sound else "scrap"
            inspect_rma(service, number, inspected, [{"line_no": 1, "result": result, "notes": reason}])
            if resolved > timeline.as_of:
                continue
            if replace:
                stock.take(shipped.item, resolved, quantity)
                self.world.move(shipped.item, FG, -quantity)
            resolve_rma(service, number, resolved, FG if replace else "")
            self.counts["rma_replacements" if replace else "credit_notes"] += 1

    # --- complaints ---------------------------------------------------------------------------------------

    def complaints(self) -> None:
        rng, timeline, service = self.rng_for("complaints"), self.timeline, self.users["service"]
        customers = sorted(self.world.customers)
        owners = [code for code, _name in self.engineers]
        n = self._count(COMPLAINTS_PER_MONTH, 4)
        span = (timeline.as_of - timeline.start).days
        end = dt.datetime.combine(timeline.as_of, dt.time(18))
        for k in range(n):
            day = next_working_day(timeline.start + dt.timedelta(days=int(span * (k + rng.random()) / n)))
            severity = _weighted(rng, SEVERITIES)
            if k == n - 1:  # a serious complaint nobody has answered yet: the response is overdue
                day, severity = timeline.as_of - dt.timedelta(days=4), "high"
            if k == n - 2:  # one that came in yesterday
                day, severity = timeline.as_of - dt.timedelta(days=1), "medium"
            if day > timeline.as_of:
                continue
            category = _weighted(rng, CATEGORIES)
            received = _at(day, rng)
            row = {
                "customer": rng.choice(customers),
                "channel": rng.choice(("phone", "phone", "email", "email", "web", "visit")),
                "category": category,
                "severity": severity,
                "subject": rng.choice(SUBJECTS[category]),
                "received_at": received,
            }
            if owners:
                row["owner"] = rng.choice(owners)
            number = log_complaint(service, row)["number"]
            self.counts["complaints"] += 1
            if k == n - 1:
                continue
            respond_h, resolve_h = SLA_HOURS[severity]
            responded, _ = sla_moment(rng, received, respond_h, ON_TIME_RESPONSE, late=(1.2, 3), on_time=(0.1, 0.9))
            if responded > end:
                continue
            start_investigation(service, number, "已联系客户了解情况 Customer contacted for details", responded)
            noted = responded + dt.timedelta(hours=rng.uniform(2, 30))
            if rng.random() < 0.5 and noted <= end:
                add_complaint_note(service, number, "现场核查/返厂检测中 Checking on site or in the works", noted)
            resolved, late = sla_moment(
                rng, received, resolve_h, ON_TIME_RESOLUTION, late=(1.1, 2.5), on_time=(0.3, 0.95)
            )
            resolved = max(resolved, responded + dt.timedelta(hours=1))
            if resolved > end:
                continue
            resolve_complaint(service, number, "已整改并回复客户 Corrected and answered", resolved)
            if rng.random() < REOPENED:
                again = resolved + dt.timedelta(days=rng.randint(2, 6))
                if again > end:
                    continue
                start_investigation(service, number, "客户反馈问题复现 The customer reports it again", again)
                resolved = again + dt.timedelta(days=rng.randint(1, 4))
                if resolved > end:
                    continue
                resolve_complaint(service, number, "更换部件后复测合格 Parts replaced and retested", resolved)
            if rng.random() < 0.6:
                record_complaint_feedback(service, number, rng.choice((2, 3)) if late else rng.choice((4, 5, 5)))
            if resolved + dt.timedelta(days=7) <= end:
                close_complaint(service, number)


def run_service(
    users: DemoSessions, world: World, timeline: Timeline, rng_for: Callable[[str], random.Random], scale: float
) -> dict[str, int]:
    service = Service(users, world, timeline, rng_for, scale)
    service.repairs()
    service.returns()
    service.complaints()
    return dict(sorted(service.counts.items()))
