"""Deadlines and margins: the clocks of WORKFLOW.md, as pure functions.

Deadlines are computed once, when their clock starts, and stored on the
ticket; when a deadline is met or missed the margin in minutes is stored and
never recomputed, so later rule changes never rewrite history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

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


def unworked_level(clock_start: datetime, now: datetime) -> int:
    """0, 1 (24 h unworked) or 2 (48 h unworked)."""
    age = now - clock_start
    if age >= UNWORKED_LEVEL2:
        return 2
    if age >= UNWORKED_LEVEL1:
        return 1
    return 0
