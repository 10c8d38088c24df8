"""Read side of a validator's review: the review page's one read model (``review``),
and a unit's recent validation record that it shows.

Who may review which completion is the queue's rule (``validation_queue``):
a completion is reviewable once it has been completed, by its validator's body.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from .. import disclosure
from ..domain import validation as rules
from ..domain.kpis import Grade
from ..domain.workflow import Actor, Status
from ..extensions import db
from ..models import (
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
from .tickets import channel_actor_labels, is_visible, unit_names
from .tickets import history as ticket_history
from .validation_queue import body_clause, next_in_queue

RECORD_DAYS = 30


# --- the review page ---------------------------------------------------------------


def reviewable(actor: Actor, ticket_id: int) -> int | None:
    """The ticket's id if it has been completed at least once and this actor's
    body validates it; None otherwise (the view answers 404)."""
    if not rules.may_validate(actor):
        return None
    return db.session.scalar(
        select(Ticket.id).where(
            Ticket.id == ticket_id,
            ticket_scope(actor),
            body_clause(actor),
            Ticket.first_completed_at.is_not(None),
        )
    )


def rated_not_fixed(ticket_id: int) -> bool:
    """Whether the reporter's latest rating of the current completion says "not fixed"."""
    fixed = db.session.scalar(
        select(Rating.fixed)
        .join(Ticket, Ticket.id == Rating.ticket_id)
        .where(Rating.ticket_id == ticket_id, Rating.completion_at == Ticket.completed_at)
        .order_by(Rating.at.desc(), Rating.id.desc())
        .limit(1)
    )
    return fixed is False


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
    grade: Grade | None  # None below rules.RECORD_MIN_VOLUME

    @property
    def enough(self) -> bool:
        return self.decided >= rules.RECORD_MIN_VOLUME


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
    next_id: int | None  # the next ticket waiting for this validator's body
    repeat_visible: frozenset[int]  # repeat reports this reader may open

    @property
    def current_rating(self) -> RatingView | None:
        """The reporter's latest rating of the completion under review, if any."""
        return next((g for g in self.ratings if g.current), None)

    @property
    def needs_justification(self) -> bool:
        """Verifying now goes against the reporter's "not fixed" (``rated_not_fixed``)."""
        rating = self.current_rating
        return rating is not None and not rating.fixed


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
    rows = ticket_history(ticket_id)
    user_ids = {r.actor_user_id for r in rows if r.actor_user_id is not None}
    actor_units: dict[int, str] = {}
    if user_ids:
        users = db.session.execute(
            select(User.id, User.unit_id).where(User.id.in_(user_ids), User.unit_id.is_not(None))
        ).all()
        names = unit_names({u for _, u in users if u is not None})
        actor_units = {uid: names[u] for uid, u in users if u in names}
    channels = channel_actor_labels(rows)
    return [
        HistoryEntry(
            id=r.id,
            at=r.at,
            kind=r.kind,
            actor_kind=r.actor_kind,
            actor_label=channels.get(r.actor_label, r.actor_label),
            actor_unit=actor_units.get(r.actor_user_id) if r.actor_user_id else None,
            from_status=r.from_status,
            to_status=r.to_status,
            note=r.note or "",
            data=dict(r.data or {}),
        )
        for r in rows
    ]


