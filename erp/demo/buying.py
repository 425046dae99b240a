"""Procure to pay in the operational history: the planner's weekly requisition becomes one purchase order per
supplier (entered by purchasing, approved by the executive), goods arrive on time or late by supplier,
finance registers the suppliers' invoices (a few held for a price difference, then released) and pays what
falls due in a monthly payment run.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from erp.demo import policy
from erp.demo.sim import Sim
from erp.demo.timeline import fx_rate, next_working_day
from erp.demo.world import RAW
from erp.services.procurement import (
    approve_purchase_order,
    create_purchase_order,
    create_requisition,
    pay_supplier,
    receive_goods,
    register_supplier_invoice,
    release_supplier_invoice,
)

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass
class OpenPurchase:
    number: str
    supplier: str
    arrivals: list[tuple[dt.date, Decimal]]  # (day, share of each line still to come that arrives then)
    lines: list[list] = field(default_factory=list)  # [line_no, item, quantity, received, invoiced]


@dataclass
class SupplierInvoice:
    number: str
    supplier: str
    due: dt.date
    gross: Decimal
    held_until: dt.date | None = None


class Buying:
    def __init__(self, sim: Sim) -> None:
        self.sim = sim
        self.rng = sim.rng("purchasing")
        suppliers = sorted(sim.world.suppliers)
        self.cycle = {s: self.rng.choice(policy.SUPPLIER_CYCLE_WEEKS) for s in suppliers}
        self.phase = {s: self.rng.randrange(self.cycle[s]) for s in suppliers}
        self.open: list[OpenPurchase] = []
        self.to_invoice: list[tuple[dt.date, OpenPurchase]] = []
        self.payables: list[SupplierInvoice] = []
        self.invoice_seq: dict[str, int] = defaultdict(int)

    def due_this_week(self, supplier: str, week: int) -> bool:
        return week % self.cycle[supplier] == self.phase[supplier]

    def price(self, code: str, day: dt.date) -> Decimal:
        """The supplier's price in its currency: the agreed price, 2% up each new year of the history."""
        sim = self.sim
        plan = sim.world.items[code]
        years = day.year - sim.timeline.start.year
        price = plan.price * Decimal("1.02") ** years
        currency = sim.world.suppliers[plan.supplier]["currency"]
        if currency != "CNY":
            price = price / fx_rate(currency, sim.timeline.start)
        return max(CENT, price.quantize(CENT))

    # --- ordering -----------------------------------------------------------------------------------------

    def order(self, day: dt.date, needs: dict[str, Decimal]) -> None:
        """One requisition for the week's needs, then one approved purchase order per supplier."""
        if not needs:
            return
        sim, world = self.sim, self.sim.world
        codes = sorted(needs)
        needed = day + dt.timedelta(days=max(world.items[c].lead_days for c in codes))
        req = create_requisition(
            sim.users["planner"],
            {
                "request_date": day,
                "needed_date": needed,
                "cost_center": "PRD",
                "reference": f"MRP-{day:%Y%m%d}",
                "lines": [
                    {
                        "item": c,
                        "quantity": needs[c],
                        "needed_date": day + dt.timedelta(days=world.items[c].lead_days),
                        "supplier": world.items[c].supplier,
                    }
                    for c in codes
                ],
            },
        )
        sim.counts["purchase_requisitions"] += 1
        by_supplier: dict[str, list[str]] = defaultdict(list)
        for c in codes:
            by_supplier[world.items[c].supplier].append(c)
        for supplier, items in sorted(by_supplier.items()):
            expected = day + dt.timedelta(days=max(world.items[c].lead_days for c in items))
            currency = world.suppliers[supplier]["currency"]
            data = {
                "supplier": supplier,
                "order_date": day,
                "expected_date": expected,
                "requisition": req["number"],
                "receipt_tolerance_pct": 5,
                "price_tolerance_pct": 2,
                "lines": [{"item": c, "quantity": needs[c], "unit_price": self.price(c, day)} for c in items],
            }
            if currency != "CNY":
                data["exchange_rate"] = fx_rate(currency, day)
            po = create_purchase_order(sim.users["procurement"], data)
            approve_purchase_order(sim.users["exec"], po["number"])
            sim.counts["purchase_orders"] += 1
            purchase = OpenPurchase(po["number"], supplier, self._arrivals(supplier, expected))
            for n, c in enumerate(items, start=1):
                purchase.lines.append([n, c, needs[c], ZERO, ZERO])
                world.on_order[c] += needs[c]
            self.open.append(purchase)

    def _arrivals(self, supplier: str, expected: dt.date) -> list[tuple[dt.date, Decimal]]:
        rng = self.rng
        if supplier == self.sim.world.late_supplier:
            on_time, late = policy.LATE_SUPPLIER_ON_TIME, policy.LATE_SUPPLIER_DAYS
        else:
            on_time, late = policy.ON_TIME_SHARE, policy.LATE_DAYS
        delay = -rng.randint(0, 3) if rng.random() < on_time else rng.randint(*late)
        first = expected + dt.timedelta(days=delay)
        if first.weekday() == 6:  # no deliveries on Sundays: on-time ones come the day before
            first += dt.timedelta(days=-1 if delay <= 0 else 1)
        if rng.random() < policy.SPLIT_DELIVERY_SHARE:
            return [
                (first, Decimal("0.6")),
                (next_working_day(first + dt.timedelta(days=rng.randint(7, 14))), Decimal(1)),
            ]
        return [(first, Decimal(1))]

    def receive(self, day: dt.date) -> None:
        sim, world, rng = self.sim, self.sim.world, self.rng
        still_open = []
        for purchase in self.open:
            if not purchase.arrivals or purchase.arrivals[0][0] > day:
                still_open.append(purchase)
                continue
            _, share = purchase.arrivals.pop(0)
            data = {"order": purchase.number, "receipt_date": day, "location": RAW, "reference": f"DN-{day:%y%m%d}"}
            arriving = []
            for ln in purchase.lines:
                left = ln[2] - ln[3]
                q = left if share == 1 else (left * share).quantize(Decimal(1) if world.items[ln[1]].whole else CENT)
                if q > 0:
                    arriving.append((ln, q))
            if share != 1:
                data["lines"] = [{"line_no": ln[0], "quantity": q} for ln, q in arriving]
            receive_goods(sim.users["production"], data)
            sim.counts["goods_receipts"] += 1
            for ln, q in arriving:
                ln[3] += q
                world.move(ln[1], RAW, q)
                world.on_order[ln[1]] -= q
            invoice_day = next_working_day(day + dt.timedelta(days=rng.randint(*policy.SUPPLIER_INVOICE_DAYS)))
            self.to_invoice.append((invoice_day, purchase))
            if purchase.arrivals:
                still_open.append(purchase)
        self.open = still_open

    # --- invoices and payments ----------------------------------------------------------------------------

    def invoice(self, day: dt.date) -> None:
        sim, rng = self.sim, self.rng
        waiting = []
        for invoice_day, purchase in self.to_invoice:
            if invoice_day > day:
                waiting.append((invoice_day, purchase))
                continue
            lines = [ln for ln in purchase.lines if ln[3] > ln[4]]
            if not lines:
                continue  # an earlier invoice already covered this delivery
            self.invoice_seq[purchase.supplier] += 1
            data = {
                "supplier": purchase.supplier,
                "order": purchase.number,
                "supplier_ref": f"FP{day:%y}{self.invoice_seq[purchase.supplier]:06d}",
                "invoice_date": day,
            }
            currency = sim.world.suppliers[purchase.supplier]["currency"]
            if currency != "CNY":
                data["exchange_rate"] = fx_rate(currency, day)
            held = rng.random() < policy.HELD_INVOICE_SHARE
            if held:  # the supplier charged more than the agreed price: finance holds it, then accepts it
                data["lines"] = [
                    {
                        "line_no": ln[0],
                        "quantity": ln[3] - ln[4],
                        "unit_price": (self.price(ln[1], day) * Decimal("1.05")).quantize(CENT),
                    }
                    for ln in lines
                ]
            result = register_supplier_invoice(sim.users["finance"], data)
            sim.counts["supplier_invoices"] += 1
            for ln in lines:
                ln[4] = ln[3]
            # The match decides: a 5% overcharge within a supplier's tolerance is not held.
            days_held = rng.randint(5, 12) if held else 0
            hold = next_working_day(day + dt.timedelta(days=days_held)) if result["status"] == "held" else None
            self.payables.append(
                SupplierInvoice(result["number"], purchase.supplier, result["due_date"], result["gross_amount"], hold)
            )
        self.to_invoice = waiting

    def release_held(self, day: dt.date) -> None:
        for invoice in self.payables:
            if invoice.held_until is not None and invoice.held_until <= day:
                release_supplier_invoice(self.sim.users["finance"], invoice.number)
                self.sim.counts["supplier_invoices_released"] += 1
                invoice.held_until = None

    def pay(self, day: dt.date) -> None:
        """The monthly payment run: every invoice due within the next days, one payment per supplier."""
        sim = self.sim
        cutoff = day + dt.timedelta(days=5)
        by_supplier: dict[str, list[SupplierInvoice]] = defaultdict(list)
        for invoice in self.payables:
            if invoice.held_until is None and invoice.due <= cutoff:
                by_supplier[invoice.supplier].append(invoice)
        paid: set[str] = set()
        for supplier, invoices in sorted(by_supplier.items()):
            data = {
                "supplier": supplier,
                "payment_date": day,
                "amount": sum((i.gross for i in invoices), ZERO),
                "reference": f"PAYRUN-{day:%Y%m}",
            }
            currency = sim.world.suppliers[supplier]["currency"]
            if currency != "CNY":
                data["exchange_rate"] = fx_rate(currency, day)
            pay_supplier(sim.users["finance"], data)
            sim.counts["supplier_payments"] += 1
            paid |= {i.number for i in invoices}
        self.payables = [i for i in self.payables if i.number not in paid]
