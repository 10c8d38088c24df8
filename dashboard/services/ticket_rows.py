"""How a decided event lands on the stored ticket: the state the machine reads
from the row, the row's changes per event kind, and the history row.

``apply_event`` is shared by ``act()`` and the demo generator (which applies
the same rules to tickets in memory), so it reads and writes only the
ticket's own columns and its supporting units.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..domain import events as ev
from ..domain import kpis, sla
from ..domain import workflow as wf
from ..domain.workflow import Status
from ..extensions import db
from ..models import Ticket, TicketEventRow, TicketSupport, Unit
from .errors import InvalidInput


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
    applier = APPLIERS.get(type(event))
    if applier is not None:
        applier(ticket, event)
    ticket.status = event.to_status.value
    if event.to_status.is_open:
        ticket.closed_at = None  # a verified ticket reopened by a low rating is open again
    if event.note and not isinstance(event, ev.NoteAdded):
        ticket.last_reason = event.note
    ticket.updated_at = at
    ticket.event_count = (ticket.event_count or 0) + 1


# --- what each kind of event changes on the row -----------------------------------


def _work_started(ticket: Ticket, event: ev.WorkStarted) -> None:
    if ticket.work_started_at is None:
        ticket.work_started_at = event.at


def _disposed(ticket: Ticket, event: ev.TicketDisposed) -> None:
    _assign(ticket, event.to_unit_id)
    _new_cycle(ticket, event.at)


def _handed_back(ticket: Ticket, event: ev.TicketHandedBack) -> None:
    _assign(ticket, None)
    _new_cycle(ticket, event.at)


def _coordination_requested(ticket: Ticket, event: ev.CoordinationRequested) -> None:
    have = ticket.supporting_unit_ids
    for unit_id in event.unit_ids:
        _unit(unit_id)
        if unit_id not in have:
            ticket.supporting.append(TicketSupport(unit_id=unit_id, added_at=event.at))


def _ews_set(ticket: Ticket, event: ev.EwsSet) -> None:
    ticket.ews_at = event.ews_at
    # The EWS replaces the completion deadline: a new completion clock.
    ticket.completion_due_at = event.ews_at
    ticket.escalation_flags = (ticket.escalation_flags or 0) & ~sla.ESCALATION_BITS["overdue"]


def _completed(ticket: Ticket, event: ev.TicketCompleted) -> None:
    at = event.at
    ticket.completed_at = at
    ticket.reopen_confirmed = False
    ticket.low_rated_at = None
    _new_validation_clock(ticket, at)
    if ticket.first_completed_at is None:
        ticket.first_completed_at = at
        ticket.completion_margin_min = sla.margin_minutes(ticket.completion_due_at, at)
        ticket.handling_min = kpis.minutes_between(ticket.received_at, at)


def _rated(ticket: Ticket, event: ev.TicketRated) -> None:
    ticket.rating = event.rating
    if event.low:
        ticket.low_rated_at = event.at


def _returned_for_review(ticket: Ticket, event: ev.ReturnedForReview) -> None:
    ticket.reopen_confirmed = False
    if event.reason == "low_rating":
        ticket.low_rated_at = None  # the low rating is with its validator: handled
    _new_validation_clock(ticket, event.at)


def _field_check_requested(ticket: Ticket, event: ev.FieldCheckRequested) -> None:
    ticket.field_check_requested_at = event.at


def _verified(ticket: Ticket, event: ev.TicketVerified) -> None:
    if ticket.first_validation is None:
        ticket.first_validation = "verified"
    ticket.validated_at = event.at
    ticket.closed_at = event.at
    ticket.validation_due_at = None
    ticket.field_check_requested_at = None


def _reopened(ticket: Ticket, event: ev.TicketReopened) -> None:
    if ticket.first_validation is None:
        ticket.first_validation = "reopened"
    ticket.reopens = (ticket.reopens or 0) + 1
    ticket.validated_at = event.at
    ticket.validation_due_at = None
    ticket.field_check_requested_at = None
    ticket.reopen_confirmed = True
    ticket.redo_due_at = event.redo_due_at
    _new_cycle(ticket, event.at)
    # The redo deadline is a new completion clock.
    ticket.escalation_flags &= ~sla.ESCALATION_BITS["overdue"]


def _rejected(ticket: Ticket, event: ev.TicketRejected) -> None:
    ticket.closed_at = event.at
    ticket.duplicate_of_id = event.duplicate_of_id


def _escalated(ticket: Ticket, event: ev.TicketEscalated) -> None:
    bit = sla.ESCALATION_BITS[event.level]
    ticket.escalation_flags = (ticket.escalation_flags or 0) | bit
    ticket.escalations_ever = (ticket.escalations_ever or 0) | bit
    level = {"level1": 1, "level2": 2}.get(event.level)
    if level is not None and level > ticket.escalation_level:
        ticket.escalation_level = level
    if event.level == "level2" and event.notify_unit_id != ticket.assigned_unit_id:
        ticket.escalated_unit_id = event.notify_unit_id


def _note_added(ticket: Ticket, event: ev.NoteAdded) -> None:
    if event.note_kind == "acknowledge":
        ticket.escalation_ack_at = event.at


# An applier takes the event of the type it is listed under. The received event
# (and any kind not listed) changes only the fields every event changes.
Applier = Callable[[Ticket, Any], None]

APPLIERS: dict[type[ev.TicketEvent], Applier] = {
    ev.WorkStarted: _work_started,
    ev.TicketDisposed: _disposed,
    ev.TicketHandedBack: _handed_back,
    ev.CoordinationRequested: _coordination_requested,
    ev.EwsSet: _ews_set,
    ev.TicketCompleted: _completed,
    ev.TicketRated: _rated,
    ev.ReturnedForReview: _returned_for_review,
    ev.FieldCheckRequested: _field_check_requested,
    ev.TicketVerified: _verified,
    ev.TicketReopened: _reopened,
    ev.TicketRejected: _rejected,
    ev.TicketEscalated: _escalated,
    ev.NoteAdded: _note_added,
}


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
