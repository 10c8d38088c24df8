"""Domain events: frozen, past-tense records of what happened to a ticket.

The state machine returns one of these; the service layer stores it as a
history row (in the same transaction as the change) and, after commit,
publishes it to whoever listens (the live board, later the jobs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from .states import Actor, Status


@dataclass(frozen=True, kw_only=True)
class TicketEvent:
    kind: ClassVar[str] = "event"
    ticket_id: int
    at: datetime
    actor: Actor
    from_status: Status | None
    to_status: Status
    note: str = ""
    responds: bool = False  # this action stops the response clock
    by_assigned_unit: bool = False  # the assigned (lead) unit acted: stops the unworked clock
    # Filled in by the service after commit, for routing live pushes by scope.
    version: int | None = None
    event_id: int | None = None  # the history row's id: a global, increasing sequence
    kota_id: int | None = None
    unit_ids: tuple[int, ...] = ()
    left_unit_ids: tuple[int, ...] = ()  # units whose boards must drop the ticket now

    def data(self) -> dict[str, Any]:
        """Event-specific fields, JSON-ready, for the history row."""
        return {}


@dataclass(frozen=True, kw_only=True)
class TicketReceived(TicketEvent):
    kind: ClassVar[str] = "received"
    channel: str
    assigned_unit_id: int | None
    routed_by: str
    # An earlier completion of the same problem (kept on the ticket row, not in the
    # history's data): a handler sends it back to its validator after commit.
    repeat_of_id: int | None = None

    def data(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "assigned_unit_id": self.assigned_unit_id,
            "routed_by": self.routed_by,
        }


@dataclass(frozen=True, kw_only=True)
class WorkStarted(TicketEvent):
    kind: ClassVar[str] = "work_started"


@dataclass(frozen=True, kw_only=True)
class TicketDisposed(TicketEvent):
    kind: ClassVar[str] = "disposed"
    from_unit_id: int | None
    to_unit_id: int

    def data(self) -> dict[str, Any]:
        return {"from_unit_id": self.from_unit_id, "to_unit_id": self.to_unit_id}


@dataclass(frozen=True, kw_only=True)
class TicketHandedBack(TicketEvent):
    kind: ClassVar[str] = "handed_back"
    from_unit_id: int | None

    def data(self) -> dict[str, Any]:
        return {"from_unit_id": self.from_unit_id}


@dataclass(frozen=True, kw_only=True)
class CoordinationRequested(TicketEvent):
    kind: ClassVar[str] = "coordination_requested"
    unit_ids: tuple[int, ...]

    def data(self) -> dict[str, Any]:
        return {"unit_ids": list(self.unit_ids)}


@dataclass(frozen=True, kw_only=True)
class EwsSet(TicketEvent):
    kind: ClassVar[str] = "ews_set"
    ews_at: datetime

    def data(self) -> dict[str, Any]:
        return {"ews_at": self.ews_at.isoformat()}


@dataclass(frozen=True, kw_only=True)
class TicketCompleted(TicketEvent):
    kind: ClassVar[str] = "completed"
    first_completion: bool
    photo_ids: tuple[int, ...] = ()
    public_note: str = ""  # what the unit tells the citizen (the tracking page, redacted)

    def data(self) -> dict[str, Any]:
        extra = {"public_note": self.public_note} if self.public_note else {}
        return {
            "first_completion": self.first_completion,
            "photo_ids": list(self.photo_ids),
            **extra,
        }


@dataclass(frozen=True, kw_only=True)
class TicketRated(TicketEvent):
    kind: ClassVar[str] = "rated"
    rating: int
    fixed: bool
    low: bool  # at or below the threshold, or "not fixed"

    def data(self) -> dict[str, Any]:
        return {"rating": self.rating, "fixed": self.fixed, "low": self.low}


@dataclass(frozen=True, kw_only=True)
class ReturnedForReview(TicketEvent):
    kind: ClassVar[str] = "returned_for_review"
    reason: str

    def data(self) -> dict[str, Any]:
        return {"reason": self.reason}


@dataclass(frozen=True, kw_only=True)
class FieldCheckRequested(TicketEvent):
    kind: ClassVar[str] = "field_check_requested"


@dataclass(frozen=True, kw_only=True)
class ValidationDecision(TicketEvent):
    """A validator's decision on a completion, measured against the validation
    deadline of that moment (the ticket's own deadline is cleared by it)."""

    validation_due_at: datetime | None = None
    # The deciding body: None = Biro Pemerintahan, else that kota's Bagian Pemerintahan.
    validation_kota_id: int | None = None

    def decision_data(self) -> dict[str, Any]:
        due = self.validation_due_at
        return {
            "validation_kota_id": self.validation_kota_id,
            "validation_due_at": due.isoformat() if due else None,
            # Minutes to spare when decided (negative: late), as sla.margin_minutes.
            "margin_min": int((due - self.at).total_seconds() // 60) if due else None,
        }


@dataclass(frozen=True, kw_only=True)
class TicketVerified(ValidationDecision):
    kind: ClassVar[str] = "verified"
    field_verified: bool = False
    justification: str = ""  # why, although the reporter rated it "not fixed"

    def data(self) -> dict[str, Any]:
        extra = {"justification": self.justification} if self.justification else {}
        return {"field_verified": self.field_verified, **extra, **self.decision_data()}


@dataclass(frozen=True, kw_only=True)
class TicketReopened(ValidationDecision):
    kind: ClassVar[str] = "reopened"
    redo_due_at: datetime

    def data(self) -> dict[str, Any]:
        return {"redo_due_at": self.redo_due_at.isoformat(), **self.decision_data()}


@dataclass(frozen=True, kw_only=True)
class TicketRejected(TicketEvent):
    kind: ClassVar[str] = "rejected"
    duplicate_of_id: int | None = None

    def data(self) -> dict[str, Any]:
        return {"duplicate_of_id": self.duplicate_of_id}


@dataclass(frozen=True, kw_only=True)
class TicketEscalated(TicketEvent):
    kind: ClassVar[str] = "escalated"
    level: str
    due_at: datetime | None = None
    notify_unit_id: int | None = None

    def data(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "notify_unit_id": self.notify_unit_id,
        }


@dataclass(frozen=True, kw_only=True)
class NoteAdded(TicketEvent):
    kind: ClassVar[str] = "note"
    # "note", "warning" (teguran) or "acknowledge"
    note_kind: str = "note"

    def data(self) -> dict[str, Any]:
        return {"note_kind": self.note_kind}
