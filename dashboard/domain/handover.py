"""Shift handover (serah terima): MRO shifts, and what a handover report says.

Plain Python. The monitoring room works in shifts that start at fixed Jakarta
times (``PANTAU_SHIFTS``, default ``07:00,15:00,23:00``): each shift runs from
its start to the next start, the last one across midnight. Jakarta keeps one
offset all year (UTC+7, no daylight saving), so a shift is always the same
length. A shift is named by the Jakarta date it starts on and its number
(1, 2, 3): the night shift of 3 December (23:00–07:00) is "3 December,
shift 3", and 02:00 on 4 December belongs to it.

Also the pure parts of the report: counting arrivals, the outcome of a
warning (teguran), and what a ticket still owes at a moment.

The handover rules (services/handover.py applies them):

- notes are written by an MRO or an admin on a shift that has started, until the
  handover is acknowledged; an acknowledged handover is sealed;
- the acknowledgement is made by an MRO or an admin who was not on duty in that
  shift: wrote no note on it and took no action on a ticket during it (the
  outgoing MRO cannot accept their own handover), from
  ``ACK_OPENS_BEFORE_END`` before the shift ends onwards; acknowledging again
  changes nothing; several incoming MROs may each acknowledge once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import sla

JAKARTA = ZoneInfo("Asia/Jakarta")
DEFAULT_SHIFTS = "07:00,15:00,23:00"
# The incoming MRO may accept the handover in the outgoing shift's last half hour.
ACK_OPENS_BEFORE_END = timedelta(minutes=30)
NOTE_MAX_CHARS = 2000
_HHMM = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class ShiftConfigError(ValueError):
    """PANTAU_SHIFTS cannot be read: the message says what is wrong and what is expected."""


class UnknownShift(ValueError):
    """No such shift (a number outside 1..n)."""


def parse_shifts(value: str) -> tuple[time, ...]:
    """The shift start times from "07:00,15:00,23:00" (Jakarta time, ascending, 1..6 of them)."""
    hint = f"PANTAU_SHIFTS must list shift start times like {DEFAULT_SHIFTS!r}"
    parts = [p.strip() for p in (value or "").split(",")]
    if not value or not value.strip() or any(not p for p in parts):
        raise ShiftConfigError(f"{hint}; got {value!r}")
    starts: list[time] = []
    for part in parts:
        match = _HHMM.match(part)
        if match is None:
            raise ShiftConfigError(f"{hint}; {part!r} is not a time HH:MM (00:00–23:59)")
        starts.append(time(int(match.group(1)), int(match.group(2))))
    if len(starts) > 6:
        raise ShiftConfigError(f"{hint}; at most 6 shifts a day, got {len(starts)}")
    if any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
        raise ShiftConfigError(f"{hint}; the times must be different and in order, got {value!r}")
    return tuple(starts)


@dataclass(frozen=True)
class Shift:
    """One shift: the Jakarta date it starts on, its number (1-based), its bounds in UTC."""

    day: date
    number: int
    start: datetime
    end: datetime
    count: int  # shifts a day: for the label and the picker

    @property
    def start_local(self) -> datetime:
        return self.start.astimezone(JAKARTA)

    @property
    def end_local(self) -> datetime:
        return self.end.astimezone(JAKARTA)

    @property
    def hours(self) -> str:
        """ "07.00–15.00" (Indonesian clock notation)."""
        return f"{self.start_local:%H.%M}–{self.end_local:%H.%M}"

    @property
    def label(self) -> str:
        return f"Shift {self.number} ({self.hours})"

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end

    def until(self, now: datetime) -> datetime:
        """The end of what can be reported: the shift's end, or now while it runs."""
        return min(self.end, now)

    def has_started(self, now: datetime) -> bool:
        return self.start <= now

    def is_current(self, now: datetime) -> bool:
        return self.contains(now)

    def ack_open(self, now: datetime) -> bool:
        return now >= self.end - ACK_OPENS_BEFORE_END


def _at(day: date, t: time) -> datetime:
    return datetime.combine(day, t, tzinfo=JAKARTA).astimezone(UTC)


