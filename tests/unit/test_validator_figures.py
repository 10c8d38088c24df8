"""Validator bodies' figures from hand-made decisions (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashboard.domain import events as ev
from dashboard.domain.kpis import Decision, validator_figures
from dashboard.domain.workflow import (
    Actor,
    ActorKind,
    Reopen,
    Role,
    Status,
    TicketState,
    Verify,
    transition,
)

DAY = 24 * 60


def test_on_time_late_median_and_reopened_share() -> None:
    decisions = [
        Decision("verified", 2 * DAY - 60),  # decided after 1 h
        Decision("verified", 0),  # exactly at the deadline: on time
        Decision("reopened", -1),  # one minute late
        Decision("reopened", DAY),  # after 24 h
        Decision("verified", None),  # before margins were recorded: counted, not timed
    ]
    f = validator_figures(decisions, validation_days=2)
    assert (f.done, f.on_time, f.late, f.reopened) == (5, 3, 1, 2)
    assert f.on_time_rate == 3 / 4
    assert f.reopened_share == 2 / 5
    # Waits: 1 h, 48 h, 48 h 1 min, 24 h -> median of 60, 1440, 2880, 2881 minutes.
    assert f.median_decide_h == (1440 + 2880) / 2 / 60


def test_no_decisions_gives_no_rates() -> None:
    f = validator_figures([], validation_days=2)
    assert (f.done, f.on_time, f.late) == (0, 0, 0)
    assert f.on_time_rate is None and f.reopened_share is None and f.median_decide_h is None


def test_a_decision_freezes_its_margin_and_body_on_the_history_row() -> None:
    t0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    due = t0 + timedelta(days=2)
    state = TicketState(
        id=1,
        status=Status.AWAITING_VALIDATION,
        assigned_unit_id=5,
        validation_kota_id=7,
        validation_due_at=due,
    )
    validator = Actor(kind=ActorKind.USER, label="v", role=Role.VALIDATOR, kota_id=7)
    verified = transition(state, Verify(), validator, t0 + timedelta(hours=50))
    assert isinstance(verified, ev.TicketVerified)
    assert verified.data()["margin_min"] == -120
    assert verified.data()["validation_kota_id"] == 7
    reopened = transition(
        state, Reopen(reason="belum", redo_due_at=due), validator, t0 + timedelta(hours=47)
    )
    assert reopened.data()["margin_min"] == 60
