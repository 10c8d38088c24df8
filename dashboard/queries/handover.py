"""Read side of the shift handover: what one shift's report holds.

Every query is bounded by the shift's window (``[start, until)``, where
``until`` is the shift's end or now while it runs) through the indexes on
``tickets.received_at``, ``escalations.at`` and ``ticket_events.at``; the
only read not bounded by the window is the tickets still open at its end
(the open tickets' partial index, plus those closed since). Rows and plain
dataclasses only; the words come from ``domain.history`` and ``formatting``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, true
from sqlalchemy.orm import aliased

from ..domain import handover as rules
from ..domain import sla
from ..domain.handover import Shift
from ..extensions import db
from ..models import (
    Category,
    Escalation,
    HandoverAck,
    HandoverNote,
    Ticket,
    TicketEventRow,
    Unit,
    User,
    unit_display_name,
)

LIST_LIMIT = 200  # rows per list on the page (the counts are always whole)
MRO_QUEUE = "Antrean MRO"
NO_KOTA = "Tanpa kota"

_kota = aliased(Unit, name="kota_unit")
_assigned = aliased(Unit, name="assigned_unit")


@dataclass(frozen=True)
class TicketLine:
    """One ticket in a list of the report."""

    id: int
    tracking: str
    category: str
    kota: str | None
    unit: str
    status: str
    at: datetime  # what the list is about: received, fell due, warned


@dataclass(frozen=True)
class LateLine:
    ticket: TicketLine
    level: str
    due_at: datetime
    handled: bool  # the response / work / completion came afterwards


@dataclass(frozen=True)
class WarningLine:
    ticket: TicketLine
    by: str
    note: str
    outcome: str
    acted_at: datetime | None
    acted_kind: str | None


@dataclass(frozen=True)
class OwedLine:
    ticket: TicketLine
    owed: rules.Owed


@dataclass(frozen=True)
class NoteLine:
    body: str
    author: str
    author_user_id: int
    at: datetime


@dataclass(frozen=True)
class AckLine:
    user: str
    user_id: int
    at: datetime


@dataclass
class Report:
    shift: Shift
    until: datetime
    arrivals: list[TicketLine] = field(default_factory=list)
    arrivals_total: int = 0
    by_kota: list[tuple[str, int]] = field(default_factory=list)
    by_category: list[tuple[str, int]] = field(default_factory=list)
    late: list[LateLine] = field(default_factory=list)
    late_by_level: dict[str, int] = field(default_factory=dict)
    warnings: list[WarningLine] = field(default_factory=list)
    warnings_by_outcome: dict[str, int] = field(default_factory=dict)
    acknowledged_escalations: int = 0
    owed: list[OwedLine] = field(default_factory=list)
    open_total: int = 0
    owed_counts: dict[str, int] = field(default_factory=dict)
    notes: list[NoteLine] = field(default_factory=list)
    acks: list[AckLine] = field(default_factory=list)


def _ticket_columns(stmt: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    return (
        stmt.add_columns(
            Ticket.id,
            Ticket.tracking,
            Category.name.label("category"),
            _kota.name.label("kota"),
            _assigned.name.label("unit_name"),
            _assigned.kind.label("unit_kind"),
            Ticket.status,
        )
        .join(Category, Category.id == Ticket.category_id)
        .outerjoin(_kota, _kota.id == Ticket.kota_id)
        .outerjoin(_assigned, _assigned.id == Ticket.assigned_unit_id)
    )


def _line(r: Any, at: datetime) -> TicketLine:
    unit = unit_display_name(r.unit_name, r.unit_kind) if r.unit_name else MRO_QUEUE
    return TicketLine(r.id, r.tracking, r.category, r.kota, unit, r.status, at)


def _in_scope(where: ColumnElement[bool], kota_id: int | None) -> ColumnElement[bool]:
    return and_(where, Ticket.kota_id == kota_id) if kota_id is not None else where


def _arrivals(report: Report, where: ColumnElement[bool]) -> None:
    start, until = report.shift.start, report.until
    rows = db.session.execute(
        _ticket_columns(select(Ticket.received_at))
        .where(where, Ticket.received_at >= start, Ticket.received_at < until)
        .order_by(Ticket.received_at, Ticket.id)
    ).all()
    report.arrivals_total = len(rows)
    report.by_kota = rules.counts((r.kota for r in rows), none_label=NO_KOTA)
    report.by_category = rules.counts((r.category for r in rows), none_label="-")
    report.arrivals = [_line(r, r.received_at) for r in rows[:LIST_LIMIT]]


_LEVEL_AFTER = {"level1": sla.UNWORKED_LEVEL1, "level2": sla.UNWORKED_LEVEL2}


def _handled(r: Any, level: str, at: datetime) -> bool:
    """Did what fell due get done since (as the ticket stands now)?"""
    if level == "late":
        return r.first_response_at is not None
    if level in _LEVEL_AFTER:
        return r.clock_stopped_at is not None or r.clock_started_at > at
    if level == "validation":
        return r.validated_at is not None and r.validated_at > at
    return r.completed_at is not None and r.completed_at > at


def _late(report: Report, where: ColumnElement[bool]) -> None:
    """The escalations the sweep raised during the shift: deadlines that fell in it."""
    rows = db.session.execute(
        _ticket_columns(
            select(
                Escalation.level,
                Escalation.cycle_start,
                Escalation.at.label("escalated_at"),
                Ticket.first_response_at,
                Ticket.clock_started_at,
                Ticket.clock_stopped_at,
                Ticket.completed_at,
                Ticket.validated_at,
            ).join(Ticket, Ticket.id == Escalation.ticket_id)
        )
        .where(where, Escalation.at >= report.shift.start, Escalation.at < report.until)
        .order_by(Escalation.at, Escalation.id)
    ).all()
    counted: dict[str, int] = defaultdict(int)
    for r in rows:
        counted[r.level] += 1
    report.late_by_level = dict(counted)
    report.late = [
        LateLine(
            _line(r, r.escalated_at),
            r.level,
            r.cycle_start + _LEVEL_AFTER.get(r.level, timedelta(0)),
            _handled(r, r.level, r.escalated_at),
        )
        for r in rows[:LIST_LIMIT]
    ]


def _note_kind_is(kind: str) -> ColumnElement[bool]:
    return TicketEventRow.data["note_kind"].as_string() == kind


def _unit_actions(ticket_ids: list[int], after: datetime) -> dict[int, list[tuple[datetime, str]]]:
    """Per ticket, the actions of unit officers after ``after``, oldest first."""
    found: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for chunk in range(0, len(ticket_ids), 500):
        rows = db.session.execute(
            select(TicketEventRow.ticket_id, TicketEventRow.at, TicketEventRow.kind)
            .join(User, User.id == TicketEventRow.actor_user_id)
            .where(
                TicketEventRow.ticket_id.in_(ticket_ids[chunk : chunk + 500]),
                TicketEventRow.at > after,
                User.role == "officer",
            )
            .order_by(TicketEventRow.at)
        ).all()
        for ticket_id, at, kind in rows:
            found[ticket_id].append((at, kind))
    return found


def _warnings(report: Report, where: ColumnElement[bool]) -> None:
    """Warnings (teguran) given during the shift, and what the unit did after each."""
    window = and_(
        TicketEventRow.at >= report.shift.start,
        TicketEventRow.at < report.until,
        TicketEventRow.kind == "note",
    )
    rows = db.session.execute(
        _ticket_columns(
            select(
                TicketEventRow.at.label("warned_at"),
                TicketEventRow.actor_label,
                TicketEventRow.note,
                Ticket.closed_at,
            ).join(Ticket, Ticket.id == TicketEventRow.ticket_id)
        )
        .where(where, window, _note_kind_is("warning"))
        .order_by(TicketEventRow.at, TicketEventRow.id)
    ).all()
    report.acknowledged_escalations = (
        db.session.scalar(
            select(func.count())
            .select_from(TicketEventRow)
            .join(Ticket, Ticket.id == TicketEventRow.ticket_id)
            .where(where, window, _note_kind_is("acknowledge"))
        )
        or 0
    )
    if not rows:
        return
    actions = _unit_actions(sorted({r.id for r in rows}), min(r.warned_at for r in rows))
    counted: dict[str, int] = defaultdict(int)
    lines = []
    for r in rows:
        first = next(((at, k) for at, k in actions.get(r.id, ()) if at > r.warned_at), None)
        outcome = rules.warning_outcome(r.warned_at, first[0] if first else None, r.closed_at)
        counted[outcome] += 1
        lines.append(
            WarningLine(
                _line(r, r.warned_at),
                r.actor_label,
                r.note,
                outcome,
                first[0] if first else None,
                first[1] if first else None,
            )
        )
    report.warnings_by_outcome = dict(counted)
    report.warnings = lines[:LIST_LIMIT]


_OWED_ORDER = ("unworked2", "overdue", "late_response", "unworked1")


def _owed(report: Report, where: ColumnElement[bool], now: datetime) -> None:
    """What was still open, and owed, at the end of the shift (or now)."""
    at = report.until
    columns = _ticket_columns(
        select(
            Ticket.received_at,
            Ticket.closed_at,
            Ticket.response_due_at,
            Ticket.first_response_at,
            Ticket.completion_due_at,
            Ticket.first_completed_at,
            Ticket.clock_started_at,
            Ticket.clock_stopped_at,
            Ticket.assigned_unit_id,
        )
    )
    rows = list(
        db.session.execute(columns.where(where, Ticket.is_open_clause(), Ticket.received_at < at))
    )
    if at < now:  # a past shift: also what was open then and has closed since
        rows += db.session.execute(
            columns.where(where, Ticket.closed_at > at, Ticket.received_at < at)
        ).all()
    counted = dict.fromkeys(("open", *_OWED_ORDER), 0)
    owing: list[tuple[tuple[int, datetime], OwedLine]] = []
    for r in rows:
        owed = rules.owed_at(
            rules.OwedFields(
                received_at=r.received_at,
                closed_at=r.closed_at,
                response_due_at=r.response_due_at,
                first_response_at=r.first_response_at,
                completion_due_at=r.completion_due_at,
                first_completed_at=r.first_completed_at,
                clock_started_at=r.clock_started_at,
                clock_stopped_at=r.clock_stopped_at,
                assigned=r.assigned_unit_id is not None,
            ),
            at,
        )
        if not owed.open:
            continue
        counted["open"] += 1
        flags = {
            "unworked2": owed.unworked_level == 2,
            "overdue": owed.overdue,
            "late_response": owed.late_response,
            "unworked1": owed.unworked_level >= 1,
        }
        for key, on in flags.items():
            counted[key] += int(on)
        if owed.owes:
            rank = next(i for i, key in enumerate(_OWED_ORDER) if flags[key])
            owing.append(((rank, r.received_at), OwedLine(_line(r, r.received_at), owed)))
    owing.sort(key=lambda pair: pair[0])
    report.open_total = counted.pop("open")
    report.owed_counts = {**counted, "owing": len(owing)}
    report.owed = [line for _key, line in owing[:LIST_LIMIT]]


def worked_in(shift: Shift, user_id: int | None) -> bool:
    """Was this person on duty in the shift: a handover note, or any action on a ticket?"""
    if user_id is None:
        return False
    noted = select(HandoverNote.id).where(
        HandoverNote.shift_start == shift.start, HandoverNote.author_user_id == user_id
    )
    acted = select(TicketEventRow.id).where(
        TicketEventRow.at >= shift.start,
        TicketEventRow.at < shift.end,
        TicketEventRow.actor_user_id == user_id,
    )
    return (
        db.session.scalar(noted.limit(1)) is not None
        or db.session.scalar(acted.limit(1)) is not None
    )


def notes_and_acks(shift_start: datetime) -> tuple[list[NoteLine], list[AckLine]]:
    """The notes left on a shift (oldest first) and who accepted its handover."""
    notes = db.session.execute(
        select(HandoverNote)
        .where(HandoverNote.shift_start == shift_start)
        .order_by(HandoverNote.at, HandoverNote.id)
    ).scalars()
    acks = db.session.execute(
        select(HandoverAck)
        .where(HandoverAck.shift_start == shift_start)
        .order_by(HandoverAck.at, HandoverAck.id)
    ).scalars()
    return (
        [NoteLine(n.body, n.author_label, n.author_user_id, n.at) for n in notes],
        [AckLine(a.user_label, a.user_id, a.at) for a in acks],
    )


def report(
    shift: Shift,
    *,
    now: datetime,
    where: ColumnElement[bool] | None = None,
    kota_id: int | None = None,
) -> Report:
    """The handover report of one shift that has started, computed up to its end or now."""
    scope = _in_scope(where if where is not None else true(), kota_id)
    out = Report(shift=shift, until=shift.until(now))
    _arrivals(out, scope)
    _late(out, scope)
    _warnings(out, scope)
    _owed(out, scope, now)
    out.notes, out.acks = notes_and_acks(shift.start)
    return out
