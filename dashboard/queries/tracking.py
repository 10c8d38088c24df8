"""Read side of the citizen's tracking page beyond ``queries.tickets.public_view``:
"when?" (the current target, domain.progress) and the unit's note for the citizen.

The note is what the unit wrote for the public when completing (the ``completed``
row's ``public_note``, never its staff note), masked on the way out like every
citizen-facing text (``disclosure.public_copy``: phone numbers, e-mail, NIK and
the reporter's own name and contact).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from .. import disclosure
from ..domain import progress
from ..domain.workflow import Status
from ..extensions import db
from ..models import Ticket, TicketEventRow
from .tickets import public_stage


@dataclass(frozen=True)
class CompletionNote:
    text: str  # redacted
    at: datetime


@dataclass(frozen=True)
class Progress:
    stage: str  # queries.tickets.public_stage
    target: progress.Target | None
    note: CompletionNote | None
    closed_at: datetime | None  # verified or rejected: when


def completion_note(ticket: Ticket) -> CompletionNote | None:
    """The unit's public note of its latest completion, redacted; None without one."""
    row = db.session.execute(
        select(TicketEventRow.data, TicketEventRow.at)
        .where(TicketEventRow.ticket_id == ticket.id, TicketEventRow.kind == "completed")
        .order_by(TicketEventRow.at.desc(), TicketEventRow.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    text = (row.data or {}).get("public_note")
    if not isinstance(text, str) or not text.strip():
        return None
    return CompletionNote(disclosure.public_copy(ticket, text.strip()), row.at)


def progress_of(ticket: Ticket, *, now: datetime) -> Progress:
    """Where the report stands and what it works towards now."""
    status = Status(ticket.status)
    stage = public_stage(status, ticket.reopen_confirmed)
    # The note describes the completion the citizen is looking at: not while the
    # unit is redoing the work after a confirmed reopen.
    shows_note = stage in ("validation", "done")
    closed = status in (Status.VERIFIED, Status.REJECTED)
    return Progress(
        stage=stage,
        target=progress.target(ticket.clocks(), now),
        note=completion_note(ticket) if shows_note else None,
        closed_at=(ticket.validated_at or ticket.closed_at) if closed else None,
    )


def public_stage_of(ticket: Ticket) -> str:
    return public_stage(Status(ticket.status), ticket.reopen_confirmed)
