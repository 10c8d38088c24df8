"""Acting on a ticket: start work, dispose, hand back, coordinate, set EWS,
complete, rate, verify, reopen, reject, escalate, add a note.

Every use case goes through ``act``: load the ticket inside the actor's
scope, let the state machine decide, apply the event to the row, append the
history row in the same transaction, commit, then publish.
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
from ..domain import kpis, sla
from ..domain import workflow as wf
from ..domain.workflow import Actor, Status
from ..extensions import db
from ..models import Photo, Ticket, TicketEventRow, TicketSupport, Unit
from ..scope import ticket_scope
from . import kpi as kpi_rollup
from . import photos as photo_rules
from .errors import Conflict, InvalidInput, NotFound

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


def state_of(ticket: Ticket, escalations: frozenset[str] | None = None) -> wf.TicketState:
    """What the state machine needs. ``escalations``: the levels already
    raised on the ticket's current clocks (the escalation service loads them)."""
    if escalations is None:
        escalations = frozenset(
            {1: {"level1"}, 2: {"level1", "level2"}}.get(ticket.escalation_level, set())
        )
    return wf.TicketState(
        id=ticket.id,
        status=Status(ticket.status),
        assigned_unit_id=ticket.assigned_unit_id,
        supporting_unit_ids=ticket.supporting_unit_ids,
        responded=ticket.first_response_at is not None,
        reopen_confirmed=ticket.reopen_confirmed,
        completed_once=ticket.first_completed_at is not None,
        validation_kota_id=ticket.handling_kota_id,
        ticket_kota_id=ticket.kota_id,
        escalations=frozenset(escalations),
        field_check_requested=ticket.field_check_requested_at is not None,
        escalated_unit_id=ticket.escalated_unit_id,
        validation_due_at=ticket.validation_due_at,
    )


# --- applying an event to the row -------------------------------------------


def _unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise InvalidInput({"unit": "unit tidak dikenal (unknown unit)"})
    return unit


def _assign(ticket: Ticket, unit_id: int | None) -> None:
    ticket.assigned_unit_id = unit_id
    ticket.handling_kota_id = None if unit_id is None else _unit(unit_id).kota_id


def _new_cycle(ticket: Ticket, at: datetime) -> None:
    """A disposition, hand-back or confirmed reopen restarts the unworked clock."""
    ticket.clock_started_at = at
    ticket.clock_stopped_at = None
    ticket.escalation_level = 0
    ticket.escalation_flags = (ticket.escalation_flags or 0) & ~sla.UNWORKED_BITS
    ticket.escalated_unit_id = None  # a level-2 escalation belongs to its clock


def _new_validation_clock(ticket: Ticket, at: datetime) -> None:
    """A completion waits for its validator: a new validation deadline."""
    ticket.validation_due_at = sla.validation_due(at)
    ticket.field_check_requested_at = None
    ticket.escalation_flags = (ticket.escalation_flags or 0) & ~sla.ESCALATION_BITS["validation"]


