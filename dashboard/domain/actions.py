"""The actions a ticket can undergo, and from which statuses each may start.

``ALLOWED_FROM`` is the table of ``WORKFLOW.md`` in code; the unit tests walk
every cell of it. ``InvalidTransition`` carries a reason a person can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .states import OPEN_STATUSES, Status


@dataclass(frozen=True)
class StartWork:
    note: str = ""


@dataclass(frozen=True)
class Dispose:
    to_unit_id: int
    reason: str


@dataclass(frozen=True)
class HandBack:
    reason: str


@dataclass(frozen=True)
class Coordinate:
    unit_ids: tuple[int, ...]
    note: str


@dataclass(frozen=True)
class SetEws:
    ews_at: datetime
    reason: str


@dataclass(frozen=True)
class Complete:
    note: str
    photo_count: int
    public_note: str = ""  # for the citizen's tracking page (shown redacted)


@dataclass(frozen=True)
class Rate:
    rating: int
    fixed: bool
    comment: str = ""
    threshold: int = 2


@dataclass(frozen=True)
class ReturnForReview:
    """A completion goes back to its validator: after a low rating, in the
    weekly sample, or when the same problem is reported again."""

    reason: str  # low_rating | sample | repeat_report
    note: str = ""


@dataclass(frozen=True)
class RequestFieldCheck:
    note: str


@dataclass(frozen=True)
class Verify:
    note: str = ""
    field_verified: bool = False
    justification: str = ""  # verified although the reporter rated it "not fixed"


@dataclass(frozen=True)
class Reopen:
    reason: str
    redo_due_at: datetime


@dataclass(frozen=True)
class Reject:
    reason: str
    duplicate_of_id: int | None = None


@dataclass(frozen=True)
class Escalate:
    level: str  # "late" | "level1" | "level2" | "overdue"
    due_at: datetime | None = None  # when it fell due (the sweep may notice later)
    notify_unit_id: int | None = None  # who is warned: the unit, or its parent at level 2


@dataclass(frozen=True)
class AddNote:
    text: str
    kind: str = "note"  # "note" | "warning" (teguran) | "acknowledge"


Action = (
    StartWork
    | Dispose
    | HandBack
    | Coordinate
    | SetEws
    | Complete
    | Rate
    | ReturnForReview
    | RequestFieldCheck
    | Verify
    | Reopen
    | Reject
    | Escalate
    | AddNote
)

# late: not followed up within the category's response deadline; level1 / level2:
# unworked 24 h / 48 h; overdue: past the completion deadline (or EWS);
# validation: a completion waited past its validation deadline (validators are measured too).
ESCALATION_LEVELS = ("late", "level1", "level2", "overdue", "validation")

REVIEW_REASONS = {
    "low_rating": "Nilai rendah dari pelapor: penyelesaian dikembalikan ke validator.",
    "sample": "Terpilih dalam sampel mingguan: penyelesaian diperiksa validator.",
    "repeat_report": "Masalah yang sama dilaporkan lagi: penyelesaian diperiksa ulang.",
}

S = Status
_BEFORE_COMPLETION = frozenset(
    {S.WAITING, S.DISPOSITIONED, S.COORDINATING, S.IN_PROGRESS, S.EWS, S.REOPENED}
)

# From which statuses each action may start (the WORKFLOW.md table).
ALLOWED_FROM: dict[type, frozenset[Status]] = {
    StartWork: frozenset({S.WAITING, S.DISPOSITIONED, S.COORDINATING, S.REOPENED}),
    Dispose: frozenset({S.WAITING, S.DISPOSITIONED, S.IN_PROGRESS}),
    HandBack: frozenset({S.WAITING, S.DISPOSITIONED}),
    Coordinate: frozenset({S.WAITING, S.IN_PROGRESS}),
    SetEws: frozenset({S.IN_PROGRESS}),
    Complete: frozenset({S.IN_PROGRESS, S.EWS, S.COORDINATING, S.REOPENED}),
    Rate: frozenset({S.AWAITING_VALIDATION, S.VERIFIED}),
    ReturnForReview: frozenset({S.AWAITING_VALIDATION, S.VERIFIED}),
    RequestFieldCheck: frozenset({S.AWAITING_VALIDATION, S.REOPENED}),
    Verify: frozenset({S.AWAITING_VALIDATION, S.REOPENED}),
    Reopen: frozenset({S.AWAITING_VALIDATION, S.REOPENED}),
    Reject: _BEFORE_COMPLETION,
    Escalate: OPEN_STATUSES,
    AddNote: OPEN_STATUSES,
}

ACTION_NAMES: dict[type, str] = {
    StartWork: "mulai kerjakan",
    Dispose: "disposisi",
    HandBack: "kembalikan (bukan kewenangan)",
    Coordinate: "koordinasi",
    SetEws: "tetapkan EWS",
    Complete: "selesaikan",
    Rate: "beri nilai",
    ReturnForReview: "kembalikan ke validasi",
    RequestFieldCheck: "minta verifikasi lapangan",
    Verify: "verifikasi",
    Reopen: "buka kembali",
    Reject: "tolak",
    Escalate: "eskalasi",
    AddNote: "catatan",
}


class InvalidTransition(Exception):
    """The action is not allowed; ``reason`` says why, in Indonesian."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotPermitted(InvalidTransition):
    """The actor may not perform this action on this ticket."""
