"""The stages of ``erp demo``, run in order inside one transaction: all of the demo company, or nothing.

Stage 1 creates the master data. Later stages (sales history, purchasing, production, budgets, payroll,
HR, service, IT) are appended to ``STAGES``: each is a function of the :class:`DemoContext`, draws its
randomness from ``ctx.rng(<its name>)`` so it never disturbs the others, reads what earlier stages left
in the context (``ctx.master``: finished goods with their expected yearly demand, buy items with their
supplier group), loads its documents through the service layer and returns counts to print.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from erp.demo.generator import MasterData, generate_master_data, stage_rng
from erp.demo.load import existing_data, load_master_data
from erp.demo.people import DEMO_USERS
from erp.errors import FieldError, ServiceError
from erp.fields import N_
from erp.i18n import t
from erp.passwords import MIN_PASSWORD_LENGTH
from erp.services.base import Session

# Up to about 12 every scale gets 150 x S finished goods; beyond, the catalogue of real model series runs
# out of distinct models and products grow more slowly than the rest (scale 20: about 2,600).
MAX_SCALE = 20.0


@dataclass
class DemoContext:
    session: Session
    seed: int
    scale: float
    as_of: dt.date
    password: str
    master: MasterData | None = None
    notes: list[str] = field(default_factory=list)

    def rng(self, name: str) -> random.Random:
        return stage_rng(self.seed, name)


@dataclass(frozen=True)
class Stage:
    name: str
    label: str
    run: Callable[[DemoContext], dict[str, int]]


@dataclass(frozen=True)
class StageResult:
    stage: Stage
    counts: dict[str, int]
    seconds: float


def _master_data(ctx: DemoContext) -> dict[str, int]:
    ctx.master = generate_master_data(ctx.seed, ctx.scale, ctx.as_of)
    return load_master_data(ctx.session, ctx.master, ctx.password)


STAGES: list[Stage] = [
    Stage(
        "master_data",
        N_("Master data: products, bills of materials, routings, partners, employees, users"),
        _master_data,
    ),
]


def check_options(scale: float, password: str) -> None:
    errors = []
    if not 0 < scale <= MAX_SCALE:
        errors.append(FieldError("scale", t("must be greater than 0 and at most {n}", n=MAX_SCALE)))
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("password", t("must be at least {n} characters", n=MIN_PASSWORD_LENGTH)))
    if errors:
        raise ServiceError(errors)


def run_demo(
    session: Session,
    *,
    seed: int,
    scale: float,
    as_of: dt.date,
    password: str,
    on_stage: Callable[[StageResult], None] | None = None,
) -> list[StageResult]:
    """Generate the demo company into an empty store, every stage in one transaction."""
    check_options(scale, password)
    ctx = DemoContext(session, seed, scale, as_of, password)
    results = []
    with session.transaction() as tx:
        found = existing_data(tx.conn, [u for u, _role, _dept in DEMO_USERS])
        if found:
            raise ServiceError(
                t("The store already holds data ({found}); the demo needs a new, empty store.", found=", ".join(found)),
                code="conflict",
            )
        for stage in STAGES:
            started = time.perf_counter()
            counts = stage.run(ctx)
            result = StageResult(stage, counts, time.perf_counter() - started)
            results.append(result)
            if on_stage:
                on_stage(result)
    return results