def review(ticket_id: int, *, now: datetime, reader: Actor) -> Review | None:
    """Everything a validator needs to decide on one completion; None when ``reader``
    may not review it (never completed, or another body's).

    Citizens' words (description, rating comments) as ``reader`` may read them.
    """
    if reviewable(reader, ticket_id) is None:
        return None
    ticket = _review_ticket(ticket_id, reader)
    history = _history(ticket_id)
    completions = [e for e in history if e.kind == "completed"]
    last_completion = completions[-1] if completions else None
    photos = _photos(ticket_id, current_event=last_completion.id if last_completion else None)
    flags = _flags(ticket_id, ticket.completed_at)
    repeats = {f.repeat_ticket_id for f in flags if f.repeat_ticket_id is not None}
    waiting = rules.is_waiting(ticket.status, ticket.reopen_confirmed)
    return Review(
        ticket=ticket,
        waiting=waiting,
        reasons=rules.in_reason_order(f.reason for f in flags if f.current),
        lateness=rules.lateness(ticket.validation_due_at, now) if waiting else "",
        body_name=validator_body_name(ticket.handling_kota_id),
        unit_names=unit_names(_named_units(ticket, history)),
        before=photos["report"],
        after=photos["evidence"],
        earlier_evidence=photos["earlier_evidence"],
        field=photos["field"],
        completion_note=last_completion.note if last_completion else None,
        history=history,
        flags=flags,
        ratings=_ratings(ticket_id, ticket.completed_at, reader),
        record=unit_record(ticket.unit_id, now=now),
        repeat_of=_repeat_of(ticket_id),
        next_id=next_in_queue(reader, after=ticket_id),
        # Link a repeat report only if this validator may open it.
        repeat_visible=frozenset(tid for tid in repeats if is_visible(tid, reader)),
    )


def _photos(ticket_id: int, *, current_event: int | None) -> dict[str, list[PhotoRef]]:
    """The ticket's photos by place on the page: ``report`` (before), ``evidence`` of
    the completion under review (after), ``earlier_evidence``, and ``field`` visits."""
    out: dict[str, list[PhotoRef]] = {
        "report": [],
        "evidence": [],
        "earlier_evidence": [],
        "field": [],
    }
    for p in db.session.execute(
        select(Photo.id, Photo.purpose, Photo.width, Photo.height, Photo.created_at, Photo.event_id)
        .where(Photo.ticket_id == ticket_id)
        .order_by(Photo.id)
    ):
        place = p.purpose
        if p.purpose == "evidence" and p.event_id != current_event:
            place = "earlier_evidence"
        if place in out:
            out[place].append(PhotoRef(p.id, p.purpose, p.width, p.height, p.created_at))
    return out


def _named_units(ticket: ReviewTicket, history: list[HistoryEntry]) -> set[int]:
    """The units the page names: the handling unit, its supporters, and those in history."""
    unit_ids = {u for u in (ticket.unit_id,) if u}
    unit_ids |= set(
        db.session.scalars(
            select(TicketSupport.unit_id).where(TicketSupport.ticket_id == ticket.id)
        )
    )
    for e in history:
        unit_ids |= {v for k, v in e.data.items() if k.endswith("unit_id") and isinstance(v, int)}
        unit_ids |= {u for u in e.data.get("unit_ids", []) if isinstance(u, int)}
    return unit_ids


def _ratings(ticket_id: int, completed_at: datetime | None, reader: Actor) -> list[RatingView]:
    """The reporter's ratings, newest first, with comments as ``reader`` may read them."""
    return [
        RatingView(r.rating, r.fixed, r.comment, r.source, r.at, r.completion_at == completed_at)
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


def _repeat_of(ticket_id: int) -> tuple[int, str] | None:
    """The earlier ticket this one repeats, as (id, tracking)."""
    earlier_id = db.session.scalar(select(Ticket.repeat_of_id).where(Ticket.id == ticket_id))
    if earlier_id is None:
        return None
    tracking = db.session.scalar(select(Ticket.tracking).where(Ticket.id == earlier_id))
    return (earlier_id, tracking) if tracking else None


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
                label=rules.REASONS.get(r.reason, r.reason),
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
    )
    first = rules.first_decisions((ticket_id, kind) for ticket_id, kind in decisions)
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
    return UnitRecord(
        unit_name=name,
        days=days,
        decided=first.decided,
        passed_first=first.passed_first,
        reopened=first.reopened,
        returned=returned,
        ratings=int(count or 0),
        average_rating=float(average) if average is not None else None,
        pass_rate=first.pass_rate,
        grade=first.grade,
    )
