"""The ticket state machine: ``transition()`` decides one action on one ticket.

Plain Python: nothing here imports Flask or SQLAlchemy, and nothing reads the
clock. ``transition(state, action, actor, now)`` either returns a past-tense
event (see ``events.py``) describing the change, or raises
``InvalidTransition`` with a reason a person can read. The service layer
applies the event to the stored ticket and appends it to the history.

The table in ``WORKFLOW.md`` is the specification. Its parts live beside this
module and are re-exported from it: the statuses, actors and ticket state in
``states.py``, the actions and ``ALLOWED_FROM`` (from which statuses each may
start) in ``actions.py``, who may do what in ``rights.py``. Here each action
has one function deciding its event, and ``DECISIONS`` maps action to function.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from . import events as ev
from .actions import (
    ACTION_NAMES,
    ALLOWED_FROM,
    ESCALATION_LEVELS,
    REVIEW_REASONS,
    Action,
    AddNote,
    Complete,
    Coordinate,
    Dispose,
    Escalate,
    HandBack,
    InvalidTransition,
    NotPermitted,
    Rate,
    Reject,
    Reopen,
    RequestFieldCheck,
    ReturnForReview,
    SetEws,
    StartWork,
    Verify,
)
from .rights import (
    HANDLING_UNIT_KINDS,
    NOTE_KINDS,
    RELATION_LABELS,
    RIGHTS,
    Relation,
    UnitRef,
    check_permission,
    event_targets,
    is_lead_officer,
    may,
    note_kinds,
    relations,
    target_refusal,
)
from .states import (
    OPEN_STATUSES,
    ROLE_LABELS,
    STATUS_LABELS,
    STATUS_TYPES,
    Actor,
    ActorKind,
    Confidentiality,
    Role,
    Status,
    StatusType,
    TicketState,
    unit_ids_involved,
)

__all__ = [
    "ACTION_NAMES",
    "ALLOWED_FROM",
    "DECISIONS",
    "ESCALATION_LEVELS",
    "HANDLING_UNIT_KINDS",
    "NOTE_KINDS",
    "OPEN_STATUSES",
    "RELATION_LABELS",
    "REVIEW_REASONS",
    "RIGHTS",
    "ROLE_LABELS",
    "STATUS_LABELS",
    "STATUS_TYPES",
    "Action",
    "Actor",
    "ActorKind",
    "AddNote",
    "Complete",
    "Confidentiality",
    "Coordinate",
    "Dispose",
    "Escalate",
    "HandBack",
    "InvalidTransition",
    "NotPermitted",
    "Rate",
    "Reject",
    "Relation",
    "Reopen",
    "RequestFieldCheck",
    "ReturnForReview",
    "Role",
    "SetEws",
    "StartWork",
    "Status",
    "StatusType",
    "TicketState",
    "UnitRef",
    "Verify",
    "allowed_actions",
    "event_targets",
    "may",
    "note_kinds",
    "relations",
    "target_refusal",
    "transition",
    "unit_ids_involved",
]

S = Status


def _require(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidTransition(f"{what} wajib diisi.")
    return text


def allowed_actions(state: TicketState, actor: Actor) -> list[type]:
    """The action types this actor could attempt now (for drawing buttons)."""
    out = []
    probes: dict[type, Action] = {
        StartWork: StartWork(),
        Dispose: Dispose(to_unit_id=-1, reason="x"),
        HandBack: HandBack(reason="x"),
        Coordinate: Coordinate(unit_ids=(-1,), note="x"),
        SetEws: SetEws(ews_at=datetime.max, reason="x"),
        Complete: Complete(note="x", photo_count=1),
        Verify: Verify(),
        Reopen: Reopen(reason="x", redo_due_at=datetime.max),
        Reject: Reject(reason="x", duplicate_of_id=-1),
        AddNote: AddNote(text="x"),
    }
    for kind, probe in probes.items():
        if state.status not in ALLOWED_FROM[kind]:
            continue
        if kind is StartWork and state.status is S.REOPENED and not state.reopen_confirmed:
            continue
        try:
            check_permission(state, probe, actor)
        except NotPermitted:
            continue
        out.append(kind)
    return out


def transition(state: TicketState, action: Action, actor: Actor, now: datetime) -> ev.TicketEvent:
    """Decide one action on one ticket; return the event or raise."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    name = ACTION_NAMES[type(action)]
    if state.status not in ALLOWED_FROM[type(action)]:
        raise InvalidTransition(f"Tidak dapat '{name}' tiket berstatus {state.status.label}.")
    check_permission(state, action, actor)

    # The response clock stops at the assigned unit's first action.
    by_unit = is_lead_officer(state, actor)
    base: dict[str, Any] = dict(
        ticket_id=state.id,
        at=now,
        actor=actor,
        from_status=state.status,
        responds=not state.responded and by_unit,
        by_assigned_unit=by_unit,
    )
    return DECISIONS[type(action)](state, action, base)


