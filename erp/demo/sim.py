"""What the parts of the operational history share: the demo users, the world, the calendar, the counts."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from erp.demo.generator import stage_rng
from erp.demo.sessions import DemoSessions
from erp.demo.timeline import Timeline
from erp.demo.world import World
from erp.errors import ServiceError


@dataclass
class Sim:
    users: DemoSessions
    world: World
    timeline: Timeline
    scale: float
    seed: int
    counts: Counter[str] = field(default_factory=Counter)

    def rng(self, name: str) -> random.Random:
        return stage_rng(self.seed, f"history/{name}")


def refused_for(exc: ServiceError, field_name: str) -> bool:
    """Whether a service refused only because of ``field_name`` (e.g. a customer over its credit limit)."""
    return bool(exc.errors) and all(e.field == field_name for e in exc.errors)
