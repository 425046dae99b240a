"""How the demo company runs its operations: order volumes, stock coverage, lot sizes and how its partners
behave. These numbers set both the realism and the size (and so the generation time) of the history.

Coverage is in days of expected usage. Large lots and long coverage for cheap, deep components are how a
job shop of this size really works (a shaft is turned a year's worth at a time), and they keep the number
of production and purchase orders, each a chain of service calls, within the time budget of ``erp demo``.
"""

from __future__ import annotations

# Sales orders a year at scale 1 (volume scales with the number of customers and products).
ORDERS_PER_YEAR = 260
LINES_PER_ORDER = ((1, 34), (2, 30), (3, 19), (4, 11), (5, 6))  # (lines, weight)
QUOTED_SHARE = 0.25  # orders that start as a quotation
LOST_QUOTE_SHARE = 0.3  # quotations that never become an order (per converted one)
DISCOUNT_PCT = {"distributors": 8, "utilities": 3, "epc": 5, "export": 0}
PROMISE_DAYS = {"utilities": (14, 42), "epc": (21, 56), "export": (28, 56)}
DEFAULT_PROMISE_DAYS = (7, 28)
PARTIAL_AFTER_DAYS = 10  # ship what is there once an order is this late
MARKUP = {
    "Fire pump sets": 1.35,
    "Booster sets": 1.35,
    "Motors": 1.28,
    "Gate valves": 1.55,
    "Globe valves": 1.55,
    "Ball valves": 1.6,
    "Butterfly valves": 1.55,
    "Check valves": 1.55,
}
DEFAULT_MARKUP = 1.45
PRICE_RISE_PCT = (4.0, 3.0)  # list price increase at each new calendar year of the history
EXPORT_UPLIFT = 1.12

# Payment behaviour of customers: (share, days paid after the due date (min, max)).
LATE_PAYER_SHARE = 0.12  # of the customers, chosen among the busier half (at least two)
LATE_PAYER_DAYS = (20, 60)
EARLY_PAY_DAYS = 31  # punctual customers pay, in their monthly run, all that falls due before the next one
DEFAULTERS_PER_SCALE = 2
DEFAULT_SINCE_DAYS = 150  # defaulters stop paying this long before the as-of date

# Opening stock and lot coverage, in days of usage: (finished goods, made components, purchased items) by ABC.
OPENING_DAYS = {
    "fg": {"A": (45, 90), "B": (60, 120), "C": (90, 180)},
    "make": {"A": (300, 600), "B": (450, 800), "C": (600, 1000)},
    "buy": {"A": (90, 180), "B": (150, 300), "C": (300, 600)},
}
LOT_DAYS = {
    "fg": {"A": 120, "B": 180, "C": 270},
    "make": {"A": 365, "B": 540, "C": 720},
    "buy": {"A": 120, "B": 180, "C": 365},
}
BUNDLE_DAYS = 45  # when a supplier is ordered from, parts that would reach their reorder point this much later join
REVIEW_DAYS = 7
FINAL_REVIEW_DAYS = 28  # the last purchasing run before the as-of date looks this much further ahead
SUPPLIER_CYCLE_WEEKS = (4, 6, 8)  # a supplier is ordered from every few weeks, on its own weekday
MANUAL_ISSUE_SHARE = 0.2  # production orders issued by hand (with some scrap) instead of backflushed
SCRAP_SHARE = 0.3  # of manually issued orders, those that needed extra material
OVERTIME_SHARE = 0.1  # time reports paid at the overtime rate
OVERTIME_FACTOR = 1.5

# Suppliers: on-time share and lateness of the reliable ones, and of the one that is often late.
ON_TIME_SHARE = 0.85
LATE_DAYS = (1, 6)
LATE_SUPPLIER_ON_TIME = 0.25
LATE_SUPPLIER_DAYS = (7, 28)
SPLIT_DELIVERY_SHARE = 0.08
HELD_INVOICE_SHARE = 0.03
SUPPLIER_INVOICE_DAYS = (2, 12)
PAYMENT_RUN_DAY = 25

# Deliberate problems: shares of the finished goods.
SLOW_MOVER_SHARE = 0.06
SLOW_MOVER_AFTER_DAYS = 180
SLOW_MOVER_FACTOR = 0.03
SURGE_ITEMS = 3
SURGE_DAYS = 70  # demand triples over the last days of the history ...
SURGE_FACTOR = 3.0
UNPLANNED_DAYS = 56  # ... and the planner has not reacted for this long
STARVED_BUY_ITEMS = 2  # items of the late supplier whose reorder was missed
STARVED_DAYS = 42

COUNT_SHARE = 0.08  # of the items in raw materials counted each quarter