def _quiet(base: dict[str, Any]) -> dict[str, Any]:
    """An event that is not the unit working the ticket: the clocks keep running."""
    return {**base, "responds": False, "by_assigned_unit": False}


# --- one decision per action ---------------------------------------------------
# Each takes the ticket's state, the action and the fields every event shares
# (``base``: ticket, time, actor, from-status, clock flags) and returns its event.


def _start_work(state: TicketState, action: StartWork, base: dict[str, Any]) -> ev.TicketEvent:
    if state.status is S.REOPENED and not state.reopen_confirmed:
        raise InvalidTransition(
            "Tiket dibuka kembali karena nilai rendah dan menunggu keputusan "
            "validator; belum dapat dikerjakan ulang."
        )
    return ev.WorkStarted(**base, to_status=S.IN_PROGRESS, note=action.note.strip())


def _dispose(state: TicketState, action: Dispose, base: dict[str, Any]) -> ev.TicketEvent:
    reason = _require(action.reason, "Alasan disposisi")
    if action.to_unit_id == state.assigned_unit_id:
        raise InvalidTransition("Tiket sudah berada di unit tersebut.")
    return ev.TicketDisposed(
        **base,
        to_status=S.DISPOSITIONED,
        note=reason,
        from_unit_id=state.assigned_unit_id,
        to_unit_id=action.to_unit_id,
    )


def _hand_back(state: TicketState, action: HandBack, base: dict[str, Any]) -> ev.TicketEvent:
    reason = _require(action.reason, "Alasan bukan kewenangan")
    return ev.TicketHandedBack(
        **base, to_status=S.WAITING, note=reason, from_unit_id=state.assigned_unit_id
    )


def _coordinate(state: TicketState, action: Coordinate, base: dict[str, Any]) -> ev.TicketEvent:
    note = _require(action.note, "Catatan koordinasi")
    units = tuple(dict.fromkeys(u for u in action.unit_ids if u != state.assigned_unit_id))
    if not units:
        raise InvalidTransition("Pilih setidaknya satu unit pendukung selain unit ini.")
    return ev.CoordinationRequested(**base, to_status=S.COORDINATING, note=note, unit_ids=units)


def _set_ews(state: TicketState, action: SetEws, base: dict[str, Any]) -> ev.TicketEvent:
    reason = _require(action.reason, "Alasan EWS")
    if action.ews_at <= base["at"]:
        raise InvalidTransition("Tanggal EWS harus di masa depan.")
    return ev.EwsSet(**base, to_status=S.EWS, note=reason, ews_at=action.ews_at)


def _complete(state: TicketState, action: Complete, base: dict[str, Any]) -> ev.TicketEvent:
    note = _require(action.note, "Catatan penyelesaian")
    if action.photo_count < 1:
        raise InvalidTransition("Lampirkan setidaknya satu foto bukti penyelesaian.")
    return ev.TicketCompleted(
        **base,
        to_status=S.AWAITING_VALIDATION,
        note=note,
        first_completion=not state.completed_once,
        public_note=" ".join(action.public_note.split())[:1000],
    )


def _rate(state: TicketState, action: Rate, base: dict[str, Any]) -> ev.TicketEvent:
    if not 1 <= action.rating <= 5:
        raise InvalidTransition("Nilai harus antara 1 dan 5.")
    comment = action.comment.strip()
    if not action.fixed and not comment:
        raise InvalidTransition("Jelaskan mengapa masalah belum selesai.")
    low = (not action.fixed) or action.rating <= action.threshold
    # The rating is recorded as it is; a low one is sent back to the
    # validator by the reopen-low-rated job (exactly once, like escalation).
    return ev.TicketRated(
        **base,
        to_status=state.status,
        note=comment,
        rating=action.rating,
        fixed=action.fixed,
        low=low,
    )


