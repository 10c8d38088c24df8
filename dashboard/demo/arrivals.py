"""When the demo year's tickets come in, and of which category.

Volumes follow the working week and the seasons (a rainy-season bump for
floods and fallen trees), with a little day-to-day noise and one stormy
busiest day ≈ 1.6 × the average; within a day, reports follow the hours of
Jakarta life. Today only counts the hours already past ``now``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from ..clock import JAKARTA
from .fates import UNWORKED_WINDOW_DAYS

# Monday .. Sunday: complaints come in on working days.
WEEKDAY_FACTOR = (1.10, 1.08, 1.05, 1.03, 1.00, 0.88, 0.86)
# Reports by hour of the day, Jakarta time (WIB).
HOUR_WEIGHT = (
    0.25, 0.15, 0.10, 0.10, 0.20, 0.50, 1.00, 1.60, 2.00, 2.20, 2.20, 2.00,
    1.80, 1.90, 2.00, 2.00, 1.90, 1.80, 1.80, 1.90, 1.80, 1.50, 1.00, 0.50,
)  # fmt: skip
DAY_NOISE_SIGMA = 0.06
BUSIEST_DAY_FACTOR = 1.6
# Rainy season (Nov–Mar, peak Dec–Feb): floods and fallen trees multiply.
RAIN_MULTIPLIER: dict[str, tuple[float, ...]] = {
    "banjir-genangan": (3.2, 2.8, 1.6, 1.1, 0.6, 0.5, 0.4, 0.4, 0.5, 0.8, 1.3, 2.2),
    "pohon-tumbang": (1.7, 1.6, 1.3, 1.1, 0.9, 0.8, 0.75, 0.75, 0.8, 0.95, 1.25, 1.55),
    "saluran-air": (1.4, 1.3, 1.1, 1.0, 0.9, 0.85, 0.8, 0.8, 0.85, 0.95, 1.15, 1.3),
}
STORM_DAY_BOOST = {"banjir-genangan": 3.0, "pohon-tumbang": 2.5, "saluran-air": 1.5}


@dataclass(frozen=True)
class Arrivals:
    """Every ticket's receipt time and category index, in time order."""

    tickets: list[tuple[datetime, int]]
    busiest_day: int
    average_day: float


@dataclass(frozen=True)
class _Days:
    """The days of the period: local midnights and how much of today has passed."""

    midnights: list[datetime]
    elapsed_today: float  # seconds since today's midnight
    today_share: float  # today's share of a full day's reports


def arrivals(
    n: int,
    *,
    codes: Sequence[str],
    shares: Sequence[float],
    now: datetime,
    days: int,
    rng: random.Random,
) -> Arrivals:
    """`n` receipt times over `days` days ending at `now`, each with a category index."""
    period = _days(now, days)
    month_weights = [
        [s * RAIN_MULTIPLIER.get(code, (1.0,) * 12)[m]
         for s, code in zip(shares, codes, strict=True)]
        for m in range(12)
    ]  # fmt: skip
    weights = _day_weights(period, month_weights, rng)
    storm = _storm_day(period.midnights, rng)
    month_cum = [list(accumulate(w)) for w in month_weights]
    cums = [month_cum[m.month - 1] for m in period.midnights]
    if storm is not None:
        full_mean = sum(weights[:-1]) / (len(weights) - 1)
        weights[storm] = BUSIEST_DAY_FACTOR * full_mean
        storm_month = month_weights[period.midnights[storm].month - 1]
        cums[storm] = list(
            accumulate(
                w * STORM_DAY_BOOST.get(code, 1.0)
                for w, code in zip(storm_month, codes, strict=True)
            )
        )
    counts = _counts(n, weights)
    full_days = counts[:-1]
    return Arrivals(
        tickets=_times(period, counts, cums, len(codes), now, rng),
        busiest_day=max(counts) if counts else 0,
        average_day=sum(full_days) / len(full_days) if full_days else 0.0,
    )


def _days(now: datetime, days: int) -> _Days:
    now_local = now.astimezone(JAKARTA)
    today = now_local.date()
    midnights = [
        datetime(d.year, d.month, d.day, tzinfo=JAKARTA)
        for d in (today - timedelta(days=i) for i in range(days - 1, -1, -1))
    ]
    elapsed_today = (now_local - midnights[-1]).total_seconds()
    full_hours = int(elapsed_today // 3600)
    today_mass = sum(HOUR_WEIGHT[:full_hours]) + (
        HOUR_WEIGHT[full_hours] * (elapsed_today % 3600) / 3600 if full_hours < 24 else 0.0
    )
    today_share = today_mass / sum(HOUR_WEIGHT) if elapsed_today >= 60 else 0.0
    return _Days(midnights, elapsed_today, today_share)


def _day_weights(
    period: _Days, month_weights: list[list[float]], rng: random.Random
) -> list[float]:
    """Each day's relative volume: weekday × season × noise (today: the part passed)."""
    month_total = [sum(w) for w in month_weights]
    mean_total = sum(month_total) / 12
    weights = []
    for i, midnight in enumerate(period.midnights):
        w = WEEKDAY_FACTOR[midnight.weekday()] * month_total[midnight.month - 1] / mean_total
        w *= math.exp(rng.gauss(0.0, DAY_NOISE_SIGMA))
        if i == len(period.midnights) - 1:
            w *= period.today_share
        weights.append(w)
    return weights


def _storm_day(midnights: list[datetime], rng: random.Random) -> int | None:
    """The busiest day: a stormy working day in the rainy season, not in the live tail."""
    before_tail = midnights[:-UNWORKED_WINDOW_DAYS]
    candidates = [
        i for i, m in enumerate(before_tail) if m.weekday() < 5 and m.month in (12, 1, 2)
    ] or [i for i, m in enumerate(before_tail) if m.weekday() < 5]
    return rng.choice(candidates) if candidates else None


def _counts(n: int, weights: list[float]) -> list[int]:
    """Largest-remainder counts per day that sum to `n` exactly."""
    total_w = sum(weights)
    raw = [n * w / total_w for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _times(
    period: _Days,
    counts: list[int],
    cums: list[list[float]],
    n_categories: int,
    now: datetime,
    rng: random.Random,
) -> list[tuple[datetime, int]]:
    """Each day's reports at hours drawn from the day's rhythm, with their categories."""
    hour_cum = list(accumulate(HOUR_WEIGHT))
    hours = range(24)
    out: list[tuple[datetime, int]] = []
    cat_range = range(n_categories)
    last = len(period.midnights) - 1
    for i, (midnight, count) in enumerate(zip(period.midnights, counts, strict=True)):
        limit = period.elapsed_today if i == last else 86_400
        day = []
        for _ in range(count):
            while True:
                second = rng.choices(hours, cum_weights=hour_cum)[0] * 3600
                second += rng.randrange(3600)
                if second < limit:
                    break
            at = (midnight + timedelta(seconds=second)).astimezone(now.tzinfo)
            day.append((at, rng.choices(cat_range, cum_weights=cums[i])[0]))
        day.sort()
        out.extend(day)
    return out
