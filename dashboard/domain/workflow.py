"""The ticket state machine: statuses, actors, actions and who may do what.

Plain Python: nothing here imports Flask or SQLAlchemy, and nothing reads the
clock. ``transition(state, action, actor, now)`` either returns a past-tense
event (see ``events.py``) describing the change, or raises
``InvalidTransition`` with a reason a person can read. The service layer
applies the event to the stored ticket and appends it to the history.

The table in ``WORKFLOW.md`` is the specification; ``ALLOWED_FROM`` below is
that table in code, and the unit tests walk every cell of it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import events as ev


class StatusType(enum.StrEnum):
    OPEN = "open"
    CLOSED_FIXED = "closed_fixed"
    CLOSED_NOT_FIXED = "closed_not_fixed"


class Status(enum.StrEnum):
    WAITING = "waiting"
    DISPOSITIONED = "dispositioned"
    COORDINATING = "coordinating"
    IN_PROGRESS = "in_progress"
    EWS = "ews"
    AWAITING_VALIDATION = "awaiting_validation"
    REOPENED = "reopened"
    VERIFIED = "verified"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def type(self) -> StatusType:
        return STATUS_TYPES[self]

    @property
    def is_open(self) -> bool:
        return STATUS_TYPES[self] is StatusType.OPEN


# Citizen-facing vocabulary, as JAKI shows it.
STATUS_LABELS: dict[Status, str] = {
    Status.WAITING: "Menunggu",
    Status.DISPOSITIONED: "Disposisi",
    Status.COORDINATING: "Koordinasi",
    Status.IN_PROGRESS: "Proses",
    Status.EWS: "Proses (EWS)",
    Status.AWAITING_VALIDATION: "Menunggu Validasi",
    Status.REOPENED: "Dibuka Kembali",
    Status.VERIFIED: "Selesai",
    Status.REJECTED: "Ditolak",
}

STATUS_TYPES: dict[Status, StatusType] = {
    **{s: StatusType.OPEN for s in Status},
    Status.VERIFIED: StatusType.CLOSED_FIXED,
    Status.REJECTED: StatusType.CLOSED_NOT_FIXED,
}

OPEN_STATUSES: frozenset[Status] = frozenset(s for s in Status if s.is_open)


class Role(enum.StrEnum):
    ADMIN = "admin"
    MRO = "mro"
    OFFICER = "officer"
    VALIDATOR = "validator"
    EXECUTIVE = "executive"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "Administrator (UP JSC)",
    Role.MRO: "Monitoring Room Officer",
    Role.OFFICER: "Petugas unit",
    Role.VALIDATOR: "Validator",
    Role.EXECUTIVE: "Pimpinan",
}


class ActorKind(enum.StrEnum):
    USER = "user"  # a logged-in staff member
    CHANNEL = "channel"  # an intake channel's API client
    REPORTER = "reporter"  # the citizen, through a one-time token
    SYSTEM = "system"  # a scheduler job


@dataclass(frozen=True)
class Actor:
    """Who is acting. ``unit_id`` scopes officers; ``kota_id`` scopes
    validators and executives (``None`` there means the whole province)."""

    kind: ActorKind
    label: str
    role: Role | None = None
    user_id: int | None = None
    unit_id: int | None = None
    kota_id: int | None = None
    channel_code: str | None = None
    ticket_id: int | None = None  # a reporter's token opens exactly one ticket

    @classmethod
    def system(cls, label: str = "Sistem") -> Actor:
        return cls(kind=ActorKind.SYSTEM, label=label)

    @classmethod
    def channel(cls, code: str) -> Actor:
        return cls(kind=ActorKind.CHANNEL, label=f"Kanal {code}", channel_code=code)

    @classmethod
    def reporter(cls, ticket_id: int | None = None) -> Actor:
        return cls(kind=ActorKind.REPORTER, label="Pelapor", ticket_id=ticket_id)

    def has_role(self, *roles: Role) -> bool:
        return self.kind is ActorKind.USER and self.role in roles


class Confidentiality(enum.StrEnum):
    """LAPOR!'s distinction. Confidential is the default: the safe choice."""

    CONFIDENTIAL = "confidential"  # rahasia: identity kept, hidden from unit and public
    ANONYMOUS = "anonymous"  # anonim: no identity stored at all
    # biasa: identity kept and hidden from the unit and the public like rahasia,
    # but the (redacted) description is published on the transparency portal.
    PUBLIC = "public"

    @property
    def label(self) -> str:
        return {"confidential": "Rahasia", "anonymous": "Anonim", "public": "Biasa"}[self.value]

    @property
    def keeps_identity(self) -> bool:
        return self is not Confidentiality.ANONYMOUS

    @property
    def description_public(self) -> bool:
        """May the (redacted) description appear on public pages and Open311?"""
        return self is not Confidentiality.CONFIDENTIAL


@dataclass(frozen=True)
class TicketState:
    """What the state machine needs to know about a ticket."""

    id: int
    status: Status
    assigned_unit_id: int | None  # the lead unit; None = back in the MRO routing queue
    supporting_unit_ids: frozenset[int] = frozenset()
    responded: bool = False  # the assigned unit has acted at least once
    reopen_confirmed: bool = False  # a validator confirmed the reopen (vs. a low rating)
    completed_once: bool = False
    # The validating body: None = Biro Pemerintahan (province), else that kota's
    # Bagian Pemerintahan. Follows the handling unit's level.
    validation_kota_id: int | None = None
    ticket_kota_id: int | None = None
    escalations: frozenset[str] = frozenset()
    field_check_requested: bool = False
    # The unit a level-2 escalation of the current clock named (the kecamatan
    # above a kelurahan, the walikota's office above a kecamatan), if not the lead.
    escalated_unit_id: int | None = None
    # When the current completion must be validated by (None: no validation clock).
    validation_due_at: datetime | None = None


