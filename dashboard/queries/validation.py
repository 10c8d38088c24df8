"""Read side of validation: the validator's queue, the review page, a unit's record.

A completion waits for its validator while it is ``awaiting_validation``, or
``reopened`` but not yet confirmed (a low rating, the weekly sample or a repeat
report sent it back: ``reopen_confirmed`` False). The queue shows those tickets
inside the reader's scope (``ticket_scope``) *and* of the reader's body: a
kota's Bagian Pemerintahan validates tickets handled in its kota, Biro
Pemerintahan those handled by province-level units (``handling_kota_id`` NULL),
an admin all of them — the same rule as the domain's validator relation (``workflow.relations``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from .. import disclosure
from ..domain.kpis import Grade, grade
from ..domain.workflow import Actor, Role, Status
from ..extensions import db
from ..models import (
    Category,
    Photo,
    Rating,
    Ticket,
    TicketEventRow,
    TicketSupport,
    Unit,
    User,
    ValidationFlag,
)
from ..scope import ticket_scope
from .tickets import unit_names

PAGE_SIZE = 40
RECORD_DAYS = 30
# Below this many decisions a unit gets no grade: one lucky ticket must not
# read as "Sangat Baik" (FixMyStreet's league-table lesson, DESIGN.md §9).
RECORD_MIN_VOLUME = 5
# A validation deadline this close is marked "due soon".
DUE_SOON = timedelta(hours=12)

# "completed": in the queue only because the unit completed it (no flag).
REASONS: dict[str, str] = {
    "completed": "Penyelesaian baru",
    "low_rating": "Nilai rendah",
    "sample": "Sampel mingguan",
    "repeat_report": "Laporan berulang",
}
REASON_HELP: dict[str, str] = {
    "completed": "Unit menyatakan selesai; menunggu verifikasi administratif.",
    "low_rating": "Pelapor memberi nilai rendah atau menyatakan belum selesai.",
    "sample": "Terpilih acak dalam sampel mingguan unit ini.",
    "repeat_report": "Masalah yang sama dilaporkan lagi di dekat lokasi ini.",
}


def may_validate(actor: Actor) -> bool:
    return actor.has_role(Role.VALIDATOR, Role.ADMIN)


def body_clause(actor: Actor) -> ColumnElement[bool]:
    """The tickets whose completions this actor's body validates."""
    if actor.has_role(Role.ADMIN):
        return true()
    if not actor.has_role(Role.VALIDATOR):
        return false()
    if actor.kota_id is None:
        return Ticket.handling_kota_id.is_(None)
    return Ticket.handling_kota_id == actor.kota_id


def waiting_clause() -> ColumnElement[bool]:
    """Completions waiting for a validator's decision."""
    return and_(
        # The literal open filter lets SQLite and PostgreSQL use the partial
        # index of open tickets instead of scanning a million closed ones.
        Ticket.is_open_clause(),
        or_(
            Ticket.status == Status.AWAITING_VALIDATION.value,
            and_(Ticket.status == Status.REOPENED.value, Ticket.reopen_confirmed.is_(False)),
        ),
    )


def _current_flag(reason: str | None = None) -> ColumnElement[bool]:
    """A flag on the ticket's current completion (optionally of one reason)."""
    where = [
        ValidationFlag.ticket_id == Ticket.id,
        ValidationFlag.completion_at == Ticket.completed_at,
    ]
    if reason is not None:
        where.append(ValidationFlag.reason == reason)
    return exists().where(*where)


def is_waiting(status: str, reopen_confirmed: bool) -> bool:
    return status == Status.AWAITING_VALIDATION.value or (
        status == Status.REOPENED.value and not reopen_confirmed
    )


