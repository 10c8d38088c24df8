"""Who may do what to a ticket: the relations a staff member has to it, the
rights table by relation, and which units may receive a ticket.

``check_permission`` raises ``NotPermitted`` naming who may act instead.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from . import events as ev
from .actions import (
    ACTION_NAMES,
    Action,
    AddNote,
    Complete,
    Coordinate,
    Dispose,
    Escalate,
    HandBack,
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
from .states import Actor, ActorKind, Role, TicketState


class Relation(enum.StrEnum):
    """How a staff member stands to a ticket, for the rights table below."""

    CONTROL_ROOM = "control_room"  # MRO or admin
    LEAD = "lead"  # an officer of the assigned unit
    SUPPORTING = "supporting"  # an officer of a unit asked to coordinate
    ESCALATED_TO = "escalated_to"  # an officer of the unit a level-2 escalation named
    VALIDATOR = "validator"  # the ticket's validating body (or admin)


# Who may do what, by relation (the WORKFLOW.md table). Notes are split by kind.
# The unit a level-2 escalation names (the camat above a kelurahan, the walikota's
# office above a kecamatan) may warn the unit below, note, and route the ticket on.
R = Relation
RIGHTS: dict[str, frozenset[Relation]] = {
    "start_work": frozenset({R.LEAD}),
    "coordinate": frozenset({R.LEAD}),
    "ews": frozenset({R.LEAD}),
    "complete": frozenset({R.LEAD}),
    "hand_back": frozenset({R.LEAD}),
    "dispose": frozenset({R.LEAD, R.ESCALATED_TO, R.CONTROL_ROOM}),
    "validate": frozenset({R.VALIDATOR}),
    "note": frozenset({R.CONTROL_ROOM, R.LEAD, R.SUPPORTING, R.ESCALATED_TO}),
    "warning": frozenset({R.CONTROL_ROOM, R.ESCALATED_TO}),
    "acknowledge": frozenset({R.CONTROL_ROOM}),
}

RELATION_LABELS: dict[Relation, str] = {
    R.CONTROL_ROOM: "MRO atau admin",
    R.LEAD: "petugas unit penanggung jawab",
    R.SUPPORTING: "petugas unit pendukung",
    R.ESCALATED_TO: "petugas unit atasan yang menerima eskalasi",
    R.VALIDATOR: "validator",
}

NOTE_KINDS = ("note", "warning", "acknowledge")


def relations(state: TicketState, actor: Actor) -> frozenset[Relation]:
    """Every relation ``actor`` has to the ticket."""
    out: set[Relation] = set()
    if actor.has_role(Role.MRO, Role.ADMIN):
        out.add(R.CONTROL_ROOM)
    if actor.has_role(Role.OFFICER) and actor.unit_id is not None:
        if actor.unit_id == state.assigned_unit_id:
            out.add(R.LEAD)
        if actor.unit_id in state.supporting_unit_ids:
            out.add(R.SUPPORTING)
        if actor.unit_id == state.escalated_unit_id:
            out.add(R.ESCALATED_TO)
    if actor.has_role(Role.ADMIN) or (
        actor.has_role(Role.VALIDATOR) and actor.kota_id == state.validation_kota_id
    ):
        out.add(R.VALIDATOR)
    return frozenset(out)


def may(state: TicketState, actor: Actor, right: str) -> bool:
    return bool(RIGHTS[right] & relations(state, actor))


def note_kinds(state: TicketState, actor: Actor) -> list[str]:
    """The kinds of note ``actor`` may add to the ticket (for drawing the form)."""
    return [k for k in NOTE_KINDS if may(state, actor, k)]


def _who(right: str) -> str:
    labels = [RELATION_LABELS[r] for r in Relation if r in RIGHTS[right]]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " atau " + labels[-1]


def is_lead_officer(state: TicketState, actor: Actor) -> bool:
    """An officer of the assigned (lead) unit."""
    return R.LEAD in relations(state, actor)


# Who may receive a disposition or a coordination request: the units that
# handle tickets. Not the province as a whole, and not a validator body
# (Biro / Bagian Pemerintahan), which judges completions and works no tickets.
HANDLING_UNIT_KINDS: tuple[str, ...] = (
    "kelurahan",
    "kecamatan",
    "kota",
    "kabupaten",
    "agency",
    "bumd",
)


@dataclass(frozen=True)
class UnitRef:
    """What the routing rule needs to know about a target unit."""

    id: int
    kind: str
    name: str


def target_refusal(unit_id: int, unit: UnitRef | None) -> str | None:
    """Why ``unit`` may not receive a disposition or coordination request (None: it may)."""
    if unit is None:
        return f"Unit tujuan #{unit_id} tidak dikenal."
    if unit.kind not in HANDLING_UNIT_KINDS:
        what = "adalah badan validasi" if unit.kind == "validator" else "bukan unit penanganan"
        return (
            f"{unit.name} {what}; tiket hanya dapat diteruskan ke kelurahan, "
            "kecamatan, kota/kabupaten, SKPD/UKPD atau BUMD."
        )
    return None


def event_targets(event: ev.TicketEvent) -> tuple[int, ...]:
    """The units an event hands the ticket to (disposition) or brings in (coordination)."""
    match event:
        case ev.TicketDisposed():
            return (event.to_unit_id,)
        case ev.CoordinationRequested():
            return tuple(event.unit_ids)
    return ()


def check_permission(state: TicketState, action: Action, actor: Actor) -> None:
    """Raise NotPermitted unless ``actor`` may take ``action`` on the ticket."""
    name = ACTION_NAMES[type(action)]
    ok: bool
    match action:
        case StartWork() | Coordinate() | SetEws() | Complete() | Dispose() | HandBack():
            right = {
                StartWork: "start_work",
                Coordinate: "coordinate",
                SetEws: "ews",
                Complete: "complete",
                Dispose: "dispose",
                HandBack: "hand_back",
            }[type(action)]
            ok = may(state, actor, right)
            who = _who(right)
        case Rate():
            ok = actor.kind in (ActorKind.REPORTER, ActorKind.CHANNEL)
            who = "pelapor (melalui tautan) atau kanal"
        case ReturnForReview():
            ok = actor.kind is ActorKind.SYSTEM
            who = "sistem"
        case Verify() | Reopen() | RequestFieldCheck():
            ok = may(state, actor, "validate")
            who = (
                "validator Biro Pemerintahan"
                if state.validation_kota_id is None
                else "validator Bagian Pemerintahan kota tiket ini"
            )
        case Reject():
            ok = actor.has_role(Role.MRO, Role.ADMIN) or (
                is_lead_officer(state, actor) and action.duplicate_of_id is not None
            )
            who = "MRO atau admin (petugas unit hanya untuk laporan ganda)"
        case Escalate():
            ok = actor.kind is ActorKind.SYSTEM
            who = "sistem"
        case AddNote():
            kind = action.kind if action.kind in RIGHTS else "note"
            ok = may(state, actor, kind)
            who = _who(kind)
        case _:  # pragma: no cover - exhaustive over Action
            raise TypeError(f"unknown action {action!r}")
    if not ok:
        raise NotPermitted(f"Hanya {who} yang boleh melakukan '{name}'.")
