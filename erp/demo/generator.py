"""Stage 1 of the demo company: its master data as plain import rows, built deterministically.

Each part (products, partners, people) draws from its own ``random.Random`` seeded with the demo seed and
its name, so changing how one part is generated does not reshuffle the others, and the same seed, scale
and as-of date always give the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from erp.demo.partners import generate_customers, generate_suppliers
from erp.demo.people import DemoUser, generate_employees
from erp.demo.products import generate_products


def stage_rng(seed: int, name: str) -> random.Random:
    """The random generator of one part of the demo (string seeds are stable across Python runs)."""
    return random.Random(f"erp-demo/{seed}/{name}")


@dataclass
class MasterData:
    """Rows by entity name (the CSV file names of ``erp import``), plus what later stages build on."""

    rows: dict[str, list[dict[str, Any]]]
    users: list[DemoUser]
    annual_demand: dict[str, int] = field(default_factory=dict)  # finished good -> expected units a year
    finished_goods: list[str] = field(default_factory=list)
    buy_categories: dict[str, str] = field(default_factory=dict)  # buy item -> supplier group

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.rows.items()} | {"users": len(self.users)}


def generate_master_data(seed: int, scale: float, as_of: dt.date) -> MasterData:
    products = generate_products(stage_rng(seed, "products"), scale)
    employees, users = generate_employees(stage_rng(seed, "people"), scale, as_of)
    rows = {
        **products.rows,
        "customers": generate_customers(stage_rng(seed, "customers"), scale),
        "suppliers": generate_suppliers(stage_rng(seed, "suppliers"), scale),
        "employees": employees,
    }
    return MasterData(
        rows=rows,
        users=users,
        annual_demand=products.annual_demand,
        finished_goods=products.finished_goods,
        buy_categories=products.buy_categories,
    )