def shift(day: date, number: int, starts: Sequence[time]) -> Shift:
    """Shift ``number`` (1-based) of the Jakarta date ``day``."""
    if not 1 <= number <= len(starts):
        raise UnknownShift(f"Shift {number} tidak dikenal: ada shift 1 sampai {len(starts)}.")
    start = _at(day, starts[number - 1])
    end = _at(day, starts[number]) if number < len(starts) else _at(day + timedelta(1), starts[0])
    return Shift(day, number, start, end, len(starts))


def shift_at(at: datetime, starts: Sequence[time]) -> Shift:
    """The shift a moment falls in (before the day's first start: the previous night's)."""
    local = at.astimezone(JAKARTA)
    day, t = local.date(), local.time()
    if t < starts[0]:
        return shift(day - timedelta(1), len(starts), starts)
    number = max(i + 1 for i, s in enumerate(starts) if s <= t)
    return shift(day, number, starts)


def previous(s: Shift, starts: Sequence[time]) -> Shift:
    if s.number > 1:
        return shift(s.day, s.number - 1, starts)
    return shift(s.day - timedelta(1), len(starts), starts)


def following(s: Shift, starts: Sequence[time]) -> Shift:
    if s.number < len(starts):
        return shift(s.day, s.number + 1, starts)
    return shift(s.day + timedelta(1), 1, starts)


# --- the report's pure parts ---------------------------------------------------


def counts(values: Iterable[str | None], *, none_label: str) -> list[tuple[str, int]]:
    """Counts by value, largest first, then by name (``None`` under ``none_label``)."""
    counted = Counter(v if v else none_label for v in values)
    return sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))


# What became of a warning (teguran): the unit acted after it, the ticket was
# closed without the unit acting, or nothing yet.
ACTED, CLOSED, NO_ACTION = "acted", "closed", "none"
OUTCOME_LABELS = {
    ACTED: "Ditindaklanjuti unit",
    CLOSED: "Ditutup tanpa tindakan unit",
    NO_ACTION: "Belum ada tindakan",
}


def warning_outcome(
    warned_at: datetime, unit_acted_at: datetime | None, closed_at: datetime | None
) -> str:
    """The outcome of a warning given at ``warned_at``, from the unit's first action after it."""
    if unit_acted_at is not None and unit_acted_at > warned_at:
        return ACTED
    if closed_at is not None and closed_at > warned_at:
        return CLOSED
    return NO_ACTION


@dataclass(frozen=True)
class OwedFields:
    """The stored fields of one ticket that say what it owed at a moment."""

    received_at: datetime
    closed_at: datetime | None
    response_due_at: datetime
    first_response_at: datetime | None
    completion_due_at: datetime
    first_completed_at: datetime | None
    clock_started_at: datetime
    clock_stopped_at: datetime | None
    assigned: bool


@dataclass(frozen=True)
class Owed:
    """What a ticket owed at a moment: late response, overdue completion, unworked level."""

    open: bool
    late_response: bool
    overdue: bool
    unworked_level: int  # 0, 1 (24 h) or 2 (48 h: escalated to the unit's superior)

    @property
    def owes(self) -> bool:
        return self.open and (self.late_response or self.overdue or self.unworked_level > 0)


def owed_at(f: OwedFields, at: datetime) -> Owed:
    """What the ticket owed at ``at``, from fields that history does not rewrite.

    Open: received by then and not closed by then. Late response: its response
    deadline had fallen (``sla.fallen_due``) and the unit had not responded by
    then. Overdue: its (current) completion deadline had fallen and it had not
    been completed by then. Unworked: the unworked clock running at ``at`` (the
    current cycle's when it had started by then, else the first from receipt).
    """
    is_open = f.received_at <= at and (f.closed_at is None or f.closed_at > at)
    if not is_open:
        return Owed(False, False, False, 0)

    def not_yet(moment: datetime | None) -> bool:
        return moment is None or moment > at

    late_response = sla.fallen_due(f.response_due_at, at) and not_yet(f.first_response_at)
    overdue = sla.fallen_due(f.completion_due_at, at) and not_yet(f.first_completed_at)
    if f.clock_started_at <= at:
        start, stopped = f.clock_started_at, f.clock_stopped_at
    else:
        start, stopped = f.received_at, f.first_response_at
    level = sla.unworked_level(start, at) if f.assigned and not_yet(stopped) else 0
    return Owed(True, late_response, overdue, level)
