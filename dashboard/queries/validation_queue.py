"""Read side of the validation queue: which completions wait for which validator,
the queue page's list and filters, and the next ticket after a review.

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
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from ..domain.validation import REASONS, in_reason_order, lateness
from ..domain.workflow import Actor, Role, Status
from ..extensions import db
from ..models import Category, Rating, Ticket, Unit, ValidationFlag, unit_display_name
from ..scope import ticket_scope

PAGE_SIZE = 40


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
                reasons=reasons.get(r.id, ("completed",)),
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
    return unit_display_name(name, kind or "") if name is not None else None


def _current_reasons(
    ids: list[int], completed: dict[int, datetime | None]
) -> dict[int, tuple[str, ...]]:
    """The flag reasons of each flagged ticket's current completion, in REASONS order."""
    if not ids:
        return {}
    out: dict[int, list[str]] = defaultdict(list)
    for ticket_id, reason, completion_at in db.session.execute(
        select(ValidationFlag.ticket_id, ValidationFlag.reason, ValidationFlag.completion_at).where(
            ValidationFlag.ticket_id.in_(ids)
        )
    ):
        if completion_at == completed.get(ticket_id):
            out[ticket_id].append(reason)
    return {t: in_reason_order(r) for t, r in out.items()}


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


@dataclass(frozen=True)
class QueueView:
    """The queue page's one read model: a page of the list and the filters' options."""

    page: QueuePage
    choices: dict[str, list[Choice]]
    show_kota: bool  # a province-wide reader may filter by kota; a kota's body need not


def queue_view(actor: Actor, filters: QueueFilters, *, now: datetime) -> QueueView:
    """What the queue page shows this validator (the htmx partial uses ``page`` alone)."""
    return QueueView(
        page=queue(actor, filters, now=now),
        choices=queue_choices(actor),
        show_kota=actor.kota_id is None,
    )
