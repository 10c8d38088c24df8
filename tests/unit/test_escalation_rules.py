"""Which escalations are due, at their exact boundaries (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.domain.sla import Clocks, due_escalations
from dashboard.domain.workflow import Status

T = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)

WAITING = Clocks(
    status=Status.WAITING,
    assigned_unit_id=7,
    received_at=T,
    response_due_at=T + 6 * H,
    first_response_at=None,
    clock_started_at=T,
    clock_stopped_at=None,
    completion_due_at=T + timedelta(days=7),
)


def levels(c: Clocks, now: datetime) -> list[str]:
    return [d.level for d in due_escalations(c, now)]


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (timedelta(hours=5, minutes=59), []),
        (6 * H, ["late"]),
        (timedelta(hours=23, minutes=59), ["late"]),
        (24 * H, ["late", "level1"]),
        (timedelta(hours=47, minutes=59), ["late", "level1"]),
        (48 * H, ["late", "level1", "level2"]),
        (timedelta(days=7), ["late", "level1", "level2", "overdue"]),
    ],
)
def test_unworked_ticket_escalates_at_exact_boundaries(age: timedelta, expected: list[str]) -> None:
    assert levels(WAITING, T + age) == expected


def test_the_category_response_deadline_decides_late() -> None:
    fire = replace(WAITING, response_due_at=T + 1 * H)  # kebakaran: 1 hour
    assert levels(fire, T + timedelta(minutes=59)) == []
    assert levels(fire, T + 1 * H) == ["late"]


def test_a_response_in_time_means_never_late() -> None:
    worked = replace(
        WAITING, first_response_at=T + 2 * H, clock_stopped_at=T + 2 * H, status=Status.IN_PROGRESS
    )
    assert levels(worked, T + 50 * H) == []


def test_after_a_disposition_the_new_unit_gets_its_own_24_hours() -> None:
    moved = replace(
        WAITING,
        status=Status.DISPOSITIONED,
        first_response_at=T + 1 * H,
        clock_started_at=T + 30 * H,
        clock_stopped_at=None,
    )
    assert levels(moved, T + 53 * H) == []
    due = due_escalations(moved, T + 54 * H)
    assert [(d.level, d.cycle_start) for d in due] == [("level1", T + 30 * H)]


def test_ews_date_replaces_the_completion_deadline() -> None:
    ews = replace(
        WAITING,
        status=Status.EWS,
        first_response_at=T,
        clock_stopped_at=T,
        completion_due_at=T + timedelta(days=60),
    )
    assert levels(ews, T + timedelta(days=59)) == []
    assert levels(ews, T + timedelta(days=60)) == ["overdue"]


def test_a_confirmed_reopen_works_to_the_redo_deadline() -> None:
    redo = replace(
        WAITING,
        status=Status.REOPENED,
        reopen_confirmed=True,
        first_response_at=T,
        clock_started_at=T + 100 * H,
        clock_stopped_at=T + 101 * H,
        redo_due_at=T + 172 * H,
        completion_due_at=T + 168 * H,
    )
    assert levels(redo, T + 171 * H) == []
    due = due_escalations(redo, T + 172 * H)
    assert [(d.level, d.cycle_start) for d in due] == [("overdue", T + 172 * H)]


@pytest.mark.parametrize(
    "clocks",
    [
        replace(WAITING, status=Status.AWAITING_VALIDATION),
        replace(WAITING, status=Status.VERIFIED),
        replace(WAITING, status=Status.REJECTED),
        replace(WAITING, status=Status.REOPENED, reopen_confirmed=False),
    ],
    ids=["awaiting-validation", "verified", "rejected", "reopen-pending-validator"],
)
def test_nothing_escalates_when_the_unit_owes_no_work(clocks: Clocks) -> None:
    assert levels(clocks, T + timedelta(days=30)) == []


def test_a_ticket_in_the_mro_queue_is_late_but_not_unworked_by_a_unit() -> None:
    queued = replace(WAITING, assigned_unit_id=None)
    assert levels(queued, T + 50 * H) == ["late"]
