"""Which text a reader gets: the one place where that rule lives.

What citizens write — the report's description, their rating comments — often
carries their own name, phone and e-mail. Each such text is stored twice: as
written, and redacted (``domain.redaction``) at write time, while the
reporter's own details are at hand: ``Ticket.public_description`` at intake,
``Rating.public_comment`` when the rating is recorded. A citizen's words in
the history (a rating comment is the note of its ``rated`` event, and so the
ticket's ``last_reason`` and the pushed event) are stored redacted only.

Only the reporter roles (admin, MRO) read the text as written; every other
reader — officers, validators, walikota and governor, boards, exports, the
public — gets the redacted copy. Queries select ``description_column(actor)``
/ ``comment_column(actor)``; no view or template chooses for itself. The
reporter's identity itself stays behind ``services.privacy.view_reporter``
(a reason, logged).
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import ColumnElement, func, literal, select

from .domain import redaction
from .domain.events import TicketEvent
from .domain.workflow import Actor, ActorKind, Role
from .extensions import db
from .models import Rating, Reporter, Ticket, TicketEventRow

RAW_TEXT_ROLES = (Role.ADMIN, Role.MRO)
# Whose words an event's note carries: the reporter (rating link) or their channel.
CITIZEN_ACTORS = (ActorKind.REPORTER, ActorKind.CHANNEL)


# --- reading: which text this reader gets ---------------------------------------------


def reads_raw_text(actor: Actor | None) -> bool:
    """Whether ``actor`` reads citizens' text as written (admin and MRO only)."""
    return actor is not None and actor.kind is ActorKind.USER and actor.has_role(*RAW_TEXT_ROLES)


def description_column(actor: Actor | None) -> ColumnElement[str]:
    """The ticket description as ``actor`` may read it, to select in any query."""
    if reads_raw_text(actor):
        return Ticket.description.expression
    return func.coalesce(Ticket.public_description, literal(""))


def comment_column(actor: Actor | None) -> ColumnElement[str]:
    """A rating's comment as ``actor`` may read it, to select in any query."""
    if reads_raw_text(actor):
        return Rating.comment.expression
    return func.coalesce(Rating.public_comment, literal(""))


def description_of(actor: Actor | None, ticket_id: int) -> str:
    """One ticket's description as ``actor`` may read it."""
    return db.session.scalar(select(description_column(actor)).where(Ticket.id == ticket_id)) or ""


def descriptions_of(actor: Actor | None, ticket_ids: list[int]) -> dict[int, str]:
    """Several tickets' descriptions as ``actor`` may read them, by ticket id."""
    if not ticket_ids:
        return {}
    rows = db.session.execute(
        select(Ticket.id, description_column(actor)).where(Ticket.id.in_(ticket_ids))
    )
    return {tid: text or "" for tid, text in rows}


def history_notes(
    actor: Actor | None, ticket_id: int, events: list[TicketEventRow]
) -> dict[int, str]:
    """Each history row's note as ``actor`` may read it, by row id.

    Notes are stored redacted where a citizen wrote them; admin and MRO read a
    rating comment as written (the rating recorded with its ``rated`` event).
    """
    notes = {e.id: e.note or "" for e in events}
    if not reads_raw_text(actor) or not any(e.kind == "rated" for e in events):
        return notes
    written = dict(
        db.session.execute(
            select(Rating.at, Rating.comment).where(Rating.ticket_id == ticket_id)
        ).all()
    )
    for e in events:
        if e.kind == "rated" and e.at in written:
            notes[e.id] = written[e.at]
    return notes


# --- writing: the redacted copy, made while the reporter is known ----------------------


@dataclasses.dataclass(frozen=True)
class Identity:
    """What the reporter gave about themselves: what to mask in their words."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None


def identity_of(ticket: Ticket) -> Identity:
    """The ticket's reporter, read for masking only (nothing is shown or returned)."""
    if ticket.reporter_id is None:
        return Identity()
    row = db.session.execute(
        select(Reporter.name, Reporter.phone, Reporter.email).where(
            Reporter.id == ticket.reporter_id
        )
    ).first()
    return Identity() if row is None else Identity(row.name, row.phone, row.email)


def redacted(text: str, identity: Identity) -> str:
    """``text`` with personal data and this reporter's own name and contact masked."""
    return redaction.redact(text, names=[identity.name], extra=[identity.phone, identity.email])


def public_copy(ticket: Ticket, text: str) -> str:
    """The redacted copy of a citizen's ``text`` about ``ticket``."""
    return redacted(text, identity_of(ticket))


def carries_citizen_text(event: TicketEvent) -> bool:
    return event.actor.kind in CITIZEN_ACTORS and bool(event.note)


def masked_event(ticket: Ticket, event: TicketEvent) -> TicketEvent:
    """The event with a citizen's note redacted, as the history stores and pushes it."""
    if not carries_citizen_text(event):
        return event
    return dataclasses.replace(event, note=public_copy(ticket, event.note))
