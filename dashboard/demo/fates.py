"""What becomes of each demo ticket, decided before its history is played.

Most are handled to the end (``NORMAL``), about 1 % are rejected, and the
rest make the live tail that gives every page something to show at ``now``:
tickets stuck in coordination, an EWS, a disposition or work in progress
(mostly recent ones), and unworked tickets past 24 h and 48 h (``WAITING``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import datetime

from .world import Cat

NORMAL, REJECT, WAITING = "normal", "reject", "waiting"

REJECT_SHARE = 0.009
# Open tickets that stay stuck: probability K × (unresolved_share / mean)^0.8
# × (floor + e^(-age / decay)), so most of them are recent.
STUCK_K = 0.165
STUCK_FLOOR = 0.06
STUCK_DECAY_DAYS = 18.0
STUCK_KINDS_HEAVY = (("ews", 0.72), ("coordinating", 0.18), ("dispositioned", 0.08),
                     ("in_progress", 0.02))  # fmt: skip
STUCK_KINDS_LIGHT = (("coordinating", 0.70), ("dispositioned", 0.27), ("in_progress", 0.03))
# Unworked tickets at `now` (beyond the natural in-flight ones), per ticket.
UNWORKED_48H_SHARE = 0.0019
UNWORKED_24H_SHARE = 0.0008
UNWORKED_WINDOW_DAYS = 14


def fates(
    arrivals: Sequence[tuple[datetime, int]],
    cats: Sequence[Cat],
    *,
    us_mean: float,
    now: datetime,
    rng: random.Random,
) -> list[str]:
    """One fate per arrival: ``NORMAL``, ``REJECT``, ``WAITING`` or the state it sticks in."""
    out = [_fate(received, cats[ci], us_mean, now, rng) for received, ci in arrivals]
    # Unworked tickets at `now`: some past 48 h, some between 24 and 48 h.
    for share, lo, hi in (
        (UNWORKED_48H_SHARE, 48.5, UNWORKED_WINDOW_DAYS * 24.0),
        (UNWORKED_24H_SHARE, 24.5, 47.5),
    ):
        want = max(2 if lo > 48 else 1, round(len(arrivals) * share))
        for i in _recent_normal(arrivals, out, lo, hi, now, rng)[:want]:
            out[i] = WAITING
    return out


def _fate(received: datetime, cat: Cat, us_mean: float, now: datetime, rng: random.Random) -> str:
    """Rejected, stuck (the more likely the more recent and unresolved), or handled."""
    age_days = (now - received).total_seconds() / 86_400
    if rng.random() < REJECT_SHARE:
        return REJECT
    factor = (cat.unresolved_share / us_mean) ** 0.8 if us_mean else 1.0
    p = STUCK_K * factor * (STUCK_FLOOR + math.exp(-age_days / STUCK_DECAY_DAYS))
    if rng.random() >= p:
        return NORMAL
    kind = _weighted_pick(rng, STUCK_KINDS_HEAVY if cat.weight >= 2 else STUCK_KINDS_LIGHT)
    if kind == "dispositioned" and not cat.location_based:
        kind = "coordinating"
    return kind


def _recent_normal(
    arrivals: Sequence[tuple[datetime, int]],
    fates: list[str],
    lo: float,
    hi: float,
    now: datetime,
    rng: random.Random,
) -> list[int]:
    """The handled tickets aged `lo`–`hi` hours, in a random order favouring recent ones."""
    pool = [
        i for i, (received, _) in enumerate(arrivals)
        if fates[i] == NORMAL and lo <= (now - received).total_seconds() / 3600 < hi
    ]  # fmt: skip
    # Weighted sampling without replacement (Efraimidis–Spirakis): more recent ones.
    return sorted(
        pool,
        key=lambda i: (
            -math.log(rng.random() or 1e-12)
            / math.exp(-(now - arrivals[i][0]).total_seconds() / (5 * 86_400))
        ),
    )


def _weighted_pick(rng: random.Random, items: Sequence[tuple[str, float]]) -> str:
    names = [k for k, _ in items]
    return rng.choices(names, weights=[w for _, w in items])[0]
