"""Like-for-like comparisons as pure arithmetic (domain.cohorts): the 7-day cohort and its
boundaries, the completion rate at the same age, lateness at an instant, provisional
days, the tiny-sample rule, the worst area, and how the headline figures use them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dashboard.domain import cohorts, kpis
from dashboard.domain.cohorts import AreaNow, Share

NOW = datetime(2026, 11, 2, 4, 0, tzinfo=UTC)  # 11:00 WIB
SINCE = NOW - timedelta(days=30)
UNTIL = NOW + timedelta(hours=13)  # the end of today, WIB
H = timedelta(hours=1)


@pytest.mark.parametrize(("n", "small"), [(0, True), (19, True), (20, False), (500, False)])
def test_a_rate_over_fewer_than_twenty_tickets_is_tiny(n: int, small: bool) -> None:
    assert cohorts.MIN_SAMPLE == kpis.RANK_MIN_VOLUME == 20
    assert cohorts.tiny(n) is small
    assert Share(0, n).tiny is small


def test_no_sample_at_all_is_tiny_and_has_no_rate() -> None:
    assert cohorts.tiny(None)
    assert Share(0, 0).rate is None


@pytest.mark.parametrize(
    ("handling", "done"),
    [
        (timedelta(hours=168), True),  # exactly 7 × 24 h: in, as in the completion buckets
        (timedelta(hours=168, seconds=59), True),  # whole minutes: still 10,080
        (timedelta(hours=168, minutes=1), False),
        (timedelta(minutes=5), True),
    ],
)
def test_done_within_the_cohort_means_within_168_hours(handling: timedelta, done: bool) -> None:
    received = NOW - timedelta(days=20)
    assert cohorts.done_within_cohort(received, received + handling) is done


def test_a_ticket_never_completed_is_not_done_within_the_cohort() -> None:
    assert not cohorts.done_within_cohort(NOW - timedelta(days=20), None)


def test_the_cohort_counts_only_tickets_at_least_seven_days_old() -> None:
    exactly_seven = NOW - timedelta(days=7)
    tickets = [
        (NOW - timedelta(days=10), NOW - timedelta(days=10) + 2 * H),  # old, done in 2 h
        (NOW - timedelta(days=9), None),  # old, open
        (exactly_seven, exactly_seven + H),  # exactly 7 days old: counts
        (exactly_seven + timedelta(seconds=1), exactly_seven + H),  # a second too young
        (NOW - 2 * H, None),  # today's
        (NOW - timedelta(days=40), NOW - timedelta(days=40) + H),  # before the period
    ]
    assert cohorts.cohort_share(tickets, SINCE, UNTIL, NOW) == Share(2, 3)


def test_the_previous_period_is_read_at_the_same_age() -> None:
    start, previous_start = date(2026, 10, 4), date(2026, 9, 4)
    at = cohorts.same_age_cutoff(start, previous_start, NOW)
    assert at == NOW - timedelta(days=30)

    since, until = NOW - timedelta(days=60), NOW - timedelta(days=30)
    tickets = [
        (NOW - timedelta(days=40), NOW - timedelta(days=40) + H),  # done by then
        (NOW - timedelta(days=35), NOW - timedelta(days=27)),  # done, but 3 days after
        (NOW - timedelta(days=33), at),  # done exactly then: counts
    ]
    assert cohorts.completed_by(tickets, since, until, at) == Share(2, 3)
    assert cohorts.completed_by(tickets, since, until, NOW) == Share(3, 3)  # the final rate


def test_late_at_an_instant_reads_the_deadline_and_what_happened_since() -> None:
    before = NOW - cohorts.LOOKBACK
    due = before - H
    assert cohorts.late_at(due, None, None, before)
    assert not cohorts.late_at(before, None, None, before)  # at the deadline itself: on time
    assert cohorts.late_at(due, NOW - H, None, before)  # completed only after: late then
    assert not cohorts.late_at(due, before - timedelta(minutes=1), None, before)
    assert cohorts.late_at(due, None, NOW - H, before)  # rejected only after: late then
    assert not cohorts.late_at(due, None, before, before)


def test_unworked_for_a_day_is_the_first_escalation_level() -> None:
    assert cohorts.unworked_since(NOW - timedelta(hours=24), NOW)
    assert not cohorts.unworked_since(NOW - timedelta(hours=24) + timedelta(seconds=1), NOW)


def test_today_and_later_days_are_provisional() -> None:
    today = kpis.wib_day(NOW)
    assert cohorts.provisional(today, NOW)
    assert cohorts.provisional(today + timedelta(days=1), NOW)
    assert not cohorts.provisional(today - timedelta(days=1), NOW)


def test_today_starts_at_midnight_in_jakarta_not_in_utc() -> None:
    late_evening_utc = datetime(2026, 11, 1, 18, 0, tzinfo=UTC)  # 2 Nov 01:00 WIB
    assert cohorts.provisional(date(2026, 11, 2), late_evening_utc)
    assert not cohorts.provisional(date(2026, 11, 1), late_evening_utc)


def area(key: int, open_: int, late: int, label: str | None = None) -> AreaNow:
    return AreaNow(key, label or f"Kota {key}", open_, late, 0)


def test_tiny_areas_are_set_apart_and_never_the_worst() -> None:
    areas = [area(1, 100, 30), area(2, 5, 5), area(3, 20, 8)]
    big, small = cohorts.split_by_sample(areas, lambda a: a.open)
    assert [a.key for a in big] == [1, 3] and [a.key for a in small] == [2]
    # Kota 2 has every ticket late, but only five: Kota 3's 40 % is the worst judged.
    worst = cohorts.worst_area(areas)
    assert worst is not None and worst.key == 3


def test_the_worst_area_ties_go_to_the_one_with_more_late_tickets() -> None:
    worst = cohorts.worst_area([area(1, 20, 10), area(2, 40, 20), area(3, 100, 10)])
    assert worst is not None and worst.key == 2


def test_there_is_no_worst_area_without_a_big_enough_one_or_a_late_ticket() -> None:
    assert cohorts.worst_area([area(1, 19, 19)]) is None
    assert cohorts.worst_area([area(1, 50, 0), area(2, 3, 3)]) is None
    assert cohorts.worst_area([]) is None


# --- how the headline figures use the rules ------------------------------------------------


def _figures(**counts: int) -> kpis.Figures:
    return kpis.figures({**dict.fromkeys(kpis.COUNTERS, 0), **counts}, kpis.Live())


def test_a_change_resting_on_a_tiny_sample_is_not_judged() -> None:
    from dashboard.views.kpi_metrics import metrics

    now = _figures(received=10, cohort_completed=9)
    before = _figures(received=300, cohort_completed=30)
    rate = {m.key: m for m in metrics(now, before, backlog_now=0)}["completion_rate"]

    assert rate.small and not rate.previous_small
    assert rate.change == pytest.approx(0.8)
    assert rate.trend == "small"  # not "good": ten tickets say little


def test_the_completion_rate_is_compared_at_the_same_age_and_the_cohort_added() -> None:
    from dashboard.queries.kpi_briefing import Comparison
    from dashboard.views.kpi_metrics import like_for_like, metrics

    now = _figures(received=100, cohort_completed=60)
    before = _figures(received=100, cohort_completed=97)  # the final figure: a month older
    comparison = Comparison(Share(45, 50), Share(40, 50), Share(70, 100), NOW)
    by_key = {m.key: m for m in like_for_like(metrics(now, before, 0), comparison)}

    rate = by_key["completion_rate"]
    assert (rate.value, rate.previous) == (0.6, 0.7)
    assert rate.previous_note is not None and "umur yang sama" in rate.previous_note
    assert rate.trend == "bad"
    cohort = by_key["cohort_7d"]
    assert (cohort.value, cohort.previous, cohort.sample) == (0.9, 0.8, 50)
    assert cohort.trend == "good"


def test_figures_counted_now_have_no_previous_period() -> None:
    from dashboard.views.kpi_metrics import metrics

    by_key = {m.key: m for m in metrics(_figures(), _figures(), backlog_now=7)}
    assert (by_key["backlog"].value, by_key["backlog"].previous) == (7, None)
    assert by_key["open_overdue"].previous is None