# --- actions -----------------------------------------------------------------


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


# --- permission checks -----------------------------------------------------


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
NOTE_KIND_LABELS = {
    "note": "Catatan",
    "warning": "Teguran ke unit",
    "acknowledge": "Eskalasi diterima",
}


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


def _is_lead_officer(state: TicketState, actor: Actor) -> bool:
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


def _check_permission(state: TicketState, action: Action, actor: Actor) -> None:
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
                _is_lead_officer(state, actor) and action.duplicate_of_id is not None
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


def _require(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidTransition(f"{what} wajib diisi.")
    return text


# --- the transition function ----------------------------------------------


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
            _check_permission(state, probe, actor)
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
    _check_permission(state, action, actor)

    # The response clock stops at the assigned unit's first action.
    by_unit = _is_lead_officer(state, actor)
    responds = not state.responded and by_unit
    base: dict[str, Any] = dict(
        ticket_id=state.id,
        at=now,
        actor=actor,
        from_status=state.status,
        responds=responds,
        by_assigned_unit=by_unit,
    )

    match action:
        case StartWork():
            if state.status is S.REOPENED and not state.reopen_confirmed:
                raise InvalidTransition(
                    "Tiket dibuka kembali karena nilai rendah dan menunggu keputusan "
                    "validator; belum dapat dikerjakan ulang."
                )
            return ev.WorkStarted(**base, to_status=S.IN_PROGRESS, note=action.note.strip())
        case Dispose():
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
        case HandBack():
            reason = _require(action.reason, "Alasan bukan kewenangan")
            return ev.TicketHandedBack(
                **base, to_status=S.WAITING, note=reason, from_unit_id=state.assigned_unit_id
            )
        case Coordinate():
            note = _require(action.note, "Catatan koordinasi")
            units = tuple(dict.fromkeys(u for u in action.unit_ids if u != state.assigned_unit_id))
            if not units:
                raise InvalidTransition("Pilih setidaknya satu unit pendukung selain unit ini.")
            return ev.CoordinationRequested(
                **base, to_status=S.COORDINATING, note=note, unit_ids=units
            )
        case SetEws():
            reason = _require(action.reason, "Alasan EWS")
            if action.ews_at <= now:
                raise InvalidTransition("Tanggal EWS harus di masa depan.")
            return ev.EwsSet(**base, to_status=S.EWS, note=reason, ews_at=action.ews_at)
        case Complete():
            note = _require(action.note, "Catatan penyelesaian")
            if action.photo_count < 1:
                raise InvalidTransition("Lampirkan setidaknya satu foto bukti penyelesaian.")
            return ev.TicketCompleted(
                **base,
                to_status=S.AWAITING_VALIDATION,
                note=note,
                first_completion=not state.completed_once,
            )
        case Rate():
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
        case ReturnForReview():
            if action.reason not in REVIEW_REASONS:
                raise InvalidTransition(f"Alasan tidak dikenal: {action.reason}.")
            return ev.ReturnedForReview(
                **{**base, "responds": False, "by_assigned_unit": False},
                to_status=S.REOPENED,
                note=action.note.strip() or REVIEW_REASONS[action.reason],
                reason=action.reason,
            )
        case RequestFieldCheck():
            note = _require(action.note, "Catatan permintaan verifikasi lapangan")
            if state.status is S.REOPENED and state.reopen_confirmed:
                raise InvalidTransition("Tiket sudah dikembalikan ke unit.")
            return ev.FieldCheckRequested(**base, to_status=state.status, note=note)
        case Verify():
            if state.status is S.REOPENED and state.reopen_confirmed:
                raise InvalidTransition(
                    "Tiket sudah dikembalikan ke unit; tunggu penyelesaian ulang."
                )
            if state.field_check_requested and not action.field_verified:
                raise InvalidTransition(
                    "Verifikasi lapangan diminta: catat hasilnya sebelum memverifikasi."
                )
            return ev.TicketVerified(
                **base,
                to_status=S.VERIFIED,
                note=action.note.strip(),
                field_verified=action.field_verified,
                validation_due_at=state.validation_due_at,
                validation_kota_id=state.validation_kota_id,
            )
        case Reopen():
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
        case Reject():
            reason = _require(action.reason, "Alasan penolakan")
            if action.duplicate_of_id == state.id:
                raise InvalidTransition("Tiket tidak dapat menjadi duplikat dirinya sendiri.")
            return ev.TicketRejected(
                **base,
                to_status=S.REJECTED,
                note=reason,
                duplicate_of_id=action.duplicate_of_id,
            )
        case Escalate():
            if action.level not in ESCALATION_LEVELS:
                raise InvalidTransition(f"Tingkat eskalasi tidak dikenal: {action.level}.")
            if action.level in state.escalations:
                raise InvalidTransition("Eskalasi tingkat ini sudah tercatat.")
            return ev.TicketEscalated(
                **{**base, "responds": False, "by_assigned_unit": False},
                to_status=state.status,
                note="",
                level=action.level,
                due_at=action.due_at,
                notify_unit_id=action.notify_unit_id,
            )
        case AddNote():
            text = _require(action.text, "Catatan")
            return ev.NoteAdded(
                # A note is not working the ticket: the clocks keep running.
                **{**base, "responds": False, "by_assigned_unit": False},
                to_status=state.status,
                note=text,
                note_kind=action.kind,
            )
    raise TypeError(f"unknown action {action!r}")  # pragma: no cover


def unit_ids_involved(state: TicketState) -> Iterable[int]:
    if state.assigned_unit_id is not None:
        yield state.assigned_unit_id
    yield from state.supporting_unit_ids
