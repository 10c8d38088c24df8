"""Where a report stands, as its reporter reads it: the stage words, and "when?".

One vocabulary for the citizen's pages — the portal's list and the tracking
page (``/t/``) name the four stages with these words, in Indonesian and English.
"When?" is the one deadline the report is working towards now: the response
deadline until the unit has responded, then the completion deadline (the redo
deadline after a confirmed reopen; a new EWS date moves the completion
deadline itself), then the validator's; past it, "terlambat N hari".
Pure: neither Flask nor SQLAlchemy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import sla
from .states import Status

LANGUAGES = ("id", "en")

# The citizen's stages (queries.tickets.public_stage), in both languages.
STAGES: dict[str, tuple[str, str]] = {
    "received": ("Diterima", "Received"),
    "handling": ("Ditangani unit", "Being handled"),
    "validation": ("Diperiksa validator", "Being validated"),
    "done": ("Selesai", "Done"),
    "rejected": ("Ditolak", "Rejected"),
}
# The stepper's four steps, in order (a rejected report is off the path).
STEPS = ("received", "handling", "validation", "done")


def _en(lang: str) -> bool:
    return lang == "en"


def stage_label(stage: str, lang: str = "id") -> str:
    """The stage's name in ``lang``; an unknown code reads as itself."""
    words = STAGES.get(stage)
    return words[_en(lang)] if words else stage


# What the target is, per kind: (Indonesian, English).
TARGETS: dict[str, tuple[str, str]] = {
    "response": ("Target ditanggapi unit", "Target for the unit's response"),
    "completion": ("Target selesai", "Target for completion"),
    "redo": ("Target selesai dikerjakan ulang", "Target for the rework"),
    "validation": ("Target selesai diperiksa validator", "Target for the validator's check"),
}
# Shown under the date when the target has passed.
LATE = ("terlambat {n} hari", "{n} day late", "{n} days late")
ON_TRACK = ("masih dalam target", "on track")


@dataclass(frozen=True)
class Target:
    """The deadline a report works towards now, and how many days it is past it."""

    kind: str  # a TARGETS key
    due: datetime
    late_days: int  # 0: not passed

    @property
    def late(self) -> bool:
        return self.late_days > 0

    def label(self, lang: str = "id") -> str:
        return TARGETS[self.kind][_en(lang)]

    def status(self, lang: str = "id") -> str:
        """ "terlambat 3 hari" / "3 days late" once passed, else "masih dalam target"."""
        if not self.late:
            return ON_TRACK[_en(lang)]
        if not _en(lang):
            return LATE[0].format(n=self.late_days)
        return (LATE[1] if self.late_days == 1 else LATE[2]).format(n=self.late_days)


def late_days(due: datetime, now: datetime) -> int:
    """Whole days past ``due``, counting a started day: 0 before it, 1 within a day after."""
    if now <= due:
        return 0
    return max(1, math.ceil((now - due) / timedelta(days=1)))


def target(c: sla.Clocks, now: datetime) -> Target | None:
    """The report's current target, or None once it is closed (verified or rejected)."""
    if c.status in (Status.VERIFIED, Status.REJECTED):
        return None
    if sla.awaits_validator(c):
        if c.validation_due_at is None:
            return None
        return Target("validation", c.validation_due_at, late_days(c.validation_due_at, now))
    if c.first_response_at is None:
        return Target("response", c.response_due_at, late_days(c.response_due_at, now))
    due = sla.effective_completion_due(c)
    kind = "redo" if due != c.completion_due_at else "completion"
    return Target(kind, due, late_days(due, now))
