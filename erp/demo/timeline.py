"""The demo's calendar: two years of working days up to the as-of date, the seasons of the pump and valve
trade, the company's growth, and the exchange rates of its export business.

Everything here is a pure function of dates, so every stage agrees on the same calendar.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

HISTORY_MONTHS = 24
# Orders by calendar month against the yearly average: the Spring Festival lull in January and February,
# the construction season in spring, the summer slowdown, the autumn rush before the heating season.
SEASON = (0.78, 0.55, 1.05, 1.12, 1.12, 1.06, 0.95, 0.9, 1.08, 1.15, 1.14, 1.1)
GROWTH_PER_YEAR = 0.09
# CNY per unit of the export currencies: a level and a slow swing, as 2024-2026 went.
FX_LEVEL = {"EUR": (7.85, 0.18), "USD": (7.18, 0.07)}


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Timeline:
    start: dt.date  # the opening day: first day of the first month of history
    as_of: dt.date

    @classmethod
    def ending(cls, as_of: dt.date) -> Timeline:
        return cls(add_months(as_of.replace(day=1), 1 - HISTORY_MONTHS), as_of)

    def days(self) -> Iterator[dt.date]:
        """Every working day (Monday to Saturday morning shifts count; Sundays do not) from start to as-of."""
        day = self.start
        while day <= self.as_of:
            if day.weekday() != 6:
                yield day
            day += dt.timedelta(days=1)

    def years(self) -> list[int]:
        return list(range(self.start.year, self.as_of.year + 1))

    def months(self) -> list[str]:
        out, day = [], self.start
        while day <= self.as_of:
            out.append(f"{day.year:04d}-{day.month:02d}")
            day = add_months(day, 1)
        return out

    def elapsed_years(self, day: dt.date) -> float:
        return (day - self.start).days / 365.25

    def demand_factor(self, day: dt.date) -> float:
        """Seasonality times growth: the multiplier of the average order rate on a day."""
        return SEASON[day.month - 1] * (1 + GROWTH_PER_YEAR) ** self.elapsed_years(day)


def fx_rate(currency: str, day: dt.date) -> Decimal:
    """CNY per unit of ``currency`` on a day (four decimals, as the bank quotes it)."""
    level, swing = FX_LEVEL[currency]
    angle = day.toordinal() / 365.25 * 2 * math.pi
    rate = level + swing * math.sin(angle * 0.8) + swing * 0.3 * math.sin(day.toordinal() / 17)
    return Decimal(f"{rate:.4f}")


def sla_moment(
    rng: random.Random,
    start: dt.datetime,
    target_hours: float,
    on_time_share: float,
    late: tuple[float, float],
    on_time: tuple[float, float],
) -> tuple[dt.datetime, bool]:
    """When a service desk answered or resolved (complaints, IT tickets): on time with ``on_time_share``, at a
    fraction of the target drawn from ``on_time``, else late by a multiple drawn from ``late``; and whether late."""
    is_late = rng.random() >= on_time_share
    low, high = late if is_late else on_time
    return start + dt.timedelta(hours=target_hours * rng.uniform(low, high)), is_late


def next_working_day(day: dt.date) -> dt.date:
    while day.weekday() == 6:
        day += dt.timedelta(days=1)
    return day
