"""Escalation: marking tickets that nobody works, or that run late, and
completions that wait too long for their validator.

The rules are ``domain.sla.due_escalations``; this module finds the tickets
for which an escalation has fallen due and not been raised yet, and raises
each through the one workflow path (history row, ticket change and the
escalation's own record in one transaction, publish after commit).

Exactly once: the ``escalations`` table is unique on (ticket, level, clock).
Two sweeps racing for the same ticket — overlapping runs, a second scheduler
started by mistake — both try; one commits, the other's insert fails and its
whole transaction (history row included) is rolled back. Catching up after
downtime raises each level once, dated when it is noticed, with the time it
fell due kept in the event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.exc import IntegrityError

from ..domain import events as ev
from ..domain import sla
from ..domain import workflow as wf
from ..domain.workflow import Actor, Status
from ..extensions import db
from ..models import Escalation, Ticket, Unit
from .errors import Conflict
from .workflow import Publish, act

OWED = tuple(s.value for s in sla.OWED_STATUSES)


@dataclass
class SweepResult:
    raised: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # raced by another sweep, or the ticket changed meanwhile
    read: int = 0  # candidate tickets read (each has an escalation due, not raised)

    @property
    def total(self) -> int:
        return sum(self.raised.values())


def clocks_of(ticket: Ticket) -> sla.Clocks:
    """``Ticket.clocks`` as a function (the demo generator passes look-alike rows)."""
    return Ticket.clocks(ticket)


def raised_on_current_clocks(ticket: Ticket) -> frozenset[str]:
    """Levels already raised for the ticket's current clocks."""
    c = clocks_of(ticket)
    current = {
        "late": c.response_due_at,
        "level1": c.clock_started_at,
        "level2": c.clock_started_at,
        "overdue": sla.effective_completion_due(c),
        "validation": c.validation_due_at,
    }
    rows = db.session.execute(
        select(Escalation.level, Escalation.cycle_start).where(Escalation.ticket_id == ticket.id)
    ).all()
    return frozenset(level for level, cycle in rows if current.get(level) == cycle)


def _notify_unit(ticket: Ticket, level: str) -> int | None:
    """Level 2 goes up a step: kelurahan → its kecamatan (camat), kecamatan →
    its kota (walikota's office); an agency's own head otherwise."""
    if level == "validation":
        # The validating body: Biro Pemerintahan, or the kota's Bagian Pemerintahan.
        return db.session.scalar(
            select(Unit.id).where(
                Unit.kind == "validator",
                Unit.kota_id.is_(None)
                if ticket.handling_kota_id is None
                else Unit.kota_id == ticket.handling_kota_id,
            )
        )
    if ticket.assigned_unit_id is None:
        return None
    if level != "level2":
        return ticket.assigned_unit_id
    unit = db.session.get(Unit, ticket.assigned_unit_id)
    if unit is not None and unit.kind in ("kelurahan", "kecamatan") and unit.parent_id:
        return unit.parent_id
    return ticket.assigned_unit_id


def raise_escalation(
    ticket_id: int, due: sla.Due, *, now: datetime, publish: Publish
) -> ev.TicketEvent | None:
    """Record one due escalation on one ticket; None if it was already raised."""
    system = Actor.system("Sistem eskalasi")

    def record(ticket: Ticket, event: ev.TicketEvent) -> None:
        assert isinstance(event, ev.TicketEscalated)
        db.session.add(
            Escalation(
                ticket_id=ticket.id,
                level=due.level,
                cycle_start=due.cycle_start,
                at=now,
                unit_id=event.notify_unit_id,
            )
        )

    notify = None
    try:
        ticket = db.session.get(Ticket, ticket_id)
        notify = _notify_unit(ticket, due.level) if ticket is not None else None
        return act(
            ticket_id,
            wf.Escalate(level=due.level, due_at=due.due_at, notify_unit_id=notify),
            actor=system,
            now=now,
            publish=publish,
            escalations=raised_on_current_clocks,
            also=record,
        )
    except IntegrityError:
        db.session.rollback()  # another sweep raised it first
        return None
    except (Conflict, wf.InvalidTransition):
        db.session.rollback()
        return None


def candidates_statement(now: datetime, limit: int) -> Select[Any]:
    """Open tickets with an escalation due and not yet raised.

    Only plain column tests on the open tickets (the partial index): the
    ticket's escalation flags say what is already raised on its current
    clocks, so the escalations table is not read here.
    """
    t = Ticket

    def not_raised(level: str) -> ColumnElement[bool]:
        return t.escalation_flags.op("&")(sla.ESCALATION_BITS[level]) == 0

    owed = and_(
        t.status.in_(OWED),
        or_(t.status != Status.REOPENED.value, t.reopen_confirmed.is_(True)),
    )
    late = and_(t.first_response_at.is_(None), t.response_due_at <= now, not_raised("late"))
    unworked = and_(
        t.assigned_unit_id.is_not(None),
        t.clock_stopped_at.is_(None),
        or_(
            and_(not_raised("level1"), t.clock_started_at <= now - sla.UNWORKED_LEVEL1),
            and_(not_raised("level2"), t.clock_started_at <= now - sla.UNWORKED_LEVEL2),
        ),
    )
    redo = and_(t.status == Status.REOPENED.value, t.reopen_confirmed.is_(True))
    overdue = and_(
        not_raised("overdue"),
        or_(and_(~redo, t.completion_due_at <= now), and_(redo, t.redo_due_at <= now)),
    )
    pending_review = and_(t.status == Status.REOPENED.value, t.reopen_confirmed.is_(False))
    validation = and_(
        or_(t.status == Status.AWAITING_VALIDATION.value, pending_review),
        t.validation_due_at <= now,
        not_raised("validation"),
    )
    return (
        select(t.id)
        # Same predicate as the partial index on open tickets, so only they are read.
        .where(Ticket.is_open_clause(), or_(and_(owed, or_(late, unworked, overdue)), validation))
        .order_by(t.clock_started_at)
        .limit(limit)
    )


def _candidates(now: datetime, limit: int) -> list[int]:
    return list(db.session.scalars(candidates_statement(now, limit)))


def sweep(*, now: datetime, publish: Publish, limit: int = 2000) -> SweepResult:
    """Raise every escalation that has fallen due by ``now`` (the escalate job)."""
    result = SweepResult()
    ids = _candidates(now, limit)
    result.read = len(ids)
    db.session.rollback()  # end the read; each ticket gets its own write transaction
    for ticket_id in ids:
        ticket = db.session.get(Ticket, ticket_id)
        if ticket is None:
            continue
        raised = raised_on_current_clocks(ticket)
        due = [d for d in sla.due_escalations(clocks_of(ticket), now) if d.level not in raised]
        db.session.rollback()
        for d in due:
            if raise_escalation(ticket_id, d, now=now, publish=publish) is None:
                result.skipped += 1
            else:
                result.raised[d.level] = result.raised.get(d.level, 0) + 1
    return result
