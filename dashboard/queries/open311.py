"""The read side of the Open311 API: categories, tickets and status changes as
the plain records ``domain.open311`` turns into documents.

Public reads: no scope, and never the reporters table (``Ticket.reporter`` is
``lazy="raise"``; these queries select plain columns and never load it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ..disclosure import description_column
from ..domain.open311 import (
    STATUS_EVENT_KINDS,
    RequestQuery,
    RequestRecord,
    ServiceRecord,
    UpdateQuery,
    UpdateRecord,
)
from ..domain.workflow import Status
from ..extensions import db
from ..models import Category, Photo, Ticket, TicketEventRow, Unit, unit_display_name


def _services(*where: Any) -> list[ServiceRecord]:
    rows = db.session.execute(
        select(
            Category.code,
            Category.name,
            Category.location_based,
            Category.weight,
            Category.response_hours,
            Unit.name,
            Unit.kind,
        )
        .join(Unit, Unit.id == Category.agency_id)
        .where(Category.active.is_(True), *where)
        .order_by(Category.code)
    ).all()
    return [
        ServiceRecord(
            code=code,
            name=name,
            agency=unit_display_name(agency, kind),
            location_based=location_based,
            weight=weight,
            response_hours=response_hours,
        )
        for code, name, location_based, weight, response_hours, agency, kind in rows
    ]


def services() -> list[ServiceRecord]:
    """Every active category, by code."""
    return _services()


def service(code: str) -> ServiceRecord | None:
    found = _services(Category.code == code)
    return found[0] if found else None


_REQUEST_COLUMNS = (
    Ticket.id,
    Ticket.tracking,
    Ticket.status,
    Ticket.confidentiality,
    description_column(None).label("text"),
    Category.code,
    Category.name,
    Ticket.assigned_unit_id,
    Ticket.kelurahan_id,
    Ticket.kota_id,
    Ticket.lat,
    Ticket.lon,
    Ticket.received_at,
    Ticket.updated_at,
    Ticket.closed_at,
    Ticket.ews_at,
    Ticket.completion_due_at,
)


def _records(*where: Any, limit: int) -> list[RequestRecord]:
    rows = db.session.execute(
        select(*_REQUEST_COLUMNS)
        .join(Category, Category.id == Ticket.category_id)
        .where(*where)
        .order_by(Ticket.received_at.desc(), Ticket.id.desc())
        .limit(limit)
    ).all()
    if not rows:
        return []
    unit_ids = {uid for r in rows for uid in (r.assigned_unit_id, r.kelurahan_id, r.kota_id) if uid}
    units = {
        uid: (unit_display_name(name, kind), code, postal)
        for uid, name, kind, code, postal in db.session.execute(
            select(Unit.id, Unit.name, Unit.kind, Unit.code, Unit.postal_code).where(
                Unit.id.in_(unit_ids)
            )
        )
    }
    ticket_ids = [r.id for r in rows]
    photos = dict(
        db.session.execute(
            select(Photo.ticket_id, func.max(Photo.id))
            .where(Photo.ticket_id.in_(ticket_ids), Photo.purpose == "evidence")
            .group_by(Photo.ticket_id)
        ).all()
    )
    none = (None, None, None)
    out = []
    for r in rows:
        kelurahan = units.get(r.kelurahan_id, none) if r.kelurahan_id else none
        out.append(
            RequestRecord(
                tracking=r.tracking,
                status=Status(r.status),
                service_code=r.code,
                service_name=r.name,
                confidentiality=r.confidentiality,
                text=r.text,
                agency_responsible=(
                    units.get(r.assigned_unit_id, none)[0] if r.assigned_unit_id else None
                ),
                kelurahan=kelurahan[0],
                kelurahan_code=kelurahan[1],
                kota=units.get(r.kota_id, none)[0] if r.kota_id else None,
                postal_code=kelurahan[2],
                lat=r.lat,
                lon=r.lon,
                received_at=r.received_at,
                updated_at=r.updated_at,
                closed_at=r.closed_at,
                ews_at=r.ews_at,
                completion_due_at=r.completion_due_at,
                evidence_photo_id=photos.get(r.id),
            )
        )
    return out


def requests(query: RequestQuery) -> list[RequestRecord]:
    """GET requests: by tracking numbers, or by window, categories and open/closed; newest first."""
    if query.trackings:
        return _records(Ticket.tracking.in_(query.trackings), limit=query.limit)
    assert query.start is not None and query.end is not None
    where: list[Any] = [Ticket.received_at >= query.start, Ticket.received_at <= query.end]
    if query.service_codes:
        where.append(Category.code.in_(query.service_codes))
    if query.statuses == frozenset({"open"}):
        where.append(Ticket.is_open_clause())
    elif query.statuses == frozenset({"closed"}):
        where.append(Ticket.status.in_([s.value for s in Status if not s.is_open]))
    return _records(*where, limit=query.limit)


def request(tracking: str) -> RequestRecord | None:
    found = _records(Ticket.tracking == tracking, limit=1)
    return found[0] if found else None


def tracking_exists(tracking: str) -> bool:
    return db.session.scalar(select(Ticket.id).where(Ticket.tracking == tracking)) is not None


def updates(query: UpdateQuery) -> list[UpdateRecord]:
    """Status changes from the history, oldest first: by window, or of the given tickets."""
    where: list[Any] = [TicketEventRow.kind.in_(STATUS_EVENT_KINDS)]
    if query.trackings:
        where.append(Ticket.tracking.in_(query.trackings))
    else:
        assert query.start is not None and query.end is not None
        where += [TicketEventRow.at >= query.start, TicketEventRow.at <= query.end]
    rows = db.session.execute(
        select(TicketEventRow.id, Ticket.tracking, TicketEventRow.to_status, TicketEventRow.at)
        .join(Ticket, Ticket.id == TicketEventRow.ticket_id)
        .where(*where)
        .order_by(TicketEventRow.at, TicketEventRow.id)
        .limit(query.limit)
    ).all()
    return [UpdateRecord(eid, tracking, Status(to), at) for eid, tracking, to, at in rows]
