"""Shift arithmetic and the handover report's pure rules (domain/handover.py), no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from dashboard.domain import handover as ho

STARTS = ho.parse_shifts(ho.DEFAULT_SHIFTS)


def wib(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    """A Jakarta wall-clock moment as aware UTC (WIB is UTC+7 all year)."""
    return datetime(y, mo, d, h, mi, tzinfo=UTC) - timedelta(hours=7)


def test_default_shifts_are_seven_fifteen_twentythree() -> None:
    assert (time(7), time(15), time(23)) == STARTS


def test_dots_and_spaces_are_accepted() -> None:
    assert ho.parse_shifts(" 6.30 , 14:30,22:30") == (time(6, 30), time(14, 30), time(22, 30))


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("", "start times like"),
        ("07:00,,23:00", "start times like"),
        ("07:00,25:00", "'25:00' is not a time"),
        ("7am,15:00", "'7am' is not a time"),
        ("15:00,07:00", "different and in order"),
        ("07:00,07:00", "different and in order"),
        ("00:00,04:00,08:00,12:00,16:00,20:00,22:00", "at most 6"),
    ],
)
def test_bad_shift_config_is_refused_with_the_reason(value: str, says: str) -> None:
    with pytest.raises(ho.ShiftConfigError, match="PANTAU_SHIFTS") as raised:
        ho.parse_shifts(value)
    assert says in str(raised.value)


def test_a_shift_runs_from_its_start_to_the_next_start_in_utc() -> None:
    s = ho.shift(date(2026, 12, 3), 2, STARTS)
    assert (s.start, s.end) == (wib(2026, 12, 3, 15), wib(2026, 12, 3, 23))
    assert s.label == "Shift 2 (15.00–23.00)"


def test_the_night_shift_crosses_midnight() -> None:
    s = ho.shift(date(2026, 12, 3), 3, STARTS)
    assert (s.start, s.end) == (wib(2026, 12, 3, 23), wib(2026, 12, 4, 7))
    assert s.hours == "23.00–07.00"


def test_after_midnight_belongs_to_the_previous_days_night_shift() -> None:
    s = ho.shift_at(wib(2026, 12, 4, 2, 30), STARTS)
    assert (s.day, s.number) == (date(2026, 12, 3), 3)


@pytest.mark.parametrize(
    ("h", "mi", "day", "number"),
    [
        (6, 59, 3, 3),  # a minute before the morning shift: still the night
        (7, 0, 4, 1),  # the boundary belongs to the shift that starts there
        (14, 59, 4, 1),
        (15, 0, 4, 2),
        (22, 59, 4, 2),
        (23, 0, 4, 3),
    ],
)
def test_which_shift_contains_a_moment(h: int, mi: int, day: int, number: int) -> None:
    s = ho.shift_at(wib(2026, 12, 4, h, mi), STARTS)
    assert (s.day, s.number) == (date(2026, 12, day), number)
    assert s.contains(wib(2026, 12, 4, h, mi))


def test_previous_and_next_cross_the_day() -> None:
    first = ho.shift(date(2026, 12, 4), 1, STARTS)
    before = ho.previous(first, STARTS)
    assert (before.day, before.number) == (date(2026, 12, 3), 3)
    assert ho.following(before, STARTS) == first
    assert before.end == first.start


def test_shifts_tile_the_year_without_gaps() -> None:
    s = ho.shift(date(2026, 1, 1), 1, STARTS)
    for _ in range(3 * 366):
        nxt = ho.following(s, STARTS)
        assert nxt.start == s.end
        s = nxt


def test_an_unknown_shift_number_is_refused() -> None:
    with pytest.raises(ho.UnknownShift, match="1 sampai 3"):
        ho.shift(date(2026, 12, 3), 4, STARTS)
    with pytest.raises(ho.UnknownShift):
        ho.shift(date(2026, 12, 3), 0, STARTS)


def test_two_shifts_a_day_also_work() -> None:
    two = ho.parse_shifts("08:00,20:00")
    s = ho.shift_at(wib(2026, 12, 4, 3), two)
    assert (s.day, s.number, s.hours) == (date(2026, 12, 3), 2, "20.00–08.00")


def test_a_running_shift_reports_up_to_now() -> None:
    s = ho.shift(date(2026, 12, 3), 2, STARTS)
    now = wib(2026, 12, 3, 18)
    assert s.until(now) == now and s.is_current(now)
    assert s.until(wib(2026, 12, 4, 1)) == s.end


def test_acknowledging_opens_half_an_hour_before_the_end() -> None:
    s = ho.shift(date(2026, 12, 3), 2, STARTS)
    assert not s.ack_open(wib(2026, 12, 3, 22, 29))
    assert s.ack_open(wib(2026, 12, 3, 22, 30))


def test_counts_are_largest_first_with_a_label_for_none() -> None:
    got = ho.counts(["Timur", None, "Barat", "Timur"], none_label="Tanpa kota")
    assert got == [("Timur", 2), ("Barat", 1), ("Tanpa kota", 1)]


def test_warning_outcome() -> None:
    t = wib(2026, 12, 3, 10)
    assert ho.warning_outcome(t, t + timedelta(hours=1), None) == ho.ACTED
    assert ho.warning_outcome(t, t - timedelta(hours=1), None) == ho.NO_ACTION
    assert ho.warning_outcome(t, None, t + timedelta(hours=2)) == ho.CLOSED
    assert ho.warning_outcome(t, None, None) == ho.NO_ACTION


def _fields(received: datetime, **kw: object) -> ho.OwedFields:
    base = {
        "received_at": received,
        "closed_at": None,
        "response_due_at": received + timedelta(hours=6),
        "first_response_at": None,
        "completion_due_at": received + timedelta(days=7),
        "first_completed_at": None,
        "clock_started_at": received,
        "clock_stopped_at": None,
        "assigned": True,
    }
    return ho.OwedFields(**{**base, **kw})  # type: ignore[arg-type]


def test_owed_at_a_moment_from_stored_fields() -> None:
    r = wib(2026, 12, 1, 9)
    f = _fields(r)
    assert ho.owed_at(f, r + timedelta(hours=5)) == ho.Owed(True, False, False, 0)
    assert ho.owed_at(f, r + timedelta(hours=6)).late_response  # falls due at the deadline
    assert ho.owed_at(f, r + timedelta(hours=24)).unworked_level == 1
    assert ho.owed_at(f, r + timedelta(hours=48)).unworked_level == 2
    assert ho.owed_at(f, r + timedelta(days=7)).overdue


def test_what_happened_after_the_moment_does_not_count() -> None:
    r = wib(2026, 12, 1, 9)
    later = r + timedelta(days=3)
    f = _fields(r, first_response_at=later, clock_stopped_at=later, closed_at=later)
    at = r + timedelta(hours=30)
    owed = ho.owed_at(f, at)
    assert owed.open and owed.late_response and owed.unworked_level == 1 and owed.owes
    assert not ho.owed_at(f, later).open


def test_a_ticket_in_the_routing_queue_is_not_unworked_by_a_unit() -> None:
    r = wib(2026, 12, 1, 9)
    assert ho.owed_at(_fields(r, assigned=False), r + timedelta(hours=30)).unworked_level == 0
