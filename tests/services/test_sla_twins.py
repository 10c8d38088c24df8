"""The SQL twins of domain/sla.py's rules agree with them on every boundary.

Lateness is decided in Python (``sla.due_escalations``, ``sla.fallen_due``,
``sla.past_due``) and again in SQL where a query must not load every ticket:
the escalation sweep's candidates, the validation queue's late count and the
KPIs' open-overdue and late-response figures. Each case puts one deadline just
before, at, or just after ``NOW`` on a real database and asks both.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from dashboard.domain import sla
from dashboard.domain.workflow import Actor, ActorKind, Role, Status
from dashboard.extensions import db
from dashboard.models import Ticket
from dashboard.queries import kpi_tickets
from dashboard.queries import kpis as kpi_reads
from dashboard.queries import validation_queue as queue_reads
from dashboard.services import escalation
from tests.conftest import T0
from tests.factories import build_world, new_ticket

NOW = T0 + timedelta(days=4)
SECOND = timedelta(seconds=1)
# Just before the deadline, at it, just after it (as offsets of NOW from the deadline).
SIDES = {"before": -SECOND, "at": timedelta(0), "after": SECOND}


def _calm(now: datetime) -> dict[str, Any]:
    """An owed ticket with no clock near its deadline: nothing due."""
    return {
        "status": Status.IN_PROGRESS.value,
        "first_response_at": now - timedelta(hours=1),
        "response_due_at": now - timedelta(hours=2),
        "clock_started_at": now - timedelta(hours=1),
        "clock_stopped_at": None,
        "completion_due_at": now + timedelta(days=5),
        "redo_due_at": None,
        "reopen_confirmed": False,
        "validation_due_at": None,
        "escalation_flags": 0,
    }


def _cases(now: datetime) -> dict[str, dict[str, Any]]:
    """Per case, the fields that put one deadline on one side of ``now``."""
    out: dict[str, dict[str, Any]] = {}
    for side, offset in SIDES.items():
        due = now - offset
        out[f"level1 {side}"] = {"clock_started_at": due - sla.UNWORKED_LEVEL1}
        out[f"level2 {side}"] = {
            "clock_started_at": due - sla.UNWORKED_LEVEL2,
            "escalation_flags": sla.ESCALATION_BITS["level1"],  # level 1 raised already
        }
        out[f"late {side}"] = {"first_response_at": None, "response_due_at": due}
        out[f"overdue {side}"] = {"completion_due_at": due}
        out[f"redo {side}"] = {
            "status": Status.REOPENED.value,
            "reopen_confirmed": True,
            "redo_due_at": due,
        }
        out[f"validation {side}"] = {
            "status": Status.AWAITING_VALIDATION.value,
            "validation_due_at": due,
        }
    return out


def _tickets(app: Flask) -> dict[str, int]:
    """One ticket per case, its clocks set as the case says."""
    with app.app_context():
        build_world(T0)
        ids = {name: new_ticket(T0, external_id=f"TWIN-{i}") for i, name in enumerate(_cases(NOW))}
        for name, changes in _cases(NOW).items():
            ticket = db.session.get(Ticket, ids[name])
            assert ticket is not None and ticket.assigned_unit_id is not None
            for key, value in {**_calm(NOW), **changes}.items():
                setattr(ticket, key, value)
        db.session.commit()
        return ids


def _due_by_python(ids: dict[str, int], now: datetime) -> set[str]:
    """The cases with an escalation due and not yet raised, by ``sla.due_escalations``."""
    out = set()
    for name, ticket_id in ids.items():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket is not None
        raised = {lvl for lvl, bit in sla.ESCALATION_BITS.items() if ticket.escalation_flags & bit}
        if any(
            d.level not in raised for d in sla.due_escalations(escalation.clocks_of(ticket), now)
        ):
            out.add(name)
    return out


def test_the_sweeps_candidates_are_the_tickets_with_an_escalation_due(app: Flask) -> None:
    ids = _tickets(app)
    with app.app_context():
        by_sql = set(db.session.scalars(escalation.candidates_statement(NOW, 1000)))
        by_python = _due_by_python(ids, NOW)

    assert {name for name, tid in ids.items() if tid in by_sql} == by_python
    # The rule itself: a deadline falls due at its own instant.
    assert by_python == {name for name in ids if not name.endswith("before")}


def test_the_validation_queue_counts_late_as_the_sweep_does(app: Flask) -> None:
    ids = _tickets(app)
    waiting = {name for name in ids if name.startswith("validation")}
    admin = Actor(kind=ActorKind.USER, label="Admin", role=Role.ADMIN)
    with app.app_context():
        page = queue_reads.queue(admin, queue_reads.QueueFilters(), now=NOW)
        expected = 0
        for name in waiting:
            ticket = db.session.get(Ticket, ids[name])
            assert ticket is not None and ticket.validation_due_at is not None
            expected += sla.fallen_due(ticket.validation_due_at, NOW)

    assert page.total == len(waiting)
    assert page.late == expected == 2


@pytest.mark.parametrize(
    ("figure", "deadline", "open_clock"),
    [
        ("open_overdue", "completion_due_at", lambda t: t.first_completed_at is None),
        ("response_late", "response_due_at", lambda t: t.first_response_at is None),
    ],
)
def test_the_kpis_count_late_as_sla_past_due(
    app: Flask, figure: str, deadline: str, open_clock: Callable[[Ticket], bool]
) -> None:
    ids = _tickets(app)
    period = kpi_reads.Period(T0.date(), NOW.date())
    with app.app_context():
        by_sql = set(
            db.session.scalars(
                select(Ticket.id).where(kpi_tickets.figure_clause(figure, period, NOW))
            )
        )
        by_python = set()
        for name, ticket_id in ids.items():
            ticket = db.session.get(Ticket, ticket_id)
            assert ticket is not None
            if open_clock(ticket) and sla.past_due(getattr(ticket, deadline), NOW):
                by_python.add(name)

    assert {name for name, tid in ids.items() if tid in by_sql} == by_python
    # At the deadline itself a ticket is still on time; a second later it is late.
    assert any(name.endswith("after") for name in by_python)
    assert not any(name.endswith(("at", "before")) for name in by_python)
