"""Deadlines and margins: the clocks of WORKFLOW.md, as pure functions.

Deadlines are computed once, when their clock starts, and stored on the
ticket; when a deadline is met or missed the margin in minutes is stored and
never recomputed, so later rule changes never rewrite history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .workflow import Status

COMPLETION_BASE_DAYS = 7
# bobot 3 jobs are expected to set an EWS; until they do, this factor applies.
WEIGHT_FACTOR = {1: 1, 2: 2, 3: 3}
UNWORKED_LEVEL1 = timedelta(hours=24)
UNWORKED_LEVEL2 = timedelta(hours=48)


@dataclass(frozen=True)
class SlaRules:
    """Configurable durations (defaults are the rules in force in Jakarta)."""

    completion_base_days: int = COMPLETION_BASE_DAYS
    redo_days: int = 3
    validation_days: int = 2


def response_due(received_at: datetime, response_hours: int) -> datetime:
    return received_at + timedelta(hours=response_hours)


def completion_due(received_at: datetime, weight: int, rules: SlaRules = SlaRules()) -> datetime:
    if weight not in WEIGHT_FACTOR:
        raise ValueError(f"bobot must be 1, 2 or 3, not {weight!r}")
    return received_at + timedelta(days=rules.completion_base_days * WEIGHT_FACTOR[weight])


def redo_due(reopened_at: datetime, rules: SlaRules = SlaRules()) -> datetime:
    return reopened_at + timedelta(days=rules.redo_days)


def validation_due(entered_at: datetime, rules: SlaRules = SlaRules()) -> datetime:
    return entered_at + timedelta(days=rules.validation_days)


def margin_minutes(due: datetime, at: datetime) -> int:
    """Minutes to spare (positive: early / on time; negative: late)."""
    return int((due - at).total_seconds() // 60)


def fallen_due(due: datetime, now: datetime) -> bool:
    """An escalation falls due at its deadline itself: the sweep (and its SQL twin,
    ``services.escalation.candidates_statement``), the validation queue's late count
    and the board's late markers (``live.js`` ``derive()``)."""
    return due <= now


def past_due(due: datetime, at: datetime) -> bool:
    """Late as the KPIs count it: after the deadline, on time at the deadline itself
    (a negative ``margin_minutes``; SQL twin ``queries.kpis.figure_clause``)."""
    return at > due


def unworked_level(clock_start: datetime, now: datetime) -> int:
    """0, 1 (24 h unworked) or 2 (48 h unworked)."""
    if fallen_due(clock_start + UNWORKED_LEVEL2, now):
        return 2
    if fallen_due(clock_start + UNWORKED_LEVEL1, now):
        return 1
    return 0


# Statuses in which the unit still owes the work (not done, not closed, not
# waiting for a validator's decision on a low rating).
OWED_STATUSES = frozenset(
    {
        Status.WAITING,
        Status.DISPOSITIONED,
        Status.COORDINATING,
        Status.IN_PROGRESS,
        Status.EWS,
        Status.REOPENED,
    }
)


# Which escalations are raised on a ticket's current clocks, as bits stored on
# the ticket so the sweep can skip them without reading the escalations table.
ESCALATION_BITS = {"late": 1, "level1": 2, "level2": 4, "overdue": 8, "validation": 16}
UNWORKED_BITS = ESCALATION_BITS["level1"] | ESCALATION_BITS["level2"]


@dataclass(frozen=True)
class Clocks:
    """The stored clock fields of one ticket."""

    status: Status
    assigned_unit_id: int | None
    received_at: datetime
    response_due_at: datetime
    first_response_at: datetime | None
    clock_started_at: datetime
    clock_stopped_at: datetime | None
    completion_due_at: datetime
    redo_due_at: datetime | None = None
    reopen_confirmed: bool = False
    validation_due_at: datetime | None = None


@dataclass(frozen=True)
class Due:
    """An escalation that is due: its level, the clock it belongs to, and when it fell due."""

    level: str
    cycle_start: datetime
    due_at: datetime


def owes_work(c: Clocks) -> bool:
    if c.status not in OWED_STATUSES:
        return False
    # A reopen after a low rating waits for the validator; the unit cannot act yet.
    return not (c.status is Status.REOPENED and not c.reopen_confirmed)


def awaits_validator(c: Clocks) -> bool:
    """A completion waiting for its validator: awaiting validation, or a pending review."""
    return c.status is Status.AWAITING_VALIDATION or (
        c.status is Status.REOPENED and not c.reopen_confirmed
    )


def effective_completion_due(c: Clocks) -> datetime:
    """After a confirmed reopen the unit works to the redo deadline."""
    if c.status is Status.REOPENED and c.reopen_confirmed and c.redo_due_at is not None:
        return c.redo_due_at
    return c.completion_due_at


def due_escalations(c: Clocks, now: datetime) -> list[Due]:
    """Every escalation that has fallen due by ``now``, oldest first.

    Each carries the start of the clock it belongs to, so that "once per
    level" means once per level per clock: a disposition or a confirmed
    reopen starts a new unworked clock; a new EWS date a new completion clock.
    """
    out: list[Due] = []
    if awaits_validator(c):
        if c.validation_due_at is not None and fallen_due(c.validation_due_at, now):
            out.append(Due("validation", c.validation_due_at, c.validation_due_at))
        return out
    if not owes_work(c):
        return out
    if c.first_response_at is None and fallen_due(c.response_due_at, now):
        out.append(Due("late", c.response_due_at, c.response_due_at))
    if c.assigned_unit_id is not None and c.clock_stopped_at is None:
        for level, after in (("level1", UNWORKED_LEVEL1), ("level2", UNWORKED_LEVEL2)):
            due_at = c.clock_started_at + after
            if fallen_due(due_at, now):
                out.append(Due(level, c.clock_started_at, due_at))
    completion = effective_completion_due(c)
    if fallen_due(completion, now):
        out.append(Due("overdue", completion, completion))
    return sorted(out, key=lambda d: d.due_at)
