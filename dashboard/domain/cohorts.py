"""Figures that compare like with like: cohorts of the same age, partial days, tiny samples,
and the area an executive should look at first.

WORKFLOW.md's KPI definitions are not changed here; this module decides how two
periods are compared and which figures are too small to rank. Plain functions on
plain values: the read side (``queries.kpi_briefing``) counts, this decides.

The rules (the KPI pages' "Cara dihitung" repeats them):

- **Cohort**: "selesai ≤ 7 hari" counts, of the tickets received in a period that
  are at least ``COHORT_DAYS`` days old now, those first completed within
  ``COHORT_DAYS`` × 24 h of receipt (exactly 168 h counts, as in the
  completion-time buckets). Every ticket counted had the same time to finish,
  in this period and in the one before.
- **Same age**: a period's completion rate is compared with the previous
  period's rate *as it stood when that period was as old as this one is now*:
  the previous period's tickets count as completed only if their first
  completion came at least one period length before now.
- **Partial days**: today (WIB) is not over; a trend's point for today, or any
  later day, is provisional ("hari ini, sementara").
- **Tiny samples**: a rate over fewer than ``MIN_SAMPLE`` tickets is shown greyed
  and never ranked or called the worst; such areas are listed apart
  ("sampel terlalu kecil").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from .kpis import BUCKET_7D_MIN, RANK_MIN_VOLUME, minutes_between, ratio, wib_day

# A rate over fewer tickets than this is greyed, not ranked (the ranking's own threshold).
MIN_SAMPLE = RANK_MIN_VOLUME
COHORT_DAYS = 7
COHORT_AGE = timedelta(days=COHORT_DAYS)
# "Late now" is compared with the same figure this long ago (the same time yesterday).
LOOKBACK = timedelta(hours=24)
UNWORKED_AFTER = timedelta(hours=24)

T = TypeVar("T")


def tiny(n: int | None) -> bool:
    """Is ``n`` tickets too few to compare or rank a rate on?"""
    return n is None or n < MIN_SAMPLE


@dataclass(frozen=True)
class Share:
    """``num`` of ``den`` tickets: a rate with its sample size."""

    num: int
    den: int

    @property
    def rate(self) -> float | None:
        return ratio(self.num, self.den)

    @property
    def tiny(self) -> bool:
        return tiny(self.den)


# --- Cohorts ---------------------------------------------------------------------------


def cohort_cutoff(now: datetime) -> datetime:
    """Tickets received at or before this instant are old enough for the 7-day cohort."""
    return now - COHORT_AGE


def done_within_cohort(received_at: datetime, first_completed_at: datetime | None) -> bool:
    """First completed within 7 × 24 h of receipt (exactly 168 h included)."""
    if first_completed_at is None:
        return False
    return minutes_between(received_at, first_completed_at) <= BUCKET_7D_MIN


def cohort_share(
    tickets: Iterable[tuple[datetime, datetime | None]],
    since: datetime,
    until: datetime,
    now: datetime,
) -> Share:
    """The 7-day cohort of the tickets received in [since, until): (received_at, first
    completion) pairs; the pure twin of ``queries.kpi_briefing.cohort``."""
    cutoff = cohort_cutoff(now)
    mature = [(r, c) for r, c in tickets if since <= r < until and r <= cutoff]
    return Share(sum(1 for r, c in mature if done_within_cohort(r, c)), len(mature))


def same_age_cutoff(start: date, previous_start: date, now: datetime) -> datetime:
    """The instant at which the previous period was as old as the current one is now."""
    return now - (start - previous_start)


def completed_by(
    tickets: Iterable[tuple[datetime, datetime | None]],
    since: datetime,
    until: datetime,
    at: datetime,
) -> Share:
    """Of the tickets received in [since, until), those first completed by ``at``."""
    received = [(r, c) for r, c in tickets if since <= r < until]
    return Share(sum(1 for _r, c in received if c is not None and c <= at), len(received))


# --- Partial days ----------------------------------------------------------------------


def provisional(day: date, now: datetime) -> bool:
    """Is ``day`` not over yet (today in Jakarta, or later)?"""
    return day >= wib_day(now)


PROVISIONAL_LABEL = "hari ini, sementara"


# --- Tiny samples ----------------------------------------------------------------------


def split_by_sample(items: Sequence[T], size: Callable[[T], int]) -> tuple[list[T], list[T]]:
    """(rankable, too small): the items whose sample reaches ``MIN_SAMPLE``, and the rest."""
    big = [i for i in items if not tiny(size(i))]
    small = [i for i in items if tiny(size(i))]
    return big, small


# --- The briefing: what is late now, and where it is worst ------------------------------


@dataclass(frozen=True)
class AreaNow:
    """One area (a kota, or a kecamatan) right now: open, late, unworked > 24 h."""

    key: int
    label: str
    open: int
    late: int
    unworked: int

    @property
    def late_share(self) -> Share:
        return Share(self.late, self.open)


def worst_area(areas: Sequence[AreaNow]) -> AreaNow | None:
    """The area with the largest share of its open tickets late, among areas with at
    least ``MIN_SAMPLE`` open tickets (ties: more late tickets, then the name).
    None when no area is big enough or none has a late ticket."""
    big, _small = split_by_sample(areas, lambda a: a.open)
    candidates = [a for a in big if a.late > 0]
    if not candidates:
        return None
    return min(candidates, key=lambda a: (-(a.late / a.open), -a.late, a.label))


def late_at(
    due: datetime,
    first_completed_at: datetime | None,
    closed_at: datetime | None,
    at: datetime,
) -> bool:
    """Open, never completed and past its completion deadline at instant ``at``
    (the KPIs' "terbuka lewat tenggat", read at ``at`` from the stored fields)."""
    if closed_at is not None and closed_at <= at:
        return False
    if first_completed_at is not None and first_completed_at <= at:
        return False
    return due < at


def unworked_since(clock_started_at: datetime, now: datetime) -> bool:
    """Unworked for 24 h or more: the escalation's level 1 has fallen due."""
    return clock_started_at + UNWORKED_AFTER <= now
