"""Acting on a ticket: start work, dispose, hand back, coordinate, set EWS,
complete, rate, verify, reopen, reject, escalate, add a note.

Every use case goes through ``act``: load the ticket inside the actor's
scope, let the state machine decide, apply the event to the row, append the
history row in the same transaction, commit, then publish. What an event
changes on the row (``apply_event``) and the history row are in ``ticket_rows``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from .. import disclosure
from ..database import begin_write
from ..domain import events as ev
from ..domain import sla
from ..domain import validation as validation_rules
from ..domain import workflow as wf
from ..domain.workflow import Actor
from ..extensions import db
from ..models import Photo, Ticket, TicketEventRow, Unit
from ..queries import validation as validation_reads
from ..scope import ticket_scope
from . import kpi as kpi_rollup
from . import photos as photo_rules
from .errors import Conflict, InvalidInput, NotFound
from .ticket_rows import apply_event, history_row, state_of

Publish = Callable[[ev.TicketEvent], None]


def no_publish(_event: ev.TicketEvent) -> None:
    """For callers with nobody listening (demo data, one-off commands)."""


# --- loading ----------------------------------------------------------------


def load_visible(ticket_id: int, actor: Actor) -> Ticket:
    """The ticket, if the actor may see it; NotFound otherwise."""
    ticket = db.session.scalar(select(Ticket).where(Ticket.id == ticket_id, ticket_scope(actor)))
    if ticket is None:
        raise NotFound("Tiket tidak ditemukan.")
    return ticket


def scoped(
    event: ev.TicketEvent,
    ticket: Ticket,
    row: TicketEventRow,
    escalated_before: int | None = None,
) -> ev.TicketEvent:
    """The event with its sequence number, the ticket's version and scope, for live routing:
    the lead, supporting and escalated-to units see it; an escalated-to unit the event
    took the ticket away from (``escalated_before``) is told to drop it."""
    units = tuple(
        dict.fromkeys(
            u
            for u in (
                ticket.assigned_unit_id,
                *sorted(ticket.supporting_unit_ids),
                ticket.escalated_unit_id,
            )
            if u is not None
        )
    )
    left = (
        (escalated_before,)
        if escalated_before is not None and escalated_before not in units
        else ()
    )
    return dataclasses.replace(
        event,
        version=ticket.version,
        kota_id=ticket.kota_id,
        unit_ids=units,
        left_unit_ids=left,
        event_id=row.id,
    )


def commit_or_conflict(before_commit: Callable[[], None] | None = None) -> None:
    try:
        if before_commit is not None:
            before_commit()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(
            "Tiket ini baru saja diubah oleh orang lain. Muat ulang lalu coba lagi."
        ) from None


def act(
    ticket_id: int,
    action: wf.Action,
    *,
    actor: Actor,
    now: datetime,
    publish: Publish,
    expected_version: int | None = None,
    photos: Sequence[bytes] = (),
    escalations: Callable[[Ticket], frozenset[str]] | None = None,
    also: Callable[[Ticket, ev.TicketEvent], None] | None = None,
) -> ev.TicketEvent:
    """The one path by which a ticket changes. ``escalations`` supplies the
    levels already raised; ``also`` adds rows that belong to the same
    transaction (an escalation's own record)."""
    cleaned = clean_photos(photos)  # before the write lock: Pillow's work must not hold it
    begin_write()
    ticket = load_visible(ticket_id, actor)
    if expected_version is not None and ticket.version != expected_version:
        db.session.rollback()
        raise Conflict("Tiket ini baru saja diubah oleh orang lain. Muat ulang lalu coba lagi.")
    kpi_before = kpi_rollup.facts_for(ticket.id)
    try:
        raised = escalations(ticket) if escalations is not None else None
        event = wf.transition(state_of(ticket, raised), action, actor, now)
    except wf.InvalidTransition:
        db.session.rollback()
        raise
    check_targets(event)
    # A citizen's words (a rating comment) are kept in the history, on the
    # ticket and in the pushed event only redacted.
    event = disclosure.masked_event(ticket, event)
    row = history_row(event)
    db.session.add(row)
    escalated_before = ticket.escalated_unit_id
    if photos:
        db.session.flush()  # the history row's id, for the photos to point at
        ids = store_photos(ticket, cleaned, purpose="evidence", now=now, event_id=row.id)
        event = dataclasses.replace(event, photo_ids=tuple(ids))  # type: ignore[call-arg]
        row.data = event.data()
    apply_event(ticket, event)
    if also is not None:
        also(ticket, event)
    commit_or_conflict(lambda: kpi_rollup.record_change(ticket.id, kpi_before))
    event = scoped(event, ticket, row, escalated_before)
    publish(event)
    return event


# A database id is a signed 64-bit integer; anything else names no unit.
_MAX_ID = 2**63 - 1


def check_targets(event: ev.TicketEvent) -> None:
    """The units a disposition or coordination request names must exist and
    handle tickets (the domain's rule); otherwise nothing is stored."""
    ids = wf.event_targets(event)
    if not ids:
        return
    known = [i for i in ids if 0 < i <= _MAX_ID]
    found = {
        u.id: wf.UnitRef(id=u.id, kind=u.kind, name=u.name)
        for u in (db.session.scalars(select(Unit).where(Unit.id.in_(known))) if known else ())
    }
    refusals = [r for i in ids if (r := wf.target_refusal(i, found.get(i))) is not None]
    if refusals:
        db.session.rollback()
        field = "unit_id" if isinstance(event, ev.TicketDisposed) else "unit_ids"
        raise InvalidInput({field: " ".join(refusals)})


def clean_photos(photos: Sequence[bytes | photo_rules.CleanPhoto]) -> list[photo_rules.CleanPhoto]:
    """Check and re-encode uploads (Pillow's work): call it before ``begin_write``,
    so that no write transaction holds SQLite's lock while images are decoded."""
    cfg = current_app.config
    if len(photos) > cfg["MAX_PHOTOS"]:
        db.session.rollback()
        raise InvalidInput({"photos": f"paling banyak {cfg['MAX_PHOTOS']} foto"})
    cleaned = []
    errors = {}
    for i, data in enumerate(photos):
        if isinstance(data, photo_rules.CleanPhoto):
            cleaned.append(data)
            continue
        try:
            cleaned.append(
                photo_rules.clean_photo(
                    data, max_bytes=cfg["MAX_PHOTO_BYTES"], max_pixels=cfg["MAX_PHOTO_PIXELS"]
                )
            )
        except photo_rules.BadPhoto as exc:
            errors[f"photos[{i}]"] = str(exc)
    if errors:
        db.session.rollback()
        raise InvalidInput(errors)
    return cleaned


def store_photos(
    ticket: Ticket,
    photos: Sequence[bytes | photo_rules.CleanPhoto],
    *,
    purpose: str,
    now: datetime,
    event_id: int | None,
) -> list[int]:
    """Photo rows for ``ticket``; pass them through ``clean_photos`` before the write lock."""
    cleaned = clean_photos(photos)
    rows = [
        Photo(
            ticket_id=ticket.id,
            event_id=event_id,
            purpose=purpose,
            mime=p.mime,
            width=p.width,
            height=p.height,
            sha256=p.sha256,
            content=p.content,
            created_at=now,
        )
        for p in cleaned
    ]
    db.session.add_all(rows)
    db.session.flush()
    return [r.id for r in rows]


# --- the use cases -------------------------------------------------------------


def start_work(
    ticket_id: int,
    *,
    actor: Actor,
    now: datetime,
    publish: Publish,
    expected_version: int | None = None,
    note: str = "",
) -> ev.TicketEvent:
    """An officer of the lead unit starts working the ticket (mengerjakan)."""
    return act(
        ticket_id,
        wf.StartWork(note=note),
        actor=actor,
        now=now,
        publish=publish,
        expected_version=expected_version,
    )


def dispose(
    ticket_id: int,
    *,
    to_unit_id: int,
    reason: str,
    actor: Actor,
    now: datetime,
    publish: Publish,
    expected_version: int | None = None,
) -> ev.TicketEvent:
    """Route the ticket on to another unit (disposisi); act() checks the target."""
    return act(
        ticket_id,
        wf.Dispose(to_unit_id=to_unit_id, reason=reason),
        actor=actor,
        now=now,
        publish=publish,
        expected_version=expected_version,
    )


def hand_back(
    ticket_id: int,
    *,
    reason: str,
    actor: Actor,
    now: datetime,
    publish: Publish,
    expected_version: int | None = None,
) -> ev.TicketEvent:
    """The unit says 'bukan kewenangan': back to the MRO routing queue."""
    return act(
        ticket_id,
        wf.HandBack(reason=reason),
        actor=actor,
        now=now,
        publish=publish,
        expected_version=expected_version,
    )


def coordinate(
    ticket_id: int,
    *,
    unit_ids: Sequence[int],
    note: str,
    actor: Actor,
    now: datetime,
    publish: Publish,
    expected_version: int | None = None,
) -> ev.TicketEvent:
    """The lead unit asks supporting units to work the ticket with it (koordinasi)."""
    return act(
        ticket_id,
        wf.Coordinate(unit_ids=tuple(unit_ids), note=note),
        actor=actor,
        now=now,
        publish=publish,
        expected_version=expected_version,
    )


def set_ews(
    ticket_id: int,
    *,
    ews_at: datetime,
    reason: str,
    actor: Actor,
    now: datetime,
    publish: Publish,
    expected_version: int | None = None,
) -> ev.TicketEvent:
    """A big job: the unit sets an estimated completion date (EWS)."""
    return act(
        ticket_id,
        wf.SetEws(ews_at=ews_at, reason=reason),
        actor=actor,
        now=now,
        publish=publish,
        expected_version=expected_version,
    )


def complete(
    ticket_id: int,
    *,
    note: str,
    photos: Sequence[bytes],
    actor: Actor,
    now: datetime,
    publish: Publish,
    expected_version: int | None = None,
    public_note: str = "",
) -> ev.TicketEvent:
    """The lead unit completes the ticket with photo evidence (and, optionally, a
    note for the citizen's tracking page)."""
    return act(
        ticket_id,
        wf.Complete(note=note, photo_count=len(photos), public_note=public_note),
        actor=actor,
        now=now,
        publish=publish,
        expected_version=expected_version,
        photos=photos,
    )


def rate(
    ticket_id: int,
    *,
    rating: int,
    fixed: bool,
    comment: str,
    actor: Actor,
    now: datetime,
    publish: Publish,
) -> ev.TicketEvent:
    """The reporter (or their channel) rates a completion; a low one is flagged for review."""
    threshold = current_app.config["RATING_THRESHOLD"]
    return act(
        ticket_id,
        wf.Rate(rating=rating, fixed=fixed, comment=comment, threshold=threshold),
        actor=actor,
        now=now,
        publish=publish,
    )


def verify(
    ticket_id: int,
    *,
    note: str,
    field_verified: bool,
    actor: Actor,
    now: datetime,
    publish: Publish,
    expected_version: int | None = None,
    justification: str = "",
) -> ev.TicketEvent:
    """A validator accepts the completion: the ticket is closed (Selesai). Against the
    reporter's "not fixed" only with a one-line justification (domain.validation)."""
    justification = validation_rules.one_line(justification)

    def justified(_ticket: Ticket, _event: ev.TicketEvent) -> None:
        # Asked once the scope and the state machine have said yes: someone who may not
        # see or verify the ticket learns nothing about its rating from the refusal.
        not_fixed = validation_reads.rated_not_fixed(ticket_id)
        problem = validation_rules.justification_problem(justification, rated_not_fixed=not_fixed)
        if problem:
            db.session.rollback()
            raise InvalidInput({"justification": problem})

    return act(
        ticket_id,
        wf.Verify(note=note, field_verified=field_verified, justification=justification),
        actor=actor,
        now=now,
        publish=publish,
        expected_version=expected_version,
        also=justified,
    )


def reopen(
    ticket_id: int,
    *,
    reason: str,
    actor: Actor,
    now: datetime,
    publish: Publish,
    expected_version: int | None = None,
) -> ev.TicketEvent:
    """A validator rejects the completion: back to the unit with a new deadline."""
    return act(
        ticket_id,
        wf.Reopen(reason=reason, redo_due_at=sla.redo_due(now)),
        actor=actor,
        now=now,
        publish=publish,
        expected_version=expected_version,
    )


def reject(
    ticket_id: int,
    *,
    reason: str,
    duplicate_of_id: int | None,
    actor: Actor,
    now: datetime,
    publish: Publish,
    expected_version: int | None = None,
) -> ev.TicketEvent:
    """Close a ticket as spam, duplicate or not a provincial matter (Ditolak)."""
    if duplicate_of_id is not None:
        load_visible(duplicate_of_id, actor)
    return act(
        ticket_id,
        wf.Reject(reason=reason, duplicate_of_id=duplicate_of_id),
        actor=actor,
        now=now,
        publish=publish,
        expected_version=expected_version,
    )


def add_note(
    ticket_id: int, *, text: str, kind: str, actor: Actor, now: datetime, publish: Publish
) -> ev.TicketEvent:
    """A note, a warning (teguran) or an acknowledgement on the ticket's history."""
    return act(ticket_id, wf.AddNote(text=text, kind=kind), actor=actor, now=now, publish=publish)