def _return_for_review(
    state: TicketState, action: ReturnForReview, base: dict[str, Any]
) -> ev.TicketEvent:
    if action.reason not in REVIEW_REASONS:
        raise InvalidTransition(f"Alasan tidak dikenal: {action.reason}.")
    return ev.ReturnedForReview(
        **_quiet(base),
        to_status=S.REOPENED,
        note=action.note.strip() or REVIEW_REASONS[action.reason],
        reason=action.reason,
    )


def _request_field_check(
    state: TicketState, action: RequestFieldCheck, base: dict[str, Any]
) -> ev.TicketEvent:
    note = _require(action.note, "Catatan permintaan verifikasi lapangan")
    if state.status is S.REOPENED and state.reopen_confirmed:
        raise InvalidTransition("Tiket sudah dikembalikan ke unit.")
    return ev.FieldCheckRequested(**base, to_status=state.status, note=note)


def _verify(state: TicketState, action: Verify, base: dict[str, Any]) -> ev.TicketEvent:
    if state.status is S.REOPENED and state.reopen_confirmed:
        raise InvalidTransition("Tiket sudah dikembalikan ke unit; tunggu penyelesaian ulang.")
    if state.field_check_requested and not action.field_verified:
        raise InvalidTransition(
            "Verifikasi lapangan diminta: catat hasilnya sebelum memverifikasi."
        )
    return ev.TicketVerified(
        **base,
        to_status=S.VERIFIED,
        note=action.note.strip(),
        field_verified=action.field_verified,
        justification=action.justification,
        validation_due_at=state.validation_due_at,
        validation_kota_id=state.validation_kota_id,
    )


def _reopen(state: TicketState, action: Reopen, base: dict[str, Any]) -> ev.TicketEvent:
    reason = _require(action.reason, "Alasan membuka kembali")
    if state.status is S.REOPENED and state.reopen_confirmed:
        raise InvalidTransition("Tiket sudah dibuka kembali.")
    return ev.TicketReopened(
        **base,
        to_status=S.REOPENED,
        note=reason,
        redo_due_at=action.redo_due_at,
        validation_due_at=state.validation_due_at,
        validation_kota_id=state.validation_kota_id,
    )


def _reject(state: TicketState, action: Reject, base: dict[str, Any]) -> ev.TicketEvent:
    reason = _require(action.reason, "Alasan penolakan")
    if action.duplicate_of_id == state.id:
        raise InvalidTransition("Tiket tidak dapat menjadi duplikat dirinya sendiri.")
    return ev.TicketRejected(
        **base,
        to_status=S.REJECTED,
        note=reason,
        duplicate_of_id=action.duplicate_of_id,
    )


def _escalate(state: TicketState, action: Escalate, base: dict[str, Any]) -> ev.TicketEvent:
    if action.level not in ESCALATION_LEVELS:
        raise InvalidTransition(f"Tingkat eskalasi tidak dikenal: {action.level}.")
    if action.level in state.escalations:
        raise InvalidTransition("Eskalasi tingkat ini sudah tercatat.")
    return ev.TicketEscalated(
        **_quiet(base),
        to_status=state.status,
        note="",
        level=action.level,
        due_at=action.due_at,
        notify_unit_id=action.notify_unit_id,
    )


def _add_note(state: TicketState, action: AddNote, base: dict[str, Any]) -> ev.TicketEvent:
    text = _require(action.text, "Catatan")
    # A note is not working the ticket: the clocks keep running.
    return ev.NoteAdded(**_quiet(base), to_status=state.status, note=text, note_kind=action.kind)


# A decision takes the action of the type it is listed under.
Decision = Callable[[TicketState, Any, dict[str, Any]], ev.TicketEvent]

DECISIONS: dict[type, Decision] = {
    StartWork: _start_work,
    Dispose: _dispose,
    HandBack: _hand_back,
    Coordinate: _coordinate,
    SetEws: _set_ews,
    Complete: _complete,
    Rate: _rate,
    ReturnForReview: _return_for_review,
    RequestFieldCheck: _request_field_check,
    Verify: _verify,
    Reopen: _reopen,
    Reject: _reject,
    Escalate: _escalate,
    AddNote: _add_note,
}
