"""The citizen's "when?" and stage words (domain.progress), in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.domain import progress, sla
from dashboard.domain.states import Status

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def clocks(status: Status = Status.IN_PROGRESS, **kw) -> sla.Clocks:
    base = dict(
        status=status,
        assigned_unit_id=7,
        received_at=T0,
        response_due_at=T0 + timedelta(hours=6),
        first_response_at=T0 + timedelta(hours=1),
        clock_started_at=T0,
        clock_stopped_at=None,
        completion_due_at=T0 + 5 * DAY,
    )
    return sla.Clocks(**{**base, **kw})


@pytest.mark.parametrize(
    ("after", "days"),
    [
        (-timedelta(seconds=1), 0),
        (timedelta(0), 0),
        (timedelta(minutes=1), 1),
        (DAY, 1),
        (DAY + timedelta(minutes=1), 2),
        (3 * DAY, 3),
    ],
)
def test_late_days_count_a_started_day(after: timedelta, days: int) -> None:
    assert progress.late_days(T0, T0 + after) == days


def test_before_the_unit_responds_the_target_is_the_response_deadline() -> None:
    c = clocks(Status.WAITING, first_response_at=None)
    target = progress.target(c, T0 + timedelta(hours=2))
    assert target is not None
    assert (target.kind, target.due, target.late) == ("response", c.response_due_at, False)
    assert target.label("id") == "Target ditanggapi unit"
    assert target.label("en") == "Target for the unit's response"
    assert target.status("id") == "masih dalam target" and target.status("en") == "on track"


def test_once_responded_the_target_is_completion_and_past_it_terlambat_n_hari() -> None:
    c = clocks()
    target = progress.target(c, c.completion_due_at + 2 * DAY + timedelta(hours=1))
    assert target is not None and target.kind == "completion"
    assert target.label("id") == "Target selesai"
    assert target.status("id") == "terlambat 3 hari"
    assert target.status("en") == "3 days late"
    one = progress.target(c, c.completion_due_at + timedelta(hours=1))
    assert (
        one is not None
        and one.status("en") == "1 day late"
        and one.status("id") == "terlambat 1 hari"
    )


def test_after_a_confirmed_reopen_the_target_is_the_redo_deadline() -> None:
    redo = T0 + 9 * DAY
    c = clocks(Status.REOPENED, reopen_confirmed=True, redo_due_at=redo)
    target = progress.target(c, T0 + 6 * DAY)
    assert target is not None and (target.kind, target.due, target.late) == ("redo", redo, False)


def test_awaiting_validation_the_target_is_the_validators_deadline() -> None:
    due = T0 + 8 * DAY
    c = clocks(Status.AWAITING_VALIDATION, validation_due_at=due)
    target = progress.target(c, due + timedelta(hours=1))
    assert target is not None and target.kind == "validation" and target.late_days == 1
    assert progress.target(clocks(Status.AWAITING_VALIDATION), T0) is None


@pytest.mark.parametrize("status", [Status.VERIFIED, Status.REJECTED])
def test_a_closed_report_has_no_target(status: Status) -> None:
    assert progress.target(clocks(status), T0 + 30 * DAY) is None


def test_stage_words_in_both_languages() -> None:
    assert [progress.stage_label(s) for s in progress.STEPS] == [
        "Diterima",
        "Ditangani unit",
        "Diperiksa validator",
        "Selesai",
    ]
    assert progress.stage_label("validation", "en") == "Being validated"
    assert progress.stage_label("rejected", "en") == "Rejected"
    assert progress.stage_label("unknown") == "unknown"
    assert set(progress.STEPS) < set(progress.STAGES)
