"""Ticket lists and details, always inside the reader's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from ..domain.workflow import Actor, Status
from ..extensions import db
from ..models import Category, Channel, Photo, Ticket, TicketEventRow, Unit
from ..scope import ticket_scope

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    category: str | None = None
    q: str | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        status = args.get("status") or None
        if status not in {s.value for s in Status} | {"open"}:
            status = None
        try:
            page = max(1, int(args.get("page", 1)))
        except (TypeError, ValueError):
            page = 1
        return cls(
            status=status,
            category=(args.get("category") or None),
            q=(args.get("q") or "").strip() or None,
            page=page,
        )


@dataclass(frozen=True)
class Page:
    tickets: list[Ticket]
    total: int
    page: int
    pages: int


def worklist(actor: Actor, filters: Filters) -> Page:
    """The actor's tickets, newest first, filtered and paginated."""
    where = [ticket_scope(actor)]
    if filters.status == "open":
        where.append(Ticket.is_open_clause())
    elif filters.status:
        where.append(Ticket.status == filters.status)
    if filters.category:
        where.append(
            Ticket.category_id.in_(select(Category.id).where(Category.code == filters.category))
        )
    if filters.q:
        # autoescape: a typed % or _ is a character to find, not a LIKE wildcard.
        where.append(Ticket.tracking.contains(filters.q.upper().replace(" ", ""), autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(Ticket).where(*where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    tickets = list(
        db.session.scalars(
            select(Ticket)
            .where(*where)
            .order_by(Ticket.received_at.desc(), Ticket.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return Page(tickets, total, page, pages)


def is_visible(ticket_id: int, actor: Actor) -> bool:
    """Whether the ticket is inside the actor's scope (it may leave it by an action)."""
    found = db.session.scalar(select(Ticket.id).where(Ticket.id == ticket_id, ticket_scope(actor)))
    return found is not None


def history(ticket_id: int) -> list[TicketEventRow]:
    return list(
        db.session.scalars(
            select(TicketEventRow)
            .where(TicketEventRow.ticket_id == ticket_id)
            .order_by(TicketEventRow.at, TicketEventRow.id)
        )
    )


def photos(ticket_id: int) -> list[Photo]:
    """Photo rows without their bytes (the image endpoint serves those)."""
    from sqlalchemy.orm import defer

    return list(
        db.session.scalars(
            select(Photo)
            .options(defer(Photo.content))
            .where(Photo.ticket_id == ticket_id)
            .order_by(Photo.id)
        )
    )


def photo_for(photo_id: int, actor: Actor) -> Photo | None:
    visible = select(Ticket.id).where(ticket_scope(actor))
    return db.session.scalar(
        select(Photo).where(Photo.id == photo_id, Photo.ticket_id.in_(visible))
    )


def public_photo(photo_id: int) -> Photo | None:
    """Completion evidence is public; the report's own photos are not (they may show people)."""
    return db.session.scalar(select(Photo).where(Photo.id == photo_id, Photo.purpose == "evidence"))


def units_for_select(kinds: tuple[str, ...]) -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.kind.in_(kinds)).order_by(Unit.name)))


def unit_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(select(Unit.id, Unit.name, Unit.kind).where(Unit.id.in_(ids)))
    return {
        uid: (
            f"Kelurahan {name}"
            if kind == "kelurahan"
            else f"Kecamatan {name}"
            if kind == "kecamatan"
            else name
        )
        for uid, name, kind in rows
    }


def categories() -> list[Category]:
    return list(
        db.session.scalars(
            select(Category).where(Category.active.is_(True)).order_by(Category.name)
        )
    )


def channels(*, online: bool | None = None) -> list[Channel]:
    stmt = select(Channel).order_by(Channel.name)
    if online is not None:
        stmt = stmt.where(Channel.online.is_(online))
    return list(db.session.scalars(stmt))


def by_tracking(tracking: str) -> Ticket | None:
    return db.session.scalar(select(Ticket).where(Ticket.tracking == tracking))


def public_view(ticket: Ticket, *, base_url: str) -> dict[str, Any]:
    """What anyone may know about a ticket: no reporter data, ever."""
    confidential_detail = ticket.confidentiality == "confidential"
    evidence = [p.id for p in photos(ticket.id) if p.purpose == "evidence"]
    unit_ids = {u for u in (ticket.assigned_unit_id, ticket.kelurahan_id, ticket.kota_id) if u}
    names = unit_names(unit_ids)
    status = Status(ticket.status)
    return {
        "tracking": ticket.tracking,
        "url": f"{base_url}/t/{ticket.tracking}",
        "status": status.value,
        "status_label": status.label,
        "status_type": status.type.value,
        "category": ticket.category.code,
        "category_name": ticket.category.name,
        "kelurahan": names.get(ticket.kelurahan_id) if ticket.kelurahan_id else None,
        "kota": names.get(ticket.kota_id) if ticket.kota_id else None,
        "handling_unit": names.get(ticket.assigned_unit_id) if ticket.assigned_unit_id else None,
        "channel": ticket.channel.code,
        # Rahasia reports: category, area and status only (the description may name people).
        "description": None if confidential_detail else ticket.description,
        "reported_at": ticket.reported_at.isoformat(),
        "received_at": ticket.received_at.isoformat(),
        "completed_at": ticket.completed_at.isoformat() if ticket.completed_at else None,
        "ews_at": ticket.ews_at.isoformat() if ticket.ews_at else None,
        "evidence_photos": [f"{base_url}/p/{pid}" for pid in evidence],
    }