# --- the queue -----------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    kota: str | None = None  # unit code of the ticket's kota
    unit: str | None = None  # unit code of the handling unit
    category: str | None = None
    reason: str | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> QueueFilters:
        def text(name: str) -> str | None:
            value = (args.get(name) or "").strip()
            return value or None

        reason = text("reason")
        try:
            page = max(1, int(args.get("page", 1)))
        except (TypeError, ValueError):
            page = 1
        return cls(
            kota=(text("kota") or "").upper() or None,
            unit=(text("unit") or "").upper() or None,
            category=text("category"),
            reason=reason if reason in REASONS else None,
            page=page,
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments, e.g. for pagination links."""
        out = {
            "kota": self.kota,
            "unit": self.unit,
            "category": self.category,
            "reason": self.reason,
            "page": self.page if self.page > 1 else None,
        }
        out.update(changes)
        return {k: v for k, v in out.items() if v not in (None, "", 1)}

    @property
    def active(self) -> bool:
        return any((self.kota, self.unit, self.category, self.reason))


@dataclass(frozen=True)
class QueueRow:
    id: int
    tracking: str
    status: str
    category_name: str
    unit_name: str | None
    kota_name: str | None
    completed_at: datetime | None
    validation_due_at: datetime | None
    field_check_requested_at: datetime | None
    rating: int | None
    fixed: bool | None  # the reporter's answer to "really fixed?", if rated
    reasons: tuple[str, ...]  # REASONS keys; ("completed",) when unflagged
    lateness: str  # "late" | "soon" | ""


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    late: int
    page: int
    pages: int


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def lateness(due: datetime | None, now: datetime) -> str:
    if due is None:
        return ""
    if due <= now:
        return "late"
    if due - now <= DUE_SOON:
        return "soon"
    return ""


def _queue_where(actor: Actor, filters: QueueFilters) -> list[ColumnElement[bool]]:
    where = [ticket_scope(actor), body_clause(actor), waiting_clause()]
    if filters.kota:
        where.append(Ticket.kota_id.in_(select(Unit.id).where(Unit.code == filters.kota)))
    if filters.unit:
        where.append(Ticket.assigned_unit_id.in_(select(Unit.id).where(Unit.code == filters.unit)))
    if filters.category:
        where.append(
            Ticket.category_id.in_(select(Category.id).where(Category.code == filters.category))
        )
    if filters.reason == "completed":
        where.append(~_current_flag())
    elif filters.reason:
        where.append(_current_flag(filters.reason))
    return where


def queue(actor: Actor, filters: QueueFilters, *, now: datetime) -> QueuePage:
    """The completions waiting for this actor's body, oldest deadline first."""
    where = _queue_where(actor, filters)
    total, late = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((Ticket.validation_due_at <= now, 1), else_=0)), 0),
        )
        .select_from(Ticket)
        .where(*where)
    ).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    unit = aliased(Unit)
    kota = aliased(Unit)
    rows = db.session.execute(
        select(
            Ticket.id,
            Ticket.tracking,
            Ticket.status,
            Ticket.completed_at,
            Ticket.validation_due_at,
            Ticket.field_check_requested_at,
            Ticket.rating,
            Category.name.label("category_name"),
            unit.name.label("unit_name"),
            unit.kind.label("unit_kind"),
            kota.name.label("kota_name"),
        )
        .join(Category, Category.id == Ticket.category_id)
        .outerjoin(unit, unit.id == Ticket.assigned_unit_id)
        .outerjoin(kota, kota.id == Ticket.kota_id)
        .where(*where)
        .order_by(Ticket.validation_due_at.asc().nulls_last(), Ticket.completed_at.asc(), Ticket.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    ids = [r.id for r in rows]
    reasons = _current_reasons(ids, {r.id: r.completed_at for r in rows})
    fixed = _latest_fixed(ids)
    return QueuePage(
        rows=[
            QueueRow(
                id=r.id,
                tracking=r.tracking,
                status=r.status,
                category_name=r.category_name,
                unit_name=_unit_label(r.unit_name, r.unit_kind),
                kota_name=r.kota_name,
                completed_at=r.completed_at,
                validation_due_at=r.validation_due_at,
                field_check_requested_at=r.field_check_requested_at,
                rating=r.rating,
                fixed=fixed.get(r.id),
                reasons=tuple(reasons.get(r.id) or ("completed",)),
                lateness=lateness(r.validation_due_at, now),
            )
            for r in rows
        ],
        total=total,
        late=int(late or 0),
        page=page,
        pages=pages,
    )


def _unit_label(name: str | None, kind: str | None) -> str | None:
    """'Kelurahan Utan Kayu Utara', 'Dinas Bina Marga' (as ``unit_names`` spells them)."""
    if name is None:
        return None
    prefix = {"kelurahan": "Kelurahan ", "kecamatan": "Kecamatan "}.get(kind or "", "")
    return prefix + name


def _current_reasons(ids: list[int], completed: dict[int, datetime | None]) -> dict[int, list[str]]:
    """The flag reasons of each ticket's current completion, in REASONS order."""
    if not ids:
        return {}
    out: dict[int, list[str]] = defaultdict(list)
    for ticket_id, reason, completion_at in db.session.execute(
        select(ValidationFlag.ticket_id, ValidationFlag.reason, ValidationFlag.completion_at).where(
            ValidationFlag.ticket_id.in_(ids)
        )
    ):
        if completion_at == completed.get(ticket_id) and reason not in out[ticket_id]:
            out[ticket_id].append(reason)
    order = list(REASONS)
    return {t: sorted(r, key=order.index) for t, r in out.items()}


def _latest_fixed(ids: list[int]) -> dict[int, bool]:
    if not ids:
        return {}
    out: dict[int, bool] = {}
    for ticket_id, fixed in db.session.execute(
        select(Rating.ticket_id, Rating.fixed)
        .where(Rating.ticket_id.in_(ids))
        .order_by(Rating.at, Rating.id)
    ):
        out[ticket_id] = fixed  # the latest wins
    return out


def queue_choices(actor: Actor) -> dict[str, list[Choice]]:
    """Options for the queue's filters: the kotas, and the units that have work waiting."""
    units = db.session.execute(
        select(Unit.code, Unit.name, Unit.kind)
        .where(
            Unit.id.in_(
                select(Ticket.assigned_unit_id).where(
                    ticket_scope(actor), body_clause(actor), waiting_clause()
                )
            )
        )
        .order_by(Unit.name)
    ).all()
    kotas = db.session.execute(
        select(Unit.code, Unit.name).where(Unit.kind.in_(("kota", "kabupaten"))).order_by(Unit.name)
    ).all()
    categories = db.session.execute(
        select(Category.code, Category.name)
        .where(Category.active.is_(True))
        .order_by(Category.name)
    ).all()
    return {
        "kota": [Choice(code, name) for code, name in kotas],
        "unit": [Choice(code, _unit_label(name, kind) or code) for code, name, kind in units],
        "category": [Choice(code, name) for code, name in categories],
        "reason": [Choice(k, v) for k, v in REASONS.items()],
    }


def next_in_queue(actor: Actor, *, after: int) -> int | None:
    """The oldest other ticket waiting for this body (the reviewer's next one)."""
    return db.session.scalar(
        select(Ticket.id)
        .where(ticket_scope(actor), body_clause(actor), waiting_clause(), Ticket.id != after)
        .order_by(Ticket.validation_due_at.asc().nulls_last(), Ticket.completed_at, Ticket.id)
        .limit(1)
    )


# --- the review page ---------------------------------------------------------------


def reviewable(actor: Actor, ticket_id: int) -> int | None:
    """The ticket's id if it has been completed at least once and this actor's
    body validates it; None otherwise (the view answers 404)."""
    if not may_validate(actor):
        return None
    return db.session.scalar(
        select(Ticket.id).where(
            Ticket.id == ticket_id,
            ticket_scope(actor),
            body_clause(actor),
            Ticket.first_completed_at.is_not(None),
        )
    )


@dataclass(frozen=True)
class ReviewTicket:
    id: int
    tracking: str
    version: int
    status: str
    reopen_confirmed: bool
    category_name: str
    category_weight: int
    channel_name: str
    description: str
    address: str | None
    lat: float | None
    lon: float | None
    kelurahan_name: str | None
    kota_name: str | None
    unit_id: int | None
    unit_name: str | None
    handling_kota_id: int | None
    received_at: datetime
    completion_due_at: datetime
    first_completed_at: datetime | None
    completed_at: datetime | None
    completion_margin_min: int | None
    validation_due_at: datetime | None
    field_check_requested_at: datetime | None
    validated_at: datetime | None
    redo_due_at: datetime | None
    rating: int | None

    @property
    def status_label(self) -> str:
        return Status(self.status).label


@dataclass(frozen=True)
class PhotoRef:
    id: int
    purpose: str  # report | evidence | field
    width: int
    height: int
    created_at: datetime


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime
    kind: str
    actor_kind: str
    actor_label: str
    actor_unit: str | None  # the acting staff member's unit (a validator's body)
    from_status: str | None
    to_status: str
    note: str
    data: dict[str, Any]


@dataclass(frozen=True)
class FlagView:
    reason: str
    label: str
    at: datetime
    current: bool  # on the completion under review
    detail: dict[str, Any]
    repeat_tracking: str | None = None
    repeat_ticket_id: int | None = None
    repeat_received_at: datetime | None = None


@dataclass(frozen=True)
class RatingView:
    rating: int
    fixed: bool
    comment: str
    source: str  # reporter | channel
    at: datetime
    current: bool  # rates the completion under review


@dataclass(frozen=True)
class UnitRecord:
    unit_name: str | None
    days: int
    decided: int  # tickets with a validator decision in the window
    passed_first: int  # ... verified without a reopen in the window
    reopened: int  # ... reopened by a validator at least once in the window
    returned: dict[str, int]  # completions sent back to validation, by reason
    ratings: int
    average_rating: float | None
    pass_rate: float | None  # 0-100; None without decisions
    grade: Grade | None  # None below RECORD_MIN_VOLUME

    @property
    def enough(self) -> bool:
        return self.decided >= RECORD_MIN_VOLUME


@dataclass(frozen=True)
class Review:
    ticket: ReviewTicket
    waiting: bool  # still waiting for a validator's decision
    reasons: tuple[str, ...]  # why it is in the queue (REASONS keys)
    lateness: str
    body_name: str
    unit_names: dict[int, str]
    before: list[PhotoRef]  # the report's photos
    after: list[PhotoRef]  # evidence of the completion under review
    earlier_evidence: list[PhotoRef]  # evidence of earlier completions
    field: list[PhotoRef]  # photos of validators' field visits
    completion_note: str | None
    history: list[HistoryEntry]
    flags: list[FlagView]
    ratings: list[RatingView]
    record: UnitRecord
    repeat_of: tuple[int, str] | None  # this ticket repeats an earlier one: (id, tracking)


def validator_body_name(handling_kota_id: int | None) -> str:
    """Who validates: Biro Pemerintahan, or the kota's Bagian Pemerintahan."""
    if handling_kota_id is None:
        return "Biro Pemerintahan (Setda Provinsi)"
    name = db.session.scalar(
        select(Unit.name)
        .where(Unit.kind == "validator", Unit.kota_id == handling_kota_id)
        .order_by(Unit.id)
        .limit(1)
    )
    if name:
        return name
    kota = db.session.scalar(select(Unit.name).where(Unit.id == handling_kota_id))
    return f"Bagian Pemerintahan {kota}" if kota else "Bagian Pemerintahan kota"


def _review_ticket(ticket_id: int, reader: Actor) -> ReviewTicket:
    t = db.session.get(Ticket, ticket_id)
    assert t is not None
    names = unit_names({u for u in (t.assigned_unit_id, t.kelurahan_id, t.kota_id) if u})
    return ReviewTicket(
        id=t.id,
        tracking=t.tracking,
        version=t.version,
        status=t.status,
        reopen_confirmed=t.reopen_confirmed,
        category_name=t.category.name,
        category_weight=t.category.weight,
        channel_name=t.channel.name,
        description=disclosure.description_of(reader, t.id),
        address=t.address,
        lat=t.lat,
        lon=t.lon,
        kelurahan_name=names.get(t.kelurahan_id) if t.kelurahan_id else None,
        kota_name=names.get(t.kota_id) if t.kota_id else None,
        unit_id=t.assigned_unit_id,
        unit_name=names.get(t.assigned_unit_id) if t.assigned_unit_id else None,
        handling_kota_id=t.handling_kota_id,
        received_at=t.received_at,
        completion_due_at=t.completion_due_at,
        first_completed_at=t.first_completed_at,
        completed_at=t.completed_at,
        completion_margin_min=t.completion_margin_min,
        validation_due_at=t.validation_due_at,
        field_check_requested_at=t.field_check_requested_at,
        validated_at=t.validated_at,
        redo_due_at=t.redo_due_at,
        rating=t.rating,
    )


def _history(ticket_id: int) -> list[HistoryEntry]:
    rows = list(
        db.session.scalars(
            select(TicketEventRow)
            .where(TicketEventRow.ticket_id == ticket_id)
            .order_by(TicketEventRow.at, TicketEventRow.id)
        )
    )
    user_ids = {r.actor_user_id for r in rows if r.actor_user_id is not None}
    actor_units: dict[int, str] = {}
    if user_ids:
        users = db.session.execute(
            select(User.id, User.unit_id).where(User.id.in_(user_ids), User.unit_id.is_not(None))
        ).all()
        names = unit_names({u for _, u in users if u is not None})
        actor_units = {uid: names[u] for uid, u in users if u in names}
    return [
        HistoryEntry(
            id=r.id,
            at=r.at,
            kind=r.kind,
            actor_kind=r.actor_kind,
            actor_label=r.actor_label,
            actor_unit=actor_units.get(r.actor_user_id) if r.actor_user_id else None,
            from_status=r.from_status,
            to_status=r.to_status,
            note=r.note or "",
            data=dict(r.data or {}),
        )
        for r in rows
    ]


def review(ticket_id: int, *, now: datetime, reader: Actor) -> Review:
    """Everything a validator needs to decide on one completion (call ``reviewable`` first).

    Citizens' words (description, rating comments) as ``reader`` may read them.
    """
    ticket = _review_ticket(ticket_id, reader)
    history = _history(ticket_id)
    completions = [e for e in history if e.kind == "completed"]
    last_completion = completions[-1] if completions else None
    current_event = last_completion.id if last_completion else None
    photos = db.session.execute(
        select(Photo.id, Photo.purpose, Photo.width, Photo.height, Photo.created_at, Photo.event_id)
        .where(Photo.ticket_id == ticket_id)
        .order_by(Photo.id)
    ).all()

    def refs(keep: Any) -> list[PhotoRef]:
        return [
            PhotoRef(p.id, p.purpose, p.width, p.height, p.created_at) for p in photos if keep(p)
        ]

    unit_ids = {u for u in (ticket.unit_id,) if u}
    unit_ids |= set(
        db.session.scalars(
            select(TicketSupport.unit_id).where(TicketSupport.ticket_id == ticket_id)
        )
    )
    for e in history:
        unit_ids |= {v for k, v in e.data.items() if k.endswith("unit_id") and isinstance(v, int)}
        unit_ids |= {u for u in e.data.get("unit_ids", []) if isinstance(u, int)}

    flags = _flags(ticket_id, ticket.completed_at)
    order = list(REASONS)
    current = {f.reason for f in flags if f.current}
    reasons = tuple(sorted(current, key=order.index)) or ("completed",)
    ratings = [
        RatingView(
            r.rating, r.fixed, r.comment, r.source, r.at, r.completion_at == ticket.completed_at
        )
        for r in db.session.execute(
            select(
                Rating.rating,
                Rating.fixed,
                disclosure.comment_column(reader).label("comment"),
                Rating.source,
                Rating.at,
                Rating.completion_at,
            )
            .where(Rating.ticket_id == ticket_id)
            .order_by(Rating.at.desc(), Rating.id.desc())
        )
    ]
    repeat_of = None
    earlier_id = db.session.scalar(select(Ticket.repeat_of_id).where(Ticket.id == ticket_id))
    if earlier_id is not None:
        tracking = db.session.scalar(select(Ticket.tracking).where(Ticket.id == earlier_id))
        if tracking:
            repeat_of = (earlier_id, tracking)
    waiting = is_waiting(ticket.status, ticket.reopen_confirmed)
    return Review(
        ticket=ticket,
        waiting=waiting,
        reasons=reasons,
        lateness=lateness(ticket.validation_due_at, now) if waiting else "",
        body_name=validator_body_name(ticket.handling_kota_id),
        unit_names=unit_names(unit_ids),
        before=refs(lambda p: p.purpose == "report"),
        after=refs(lambda p: p.purpose == "evidence" and p.event_id == current_event),
        earlier_evidence=refs(lambda p: p.purpose == "evidence" and p.event_id != current_event),
        field=refs(lambda p: p.purpose == "field"),
        completion_note=last_completion.note if last_completion else None,
        history=history,
        flags=flags,
        ratings=ratings,
        record=unit_record(ticket.unit_id, now=now),
        repeat_of=repeat_of,
    )


def _flags(ticket_id: int, completed_at: datetime | None) -> list[FlagView]:
    rows = list(
        db.session.scalars(
            select(ValidationFlag)
            .where(ValidationFlag.ticket_id == ticket_id)
            .order_by(ValidationFlag.at.desc(), ValidationFlag.id.desc())
        )
    )
    repeat_ids = {
        rid
        for r in rows
        if r.reason == "repeat_report"
        and isinstance(rid := (r.detail or {}).get("repeat_ticket_id"), int)
    }
    repeats: dict[int, tuple[str, datetime]] = {}
    if repeat_ids:
        repeats = {
            tid: (tracking, received)
            for tid, tracking, received in db.session.execute(
                select(Ticket.id, Ticket.tracking, Ticket.received_at).where(
                    Ticket.id.in_(repeat_ids)
                )
            )
        }
    out = []
    for r in rows:
        detail = dict(r.detail or {})
        rid = detail.get("repeat_ticket_id") if r.reason == "repeat_report" else None
        found = repeats.get(rid) if isinstance(rid, int) else None
        out.append(
            FlagView(
                reason=r.reason,
                label=REASONS.get(r.reason, r.reason),
                at=r.at,
                current=r.completion_at == completed_at,
                detail=detail,
                repeat_tracking=found[0] if found else None,
                repeat_ticket_id=rid if found and isinstance(rid, int) else None,
                repeat_received_at=found[1] if found else None,
            )
        )
    return out


# --- a unit's recent validation record ------------------------------------------------


# DESIGN.md §7, the 2019 survey's quality scale on 100 (lower bounds).
def unit_record(unit_id: int | None, *, now: datetime, days: int = RECORD_DAYS) -> UnitRecord:
    """How the unit's completions fared with validators in the last ``days`` days:
    verified at the first decision vs reopened, returns by reason, ratings."""
    since = now - timedelta(days=days)
    name = unit_names({unit_id}).get(unit_id) if unit_id is not None else None
    if unit_id is None:
        return UnitRecord(name, days, 0, 0, 0, {}, 0, None, None, None)
    # Tickets decided in the window have validated_at inside it (it only grows).
    decided_tickets = select(Ticket.id).where(
        Ticket.assigned_unit_id == unit_id, Ticket.validated_at >= since
    )
    decisions = db.session.execute(
        select(TicketEventRow.ticket_id, TicketEventRow.kind).where(
            TicketEventRow.ticket_id.in_(decided_tickets),
            TicketEventRow.kind.in_(("verified", "reopened")),
            TicketEventRow.at >= since,
        )
    ).all()
    kinds: dict[int, set[str]] = defaultdict(set)
    for ticket_id, kind in decisions:
        kinds[ticket_id].add(kind)
    reopened = sum(1 for k in kinds.values() if "reopened" in k)
    passed = len(kinds) - reopened
    returned = {
        reason: count
        for reason, count in db.session.execute(
            select(ValidationFlag.reason, func.count())
            .join(Ticket, Ticket.id == ValidationFlag.ticket_id)
            .where(Ticket.assigned_unit_id == unit_id, ValidationFlag.at >= since)
            .group_by(ValidationFlag.reason)
        ).all()
    }
    count, average = db.session.execute(
        select(func.count(), func.avg(Rating.rating))
        .join(Ticket, Ticket.id == Rating.ticket_id)
        .where(Ticket.assigned_unit_id == unit_id, Rating.at >= since)
    ).one()
    pass_rate = 100.0 * passed / len(kinds) if kinds else None
    return UnitRecord(
        unit_name=name,
        days=days,
        decided=len(kinds),
        passed_first=passed,
        reopened=reopened,
        returned=returned,
        ratings=int(count or 0),
        average_rating=float(average) if average is not None else None,
        pass_rate=pass_rate,
        grade=grade(pass_rate)
        if pass_rate is not None and len(kinds) >= RECORD_MIN_VOLUME
        else None,
    )