def apply_event(ticket: Ticket, event: ev.TicketEvent) -> None:
    """Copy what the event decided onto the stored ticket."""
    at = event.at
    if event.responds and ticket.first_response_at is None:
        ticket.first_response_at = at
        ticket.response_margin_min = sla.margin_minutes(ticket.response_due_at, at)
    if event.by_assigned_unit and ticket.clock_stopped_at is None:
        ticket.clock_stopped_at = at
    match event:
        case ev.WorkStarted():
            if ticket.work_started_at is None:
                ticket.work_started_at = at
        case ev.TicketDisposed():
            _assign(ticket, event.to_unit_id)
            _new_cycle(ticket, at)
        case ev.TicketHandedBack():
            _assign(ticket, None)
            _new_cycle(ticket, at)
        case ev.CoordinationRequested():
            have = ticket.supporting_unit_ids
            for unit_id in event.unit_ids:
                _unit(unit_id)
                if unit_id not in have:
                    ticket.supporting.append(TicketSupport(unit_id=unit_id, added_at=at))
        case ev.EwsSet():
            ticket.ews_at = event.ews_at
            # The EWS replaces the completion deadline: a new completion clock.
            ticket.completion_due_at = event.ews_at
            ticket.escalation_flags = (ticket.escalation_flags or 0) & ~sla.ESCALATION_BITS[
                "overdue"
            ]
        case ev.TicketCompleted():
            ticket.completed_at = at
            ticket.reopen_confirmed = False
            ticket.low_rated_at = None
            _new_validation_clock(ticket, at)
            if ticket.first_completed_at is None:
                ticket.first_completed_at = at
                ticket.completion_margin_min = sla.margin_minutes(ticket.completion_due_at, at)
                ticket.handling_min = kpis.minutes_between(ticket.received_at, at)
        case ev.TicketRated():
            ticket.rating = event.rating
            if event.low:
                ticket.low_rated_at = at
        case ev.ReturnedForReview():
            ticket.reopen_confirmed = False
            if event.reason == "low_rating":
                ticket.low_rated_at = None  # the low rating is with its validator: handled
            _new_validation_clock(ticket, at)
        case ev.FieldCheckRequested():
            ticket.field_check_requested_at = at
        case ev.TicketVerified():
            if ticket.first_validation is None:
                ticket.first_validation = "verified"
            ticket.validated_at = at
            ticket.closed_at = at
            ticket.validation_due_at = None
            ticket.field_check_requested_at = None
        case ev.TicketReopened():
            if ticket.first_validation is None:
                ticket.first_validation = "reopened"
            ticket.reopens = (ticket.reopens or 0) + 1
            ticket.validated_at = at
            ticket.validation_due_at = None
            ticket.field_check_requested_at = None
            ticket.reopen_confirmed = True
            ticket.redo_due_at = event.redo_due_at
            _new_cycle(ticket, at)
            # The redo deadline is a new completion clock.
            ticket.escalation_flags &= ~sla.ESCALATION_BITS["overdue"]
        case ev.TicketRejected():
            ticket.closed_at = at
            ticket.duplicate_of_id = event.duplicate_of_id
        case ev.TicketEscalated():
            bit = sla.ESCALATION_BITS[event.level]
            ticket.escalation_flags = (ticket.escalation_flags or 0) | bit
            ticket.escalations_ever = (ticket.escalations_ever or 0) | bit
            level = {"level1": 1, "level2": 2}.get(event.level)
            if level is not None and level > ticket.escalation_level:
                ticket.escalation_level = level
            if event.level == "level2" and event.notify_unit_id != ticket.assigned_unit_id:
                ticket.escalated_unit_id = event.notify_unit_id
        case ev.NoteAdded() if event.note_kind == "acknowledge":
            ticket.escalation_ack_at = at
    ticket.status = event.to_status.value
    if event.to_status.is_open:
        ticket.closed_at = None  # a verified ticket reopened by a low rating is open again
    if event.note and not isinstance(event, ev.NoteAdded):
        ticket.last_reason = event.note
    ticket.updated_at = at
    ticket.event_count = (ticket.event_count or 0) + 1


def history_row(event: ev.TicketEvent) -> TicketEventRow:
    return TicketEventRow(
        ticket_id=event.ticket_id,
        kind=event.kind,
        at=event.at,
        actor_kind=event.actor.kind.value,
        actor_user_id=event.actor.user_id,
        actor_label=event.actor.label,
        from_status=event.from_status.value if event.from_status else None,
        to_status=event.to_status.value,
        note=event.note,
        data=event.data(),
    )


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
) -> ev.TicketEvent:
    """The lead unit completes the ticket with photo evidence."""
    return act(
        ticket_id,
        wf.Complete(note=note, photo_count=len(photos)),
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
) -> ev.TicketEvent:
    """A validator accepts the completion: the ticket is closed (Selesai)."""
    return act(
        ticket_id,
        wf.Verify(note=note, field_verified=field_verified),
        actor=actor,
        now=now,
        publish=publish,
        expected_version=expected_version,
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
