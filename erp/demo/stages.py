"""The stages of ``erp demo``, run in order inside one transaction: all of the demo company, or nothing.

Stage 1 creates the master data; the later ones add two years of history up to the as-of date: opening
balances, order to cash, procure to pay, production, stock counts (operations); pay grades, salaries,
recruiting, leave, skills and training (HR); monthly pay runs and wages paid (payroll); repairs, returns and
complaints (service); running costs, budgets and period closes (finance); budget revisions with payroll; IT
assets, software, patches and tickets; and the open documents and forecasts MRP plans from. Each stage is a
function of the :class:`DemoContext`, draws its randomness from ``ctx.rng(<its name>)`` so it never disturbs
the others, reads what earlier stages left in the context (``ctx.master``: finished goods with their expected
yearly demand, buy items with their supplier group; ``ctx.world``: the simulated stock and partners;
``ctx.people``: employees with their salaries), loads its documents through the service layer as the demo
user whose role would do it (``ctx.users["finance"]``) and returns counts to print.

Stages that post to the ledger (payroll, service) run before "finance", which closes every period up to two
months before the as-of date; the stages after it post nothing into those periods.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from erp.demo.aftersales import run_service
from erp.demo.finance import run_finance
from erp.demo.forecasts import run_forecasts
from erp.demo.generator import MasterData, generate_master_data, stage_rng
from erp.demo.hr import run_hr
from erp.demo.it import run_it
from erp.demo.load import existing_data, load_master_data
from erp.demo.opening import run_opening
from erp.demo.operations import run_operations
from erp.demo.pay_scale import Person
from erp.demo.payroll import pay_structure, revise_budgets, run_pay_runs
from erp.demo.people import DEMO_USERS
from erp.demo.sessions import DemoSessions
from erp.demo.sim import Sim
from erp.demo.timeline import Timeline
from erp.demo.world import World
from erp.errors import FieldError, ServiceError
from erp.fields import N_
from erp.i18n import t
from erp.passwords import MIN_PASSWORD_LENGTH
from erp.services.base import Session, Tx

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
    tx: Tx | None = None  # the demo's one transaction, set by run_demo
    world: World | None = None
    people: list[Person] = field(default_factory=list)  # employees with their salaries, from the HR stage
    _users: DemoSessions | None = None

    def rng(self, name: str) -> random.Random:
        return stage_rng(self.seed, name)

    @property
    def users(self) -> DemoSessions:
        """Sessions of the demo users (by user name) inside the demo's transaction."""
        if self._users is None:
            assert self.tx is not None
            self._users = DemoSessions(self.session, self.tx)
        return self._users

    @property
    def timeline(self) -> Timeline:
        return Timeline.ending(self.as_of)


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


def _opening(ctx: DemoContext) -> dict[str, int]:
    assert ctx.master is not None
    ctx.world = World(ctx.master)
    return run_opening(ctx.users, ctx.world, ctx.timeline, ctx.rng("opening"), ctx.scale)


def _operations(ctx: DemoContext) -> dict[str, int]:
    assert ctx.world is not None
    return run_operations(Sim(ctx.users, ctx.world, ctx.timeline, ctx.scale, ctx.seed))


def _finance(ctx: DemoContext) -> dict[str, int]:
    return run_finance(ctx.users, ctx.timeline, ctx.rng("finance"), ctx.scale)


def _hr(ctx: DemoContext) -> dict[str, int]:
    assert ctx.master is not None
    result = run_hr(ctx.users, ctx.master.rows["employees"], ctx.timeline, ctx.rng, ctx.scale)
    ctx.people = result.people
    return dict(sorted(result.counts.items()))


def _workshops(ctx: DemoContext) -> set[str]:
    assert ctx.master is not None
    return {r["code"] for r in ctx.master.rows["cost_centers"]}


def _payroll(ctx: DemoContext) -> dict[str, int]:
    counts = pay_structure(ctx.users, ctx.people, sorted(_workshops(ctx)), ctx.timeline, ctx.rng("pay-items"))
    counts.update(run_pay_runs(ctx.users, ctx.timeline))
    return dict(sorted(counts.items()))


def _service(ctx: DemoContext) -> dict[str, int]:
    assert ctx.world is not None
    return run_service(ctx.users, ctx.world, ctx.timeline, ctx.rng, ctx.scale)


def _payroll_budgets(ctx: DemoContext) -> dict[str, int]:
    return {"budget_revisions": revise_budgets(ctx.users, ctx.people, ctx.timeline, _workshops(ctx))}


def _it(ctx: DemoContext) -> dict[str, int]:
    return run_it(ctx.users, ctx.people, ctx.timeline, ctx.rng, ctx.scale)


def _forecasts(ctx: DemoContext) -> dict[str, int]:
    assert ctx.world is not None
    return run_forecasts(ctx.users, ctx.world, ctx.timeline, ctx.rng("forecasts"))


STAGES: list[Stage] = [
    Stage(
        "master_data",
        N_("Master data: products, bills of materials, routings, partners, employees, users"),
        _master_data,
    ),
    Stage(
        "opening",
        N_("Opening balances: fiscal years, approval limits, price lists, opening stock count and journal"),
        _opening,
    ),
    Stage(
        "operations",
        N_("Two years of operations: sales, purchasing, production, stock counts, open documents"),
        _operations,
    ),
    Stage("hr", N_("HR: pay grades and salaries, recruiting, leave, skills, training"), _hr),
    Stage("payroll", N_("Payroll: monthly pay runs calculated, approved and posted, wages paid"), _payroll),
    Stage("service", N_("Customer service: repairs, returns and complaints"), _service),
    Stage("finance", N_("Running costs, budgets and closed periods"), _finance),
    Stage("payroll_budgets", N_("Budget revisions with payroll"), _payroll_budgets),
    Stage("it", N_("IT: hardware and network gear, software, licences, patches, tickets"), _it),
    Stage("forecasts", N_("Sales forecast for the next six months"), _forecasts),
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
        ctx.tx = tx
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
