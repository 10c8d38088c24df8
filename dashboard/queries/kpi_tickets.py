"""The tickets behind a KPI figure: which tickets a figure counts, a page of them, and the
open tickets furthest past their deadline.

A figure's clause has the rollup's own definitions (``domain.kpis``), so the list
behind a number holds the tickets the number counts, inside the reader's ticket
scope (``scope.ticket_scope``). No reporter field is read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from ..domain import history, kpis, sla
from ..domain.workflow import Actor
from ..extensions import db
from ..models import Category, Channel, Ticket
from ..scope import ticket_scope
from . import kpis as kpi_reads

FIGURES: dict[str, str] = {
    "received": "Diterima",
    "not_completed": "Diterima, belum pernah selesai",
    "completed": "Selesai (pertama kali)",
    "completed_late": "Selesai melewati tenggat",
    "done_7d": "Selesai 0–7 hari",
    "open_overdue": "Terbuka, melewati tenggat",
    "response_late": "Respons lewat 6 jam",
    "done_14d": "Selesai 8–14 hari",
    "done_over": "Selesai > 14 hari",
    "reopened": "Dibuka kembali",
    "validation_failed": "Tidak lolos validasi pertama",
    "ews": "EWS",
    "backlog": "Terbuka sekarang",
    **{f"esc_{level}": history.ESCALATION_LEVELS[level].name for level in kpis.ESCALATION_LEVELS},
}


def figure_clause(figure: str, period: kpi_reads.Period, now: datetime) -> ColumnElement[bool]:
    """The tickets a figure counts, as a WHERE clause (same definitions as the rollup)."""
    received = and_(Ticket.received_at >= period.since, Ticket.received_at < period.until)
    completed = and_(
        Ticket.first_completed_at >= period.since, Ticket.first_completed_at < period.until
    )
    is_open = Ticket.is_open_clause()
    match figure:
        case "received":
            return received
        case "not_completed":
            return and_(received, Ticket.first_completed_at.is_(None))
        case "completed":
            return completed
        case "completed_late":
            return and_(completed, Ticket.completion_margin_min < 0)
        case "open_overdue":
            return and_(is_open, kpi_reads.open_overdue_clause(period, now))
        case "response_late":
            return and_(
                received,
                or_(
                    and_(Ticket.first_response_at.is_not(None), Ticket.response_margin_min < 0),
                    and_(
                        Ticket.first_response_at.is_(None),
                        is_open,
                        Ticket.response_due_at < now,
                    ),
                ),
            )
        case "done_7d":
            return and_(completed, Ticket.handling_min <= kpis.BUCKET_7D_MIN)
        case "done_14d":
            return and_(
                completed,
                Ticket.handling_min > kpis.BUCKET_7D_MIN,
                Ticket.handling_min <= kpis.BUCKET_14D_MIN,
            )
        case "done_over":
            return and_(completed, Ticket.handling_min > kpis.BUCKET_14D_MIN)
        case "reopened":
            return and_(completed, Ticket.reopens > 0)
        case "validation_failed":
            return and_(completed, Ticket.first_validation == "reopened")
        case "ews":
            return and_(received, Ticket.ews_at.is_not(None))
        case "backlog":
            return is_open
    if figure.startswith("esc_") and figure[4:] in kpis.ESCALATION_LEVELS:
        bit = sla.ESCALATION_BITS[figure[4:]]
        return and_(received, Ticket.escalations_ever.op("&")(bit) != 0)
    raise kpi_reads.KpiInputError(
        f"angka tidak dikenal: {figure!r}; pilih salah satu: {', '.join(FIGURES)}"
    )


def tickets_behind(
    actor: Actor,
    scope: kpi_reads.Scope,
    figure: str,
    period: kpi_reads.Period,
    now: datetime,
    *,
    category_id: int | None = None,
    channel_id: int | None = None,
) -> Select[Any]:
    """The tickets a figure counts, inside the reader's ticket scope, oldest first."""
    cond = [figure_clause(figure, period, now), scope.ticket_filter(), ticket_scope(actor)]
    if category_id is not None:
        cond.append(Ticket.category_id == category_id)
    if channel_id is not None:
        cond.append(Ticket.channel_id == channel_id)
    return select(Ticket).where(*cond).order_by(Ticket.received_at, Ticket.id)


@dataclass(frozen=True)
class LateTicket:
    id: int
    tracking: str
    category: str
    unit: str
    status: str
    due_at: datetime
    hours_late: float


def worst_late(
    scope: kpi_reads.Scope, actor: Actor, now: datetime, o: kpi_reads.Org, limit: int = 10
) -> list[LateTicket]:
    """Open tickets furthest past their completion deadline (inside the reader's scope)."""
    late = kpi_reads.unindexed(kpi_reads.overdue_at(now))
    found = db.session.execute(
        select(
            Ticket.id,
            Ticket.category_id,
            Ticket.assigned_unit_id,
            Ticket.status,
            Ticket.completion_due_at,
        )
        .where(
            Ticket.is_open_clause(),
            late,
            kpi_reads.unindexed(and_(scope.ticket_filter(), ticket_scope(actor))),
        )
        .order_by(Ticket.completion_due_at, Ticket.id)
        .limit(limit)
    ).all()
    if not found:
        return []
    ids = [r.id for r in found]
    tracking = {
        ticket_id: number
        for ticket_id, number in db.session.execute(
            select(Ticket.id, Ticket.tracking).where(Ticket.id.in_(ids))
        )
    }
    categories = kpi_reads.names_of(Category)
    return [
        LateTicket(
            r.id,
            tracking[r.id],
            categories.get(r.category_id, f"#{r.category_id}"),
            o.name(r.assigned_unit_id),
            r.status,
            r.completion_due_at,
            (now - r.completion_due_at).total_seconds() / 3600,
        )
        for r in found
    ]


# --- A page of the tickets behind a figure ------------------------------------------------------


@dataclass(frozen=True)
class TicketLine:
    """One ticket behind a figure, as the list shows it (no reporter field)."""

    id: int
    tracking: str
    received_at: datetime
    status: str
    category: str
    unit_id: int | None
    due_at: datetime | None


def count(stmt: Select[Any]) -> int:
    """How many tickets ``stmt`` (a ``tickets_behind``) selects."""
    sub = stmt.order_by(None).subquery()
    return int(db.session.scalar(select(func.count()).select_from(sub)) or 0)


def lines(stmt: Select[Any], *, limit: int | None = None, offset: int = 0) -> list[TicketLine]:
    """The tickets ``stmt`` selects (one slice of them with ``limit``), as plain lines."""
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    tickets = list(db.session.scalars(stmt))
    categories = kpi_reads.names_of(Category)
    return [
        TicketLine(
            t.id,
            t.tracking,
            t.received_at,
            t.status,
            categories.get(t.category_id, ""),
            t.assigned_unit_id,
            t.completion_due_at,
        )
        for t in tickets
    ]


def filter_names(category_id: int | None, channel_id: int | None) -> tuple[str | None, str | None]:
    """The names of a drill-down's category and channel (None: no such filter or no such row)."""
    category = channel = None
    if category_id is not None:
        category = db.session.scalar(select(Category.name).where(Category.id == category_id))
    if channel_id is not None:
        channel = db.session.scalar(select(Channel.name).where(Channel.id == channel_id))
    return category, channel
