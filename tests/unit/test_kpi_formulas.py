"""The KPI arithmetic of WORKFLOW.md ("KPI definitions", "Ranking") and the quality
scale of DESIGN.md §7, on hand-built ticket facts: no database, no Flask.

Every expected number is worked out by hand in a comment next to it, from the
definitions, not from the code under test.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from dashboard.domain import kpis, sla
from dashboard.domain.kpis import Live, TicketFacts

BITS = sla.ESCALATION_BITS
H = timedelta(hours=1)
M = timedelta(minutes=1)
D = timedelta(days=1)

# Monday 2 November 2026, 08:00 WIB.
R = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
DAY = date(2026, 11, 2)

UNIT_A, UNIT_B = 101, 102
KOTA, KEC = 11, 21
CAT, CHAN = 31, 41


def ticket(
    *,
    received: datetime = R,
    weight: int = 1,
    respond: timedelta | None = None,
    complete: timedelta | None = None,
    status: str | None = None,
    unit_id: int | None = UNIT_A,
    **fields: object,
) -> TicketFacts:
    """Facts as the services store them: margins from the 6 h / 7 d × bobot deadlines."""
    first_response_at = None if respond is None else received + respond
    first_completed_at = None if complete is None else received + complete
    if status is None:
        if complete is not None:
            status = "awaiting_validation"
        elif respond is not None:
            status = "in_progress"
        else:
            status = "waiting"
    f = TicketFacts(
        received_at=received,
        status=status,
        unit_id=unit_id,
        kota_id=KOTA,
        kecamatan_id=KEC,
        category_id=CAT,
        channel_id=CHAN,
        weight=weight,
        first_response_at=first_response_at,
        response_margin_min=None
        if first_response_at is None
        else sla.margin_minutes(sla.response_due(received, 6), first_response_at),
        first_completed_at=first_completed_at,
        completion_margin_min=None
        if first_completed_at is None
        else sla.margin_minutes(sla.completion_due(received, weight), first_completed_at),
        ews=False,
        escalations_ever=0,
        reopens=0,
        first_validation=None,
        rating=None,
    )
    return replace(f, **fields) if fields else f


def rollup(tickets: Iterable[TicketFacts]) -> dict[kpis.RowKey, list[int]]:
    total: dict[kpis.RowKey, list[int]] = {}
    for f in tickets:
        kpis.add_into(total, kpis.contributions(f, BITS))
    return total


def totals(
    tickets: Iterable[TicketFacts], *, dim: str = "area", days: Iterable[date] | None = None
) -> dict[str, int]:
    """Counters summed over one dimension's rows (all days, or the given WIB days)."""
    wanted = None if days is None else set(days)
    rows = [
        vec
        for (d, _k, _s, day), vec in rollup(tickets).items()
        if d == dim and (wanted is None or day in wanted)
    ]
    return kpis.totals_of(rows)


NO_LIVE = Live()


def fig(tickets: Iterable[TicketFacts], live: Live = NO_LIVE, **kw: object) -> kpis.Figures:
    return kpis.figures(totals(tickets), live, **kw)  # type: ignore[arg-type]


# --- response within 6 h --------------------------------------------------------------


def test_a_response_at_exactly_six_hours_is_on_time_one_minute_later_is_late() -> None:
    exact = ticket(respond=6 * H)
    late = ticket(respond=6 * H + M)
    half_minute = ticket(respond=6 * H + timedelta(seconds=30))
    # margin = due - response, floored to whole minutes: 0, -1, and -0.5 → -1.
    assert (exact.response_margin_min, late.response_margin_min) == (0, -1)
    assert half_minute.response_margin_min == -1
    assert totals([exact])["responded_ok"] == 1
    assert totals([late])["responded_ok"] == 0 and totals([late])["responded"] == 1
    f = fig([exact, late, half_minute])
    # responded 3, within 6 h only the first: 1 / 3.
    assert (f.response_num, f.response_den) == (1, 3)
    assert f.response_rate == pytest.approx(1 / 3)


def test_open_unresponded_tickets_count_as_late_once_their_six_hours_are_gone() -> None:
    now = R + 10 * H
    on_time = ticket(respond=6 * H)  # margin 0: on time
    late = ticket(respond=6 * H + M)  # margin -1: late
    never_past = ticket()  # open, unresponded, due R + 6 h < now: late
    never_inside = ticket(received=now - 2 * H)  # open, unresponded, due now + 4 h: not yet
    spam = ticket(status="rejected")  # closed without a response: not in the figure
    tickets = [on_time, late, never_past, never_inside, spam]
    t = totals(tickets)
    assert (t["responded"], t["responded_ok"], t["unresponded_open"]) == (2, 1, 2)
    # The live count (queries.kpis) subtracts only the tickets still inside their window.
    f = fig(tickets, Live(not_yet_due=1, w_not_yet_due=1))
    # den = responded 2 + unresponded open 2 - still inside 1 = 3; num = 1.
    assert (f.response_num, f.response_den) == (1, 3)
    assert f.response_rate == pytest.approx(1 / 3)
    # Without the open late one the rate would have looked like 1 / 2: it must not.
    assert f.response_rate != pytest.approx(1 / 2)


def test_response_rate_without_any_due_ticket_is_no_data_not_zero() -> None:
    f = fig([ticket()], Live(not_yet_due=1, w_not_yet_due=1))
    # den = 0 + 1 - 1 = 0: no data.
    assert f.response_den == 0 and f.response_rate is None


# --- completion-time buckets and handling hours -----------------------------------------


@pytest.mark.parametrize(
    ("handling", "bucket"),
    [
        (timedelta(hours=5), "done_7d"),
        (7 * D, "done_7d"),  # exactly 7 × 24 h: the first bucket
        (7 * D + M, "done_14d"),
        (14 * D, "done_14d"),  # exactly 14 × 24 h: still the second
        (14 * D + M, "done_over"),
        (40 * D, "done_over"),
    ],
)
def test_completion_time_buckets_at_their_boundaries(handling: timedelta, bucket: str) -> None:
    t = totals([ticket(respond=H, complete=handling)])
    got = {b: t[b] for b in ("done_7d", "done_14d", "done_over")}
    assert got == {b: int(b == bucket) for b in ("done_7d", "done_14d", "done_over")}
    assert t["handling_min"] == int(handling.total_seconds() // 60)


def test_bucket_constants_are_seven_and_fourteen_days_in_minutes() -> None:
    assert kpis.BUCKET_7D_MIN == 10_080 and kpis.BUCKET_14D_MIN == 20_160


def test_handling_hours_mean_and_median() -> None:
    # 2 h, 10 h, 7 d: mean (120 + 600 + 10080) / 3 = 3600 min = 60 h; median 600 min = 10 h.
    tickets = [ticket(respond=H, complete=c) for c in (2 * H, 10 * H, 7 * D)]
    minutes = sorted(f.handling_min for f in tickets if f.handling_min is not None)
    assert minutes == [120, 600, 10_080]
    f = fig(tickets, median_handling_min=kpis.median(minutes))
    assert f.mean_handling_h == pytest.approx(60.0)
    assert f.median_handling_h == pytest.approx(10.0)
    assert kpis.median([1, 2, 3, 10]) == 2.5 and kpis.median([]) is None


# --- on-time completion ----------------------------------------------------------------------


def test_on_time_completion_counts_open_overdue_tickets_as_late() -> None:
    # bobot 1: due 7 d after receipt; bobot 2: 14 d.
    tickets = [
        ticket(respond=H, complete=7 * D),  # margin 0: on time
        ticket(respond=H, complete=7 * D + M),  # margin -1: late
        ticket(weight=2, respond=H, complete=10 * D),  # due 14 d: on time
        ticket(respond=H),  # still open: counted live, not in the rollup
    ]
    assert [f.completion_margin_min for f in tickets[:3]] == [0, -1, 4 * 24 * 60]
    closed_only = fig(tickets)
    # Closed-on-time / closed would say 2 / 3 ...
    assert (closed_only.on_time_num, closed_only.on_time_den) == (2, 3)
    # ... but two open tickets past their deadline (one of bobot 2) count as late: 2 / 5.
    f = fig(tickets, Live(open_overdue=2, w_open_overdue=3))
    assert (f.on_time_num, f.on_time_den) == (2, 5)
    assert f.on_time_rate == pytest.approx(0.4)
    assert f.open_overdue == 2


# --- completion rate, reopen rate, validation, rating ------------------------------------


def test_completion_rate_counts_tickets_completed_at_least_once_even_if_reopened() -> None:
    tickets = [
        ticket(respond=H, complete=D, status="verified", first_validation="verified"),
        ticket(respond=H, complete=D, status="awaiting_validation"),
        # completed, then the validator reopened it and the unit is redoing it
        ticket(respond=H, complete=D, status="in_progress", reopens=1, first_validation="reopened"),
        ticket(respond=H),  # never completed
        ticket(status="rejected"),  # closed, never completed
    ]
    f = fig(tickets)
    # received 5, completed at least once 3: 3 / 5.
    assert f.received == 5
    assert f.completion_rate == pytest.approx(3 / 5)


def test_reopen_rate_is_confirmed_reopens_over_completions() -> None:
    tickets = [
        ticket(respond=H, complete=D, reopens=2, status="reopened"),  # reopened twice: one ticket
        ticket(respond=H, complete=D, reopens=1, status="verified"),
        ticket(respond=H, complete=D),
        ticket(respond=H, complete=D),
        ticket(respond=H),  # not completed: not in the denominator
    ]
    f = fig(tickets)
    # 2 reopened tickets / 4 completed.
    assert (f.reopened, f.completed) == (2, 4)
    assert f.reopen_rate == pytest.approx(0.5)


def test_validation_pass_rate_is_verified_at_first_validation_over_validated() -> None:
    tickets = [
        ticket(respond=H, complete=D, status="verified", first_validation="verified"),
        ticket(respond=H, complete=D, status="verified", first_validation="verified"),
        # reopened first, verified after the redo: a failed first validation
        ticket(respond=H, complete=D, status="verified", first_validation="reopened", reopens=1),
        ticket(respond=H, complete=D, status="awaiting_validation"),  # not validated yet
    ]
    f = fig(tickets)
    # validated 3, passed at the first validation 2: 2 / 3.
    assert (f.validated, f.validated_pass) == (3, 2)
    assert f.validation_pass_rate == pytest.approx(2 / 3)


def test_rating_mean_and_the_skala_mutu_scales() -> None:
    tickets = [ticket(respond=H, complete=D, rating=r) for r in (5, 4, 1)]
    tickets.append(ticket(respond=H, complete=D))  # no rating: not in the mean
    f = fig(tickets)
    # mean (5 + 4 + 1) / 3 = 10/3; 4-point 1 + (10/3 - 1) × 0.75 = 2.75; 100-point 68.75: C.
    assert f.rated == 3
    assert f.mean_rating == pytest.approx(10 / 3)
    assert f.rating_scale4 == pytest.approx(2.75)
    assert f.rating_scale100 == pytest.approx(68.75)
    assert f.rating_grade == kpis.Grade("C", "Kurang Baik")


def test_no_ratings_is_no_grade() -> None:
    f = fig([ticket(respond=H, complete=D)])
    assert f.mean_rating is None and f.rating_scale4 is None and f.rating_grade is None


@pytest.mark.parametrize(
    ("rating", "scale4", "scale100"),
    [(1, 1.0, 25.0), (2, 1.75, 43.75), (3, 2.5, 62.5), (4, 3.25, 81.25), (5, 4.0, 100.0)],
)
def test_rating_to_the_four_and_hundred_point_scales(
    rating: float, scale4: float, scale100: float
) -> None:
    assert kpis.rating_to_scale4(rating) == pytest.approx(scale4)
    assert kpis.rating_to_scale100(rating) == pytest.approx(scale100)


@pytest.mark.parametrize(
    ("score", "letter", "label"),
    [
        (25.0, "D", "Tidak Baik"),
        (64.99, "D", "Tidak Baik"),
        (65.00, "C", "Kurang Baik"),
        (76.60, "C", "Kurang Baik"),
        (76.61, "B", "Baik"),
        (88.30, "B", "Baik"),
        (88.31, "A", "Sangat Baik"),
        (100.0, "A", "Sangat Baik"),
        (0.0, "D", "Tidak Baik"),
    ],
)
def test_grade_thresholds_on_the_hundred_point_scale(score: float, letter: str, label: str) -> None:
    assert kpis.grade(score) == kpis.Grade(letter, label)


@pytest.mark.parametrize(
    ("scale4", "letter"),
    [
        (2.599, "D"),  # 64.975
        (2.600, "C"),  # 65.00
        (3.064, "C"),  # 76.60: the top of C
        (3.0644, "B"),  # 76.61
        (3.532, "B"),  # 88.30: the top of B
        (3.5324, "A"),  # 88.31
        (4.0, "A"),
    ],
)
def test_grade_thresholds_on_the_four_point_scale(scale4: float, letter: str) -> None:
    assert kpis.grade(scale4 * 25).letter == letter


# --- counted on which day ---------------------------------------------------------------------


def test_days_are_jakarta_days() -> None:
    late_evening = datetime(2026, 11, 2, 16, 30, tzinfo=UTC)  # 23:30 WIB, 2 Nov
    after_midnight = datetime(2026, 11, 2, 17, 30, tzinfo=UTC)  # 00:30 WIB, 3 Nov
    assert kpis.wib_day(late_evening) == date(2026, 11, 2)
    assert kpis.wib_day(after_midnight) == date(2026, 11, 3)
    assert kpis.day_start(date(2026, 11, 3)) == datetime(2026, 11, 2, 17, 0, tzinfo=UTC)
    a, b = ticket(received=late_evening), ticket(received=after_midnight)
    assert totals([a, b], days=[date(2026, 11, 2)])["received"] == 1
    assert totals([a, b], days=[date(2026, 11, 3)])["received"] == 1
    assert {day for (_d, _k, _s, day) in kpis.contributions(a, BITS)} == {date(2026, 11, 2)}
    assert {day for (_d, _k, _s, day) in kpis.contributions(b, BITS)} == {date(2026, 11, 3)}


def test_cohort_figures_count_on_the_receipt_day_completions_on_the_completion_day() -> None:
    # Received 2 Nov 08:00 WIB, completed 9 Nov 16:59 WIB (09:59 UTC).
    f = ticket(respond=H, complete=7 * D + 8 * H + 59 * M, rating=4, first_validation="verified")
    first, ninth = [DAY], [date(2026, 11, 9)]
    assert kpis.wib_day(R + 7 * D + 8 * H + 59 * M) == date(2026, 11, 9)
    on_receipt, on_completion = totals([f], days=first), totals([f], days=ninth)
    assert (on_receipt["received"], on_receipt["cohort_completed"], on_receipt["responded"]) == (
        1,
        1,
        1,
    )
    assert on_receipt["completed"] == 0 and on_receipt["rated"] == 0
    assert (on_completion["received"], on_completion["completed"]) == (0, 1)
    assert (on_completion["done_14d"], on_completion["validated_pass"]) == (1, 1)
    assert (on_completion["rated"], on_completion["rating_sum"]) == (1, 4)


def test_every_ticket_adds_to_one_row_per_dimension_per_day() -> None:
    f = ticket(respond=H, complete=2 * D, escalations_ever=BITS["late"] | BITS["overdue"])
    keys = set(kpis.contributions(f, BITS))
    days = [DAY, date(2026, 11, 4)]
    expected = {
        *(("unit", UNIT_A, 0, d) for d in days),
        *(("area", KOTA, KEC, d) for d in days),
        *(("category", KOTA, CAT, d) for d in days),
        *(("channel", KOTA, CHAN, d) for d in days),
    }
    assert keys == expected
    t = totals([f], dim="unit")
    assert (t["esc_late"], t["esc_overdue"], t["esc_level1"], t["esc_validation"]) == (1, 1, 0, 0)
    # A ticket with no place and no unit (the MRO queue) goes to key 0.
    nowhere = replace(ticket(unit_id=None), kota_id=None, kecamatan_id=None)
    assert ("unit", 0, 0, DAY) in kpis.contributions(nowhere, BITS)
    assert ("area", 0, 0, DAY) in kpis.contributions(nowhere, BITS)


def test_nothing_contributes_nothing() -> None:
    assert kpis.contributions(None, BITS) == {}


# --- delta: what one change adds and takes ----------------------------------------------------


def apply(rows: dict[kpis.RowKey, list[int]], change: dict[kpis.RowKey, list[int]]) -> dict:
    out = {k: list(v) for k, v in rows.items()}
    kpis.add_into(out, change)
    return {k: v for k, v in out.items() if any(v)}


def nonzero(rows: dict[kpis.RowKey, list[int]]) -> dict[kpis.RowKey, list[int]]:
    return {k: v for k, v in rows.items() if any(v)}


def test_delta_of_intake_is_the_new_tickets_contributions() -> None:
    f = ticket()
    assert kpis.delta(None, f, BITS) == kpis.contributions(f, BITS)
    assert kpis.delta(f, f, BITS) == {}  # nothing changed: no rows at all


def test_delta_of_a_first_response_moves_the_ticket_from_unresponded_to_responded() -> None:
    before = ticket()
    after = ticket(respond=6 * H)
    change = kpis.delta(before, after, BITS)
    # Only the four receipt-day rows change (unit, area, category, channel) ...
    assert set(change) == {
        ("unit", UNIT_A, 0, DAY),
        ("area", KOTA, KEC, DAY),
        ("category", KOTA, CAT, DAY),
        ("channel", KOTA, CHAN, DAY),
    }
    # ... each by: responded +1, responded_ok +1, unresponded_open -1 (and their bobot twins).
    for vec in change.values():
        named = {n: v for n, v in zip(kpis.COUNTERS, vec, strict=True) if v}
        assert named == {
            "responded": 1,
            "w_responded": 1,
            "responded_ok": 1,
            "w_responded_ok": 1,
            "unresponded_open": -1,
            "w_unresponded_open": -1,
        }
    assert apply(rollup([before]), change) == nonzero(rollup([after]))


def test_delta_of_a_disposition_moves_the_counts_from_one_units_rows_to_the_others() -> None:
    before = ticket(weight=2, respond=H, status="in_progress")
    after = replace(before, unit_id=UNIT_B, status="dispositioned")
    change = kpis.delta(before, after, BITS)
    # The place, category and channel did not change: only the two unit rows move.
    assert set(change) == {("unit", UNIT_A, 0, DAY), ("unit", UNIT_B, 0, DAY)}
    a = dict(zip(kpis.COUNTERS, change[("unit", UNIT_A, 0, DAY)], strict=True))
    b = dict(zip(kpis.COUNTERS, change[("unit", UNIT_B, 0, DAY)], strict=True))
    assert (a["received"], a["w_received"], a["responded_ok"]) == (-1, -2, -1)
    assert (b["received"], b["w_received"], b["responded_ok"]) == (1, 2, 1)
    assert all(a[n] == -b[n] for n in kpis.COUNTERS)  # sums to nothing over the units
    whole = apply(rollup([before]), change)
    assert totals([after], dim="unit") == kpis.totals_of(
        [v for (d, *_), v in whole.items() if d == "unit"]
    )
    assert whole == nonzero(rollup([after]))


def test_delta_of_a_completion_adds_the_completion_day_rows() -> None:
    before = ticket(respond=H)
    after = ticket(respond=H, complete=3 * D)
    change = kpis.delta(before, after, BITS)
    done_day = date(2026, 11, 5)
    assert {day for (*_, day) in change} == {DAY, done_day}
    unit_first = dict(zip(kpis.COUNTERS, change[("unit", UNIT_A, 0, DAY)], strict=True))
    unit_done = dict(zip(kpis.COUNTERS, change[("unit", UNIT_A, 0, done_day)], strict=True))
    assert {n: v for n, v in unit_first.items() if v} == {
        "cohort_completed": 1,
        "w_cohort_completed": 1,
    }
    assert unit_done["completed"] == 1 and unit_done["done_7d"] == 1
    assert unit_done["handling_min"] == 3 * 24 * 60 and unit_done["on_time"] == 1
    assert apply(rollup([before]), change) == nonzero(rollup([after]))


def test_deltas_of_a_whole_life_sum_to_the_final_contributions() -> None:
    life = [
        None,
        ticket(),
        ticket(respond=7 * H),  # late response
        ticket(respond=7 * H, unit_id=UNIT_B, status="dispositioned"),
        ticket(respond=7 * H, unit_id=UNIT_B, complete=8 * D),
        ticket(
            respond=7 * H,
            unit_id=UNIT_B,
            complete=8 * D,
            status="reopened",
            reopens=1,
            first_validation="reopened",
        ),
        ticket(
            respond=7 * H,
            unit_id=UNIT_B,
            complete=8 * D,
            status="verified",
            reopens=1,
            first_validation="reopened",
            rating=3,
        ),
    ]
    stored: dict[kpis.RowKey, list[int]] = {}
    for before, after in zip(life, life[1:], strict=False):
        kpis.add_into(stored, kpis.delta(before, after, BITS))
    assert nonzero(stored) == nonzero(rollup([life[-1]]))
    final = kpis.figures(kpis.totals_of([v for (d, *_), v in stored.items() if d == "area"]))
    # 1 received, responded late, completed late in 8 d (second bucket), reopened,
    # failed its first validation, rated 3.
    assert (final.received, final.response_num, final.response_den) == (1, 0, 1)
    assert (final.completed, final.on_time_num, final.done_14d) == (1, 0, 1)
    assert (final.reopened, final.validated, final.validated_pass) == (1, 1, 0)
    assert final.mean_rating == 3
    unit_rows = {k[1] for k, v in nonzero(stored).items() if k[0] == "unit"}
    assert unit_rows == {UNIT_B}  # nothing left behind on the first unit


# --- the ranking ------------------------------------------------------------------------------


def unit_x() -> tuple[list[TicketFacts], Live]:
    """Unit X: the late tickets are bobot 1, the on-time ones bobot 3."""
    tickets = [
        # bobot 3, responded in 1 h, completed in 5 d (due 21 d), verified first time, rated 5
        ticket(weight=3, respond=H, complete=5 * D, status="verified", first_validation="verified"),
        # bobot 3, likewise, rated 4
        ticket(weight=3, respond=H, complete=5 * D, status="verified", first_validation="verified"),
        # bobot 1, responded after 8 h, completed after 9 d (due 7 d), reopened by the validator
        ticket(
            weight=1,
            respond=8 * H,
            complete=9 * D,
            status="reopened",
            reopens=1,
            first_validation="reopened",
        ),
        # bobot 1, responded after 8 h, still open past its 7 days (counted live)
        ticket(weight=1, respond=8 * H),
    ]
    tickets[0] = replace(tickets[0], rating=5)
    tickets[1] = replace(tickets[1], rating=4)
    tickets[2] = replace(tickets[2], rating=1)
    return tickets, Live(open_overdue=1, w_open_overdue=1)


def unit_y() -> tuple[list[TicketFacts], Live]:
    """Unit Y: bobot 1 only, no validations and no ratings yet."""
    tickets = [
        ticket(weight=1, respond=H, complete=2 * D, unit_id=UNIT_B),
        ticket(weight=1, respond=H, unit_id=UNIT_B),  # open, within its 7 days
    ]
    return tickets, Live()


def test_weighted_terms_of_a_unit_that_takes_hard_cases() -> None:
    tickets, live = unit_x()
    terms = kpis.weighted_terms(totals(tickets, dim="unit"), live)
    # completion: completed bobot 3 + 3 + 1 = 7 of received 3 + 3 + 1 + 1 = 8  → 7/8
    # response:   on time 3 + 3 = 6 of responded 8                               → 6/8
    # on time:    on time 3 + 3 = 6 of completed 7 + open overdue 1 = 8          → 6/8
    # validation: passed 3 + 3 = 6 of validated 3 + 3 + 1 = 7                    → 6/7
    # rating:     (3×5 + 3×4 + 1×1) / 7 = 28/7 = 4.0 → (4 - 1) / 4               → 3/4
    assert terms == pytest.approx(
        {
            "completion": 7 / 8,
            "response": 6 / 8,
            "on_time": 6 / 8,
            "validation": 6 / 7,
            "rating": 0.75,
        }
    )
    s = kpis.score(terms, {})
    # 100 × (0.30×7/8 + 0.20×6/8 + 0.20×6/8 + 0.15×6/7 + 0.15×3/4)
    #   = 26.25 + 15 + 15 + 12.857142… + 11.25 = 80.357142…: B
    assert s.total == pytest.approx(80.357142857, abs=1e-8)
    assert s.grade == kpis.Grade("B", "Baik")
    assert [p.key for p in s.terms] == ["completion", "response", "on_time", "validation", "rating"]
    assert [p.points for p in s.terms] == pytest.approx([26.25, 15, 15, 90 / 7, 11.25])
    assert sum(p.points for p in s.terms) == pytest.approx(s.total)
    assert not any(p.from_province for p in s.terms)


def test_bobot_weighting_scores_differently_from_the_unweighted_rates() -> None:
    tickets, live = unit_x()
    plain = kpis.figures(totals(tickets, dim="unit"), live)
    # Unweighted: completion 3/4, response 2/4, on time 2/(3 + 1), validation 2/3,
    # mean rating (5 + 4 + 1)/3 = 10/3.
    assert plain.completion_rate == pytest.approx(3 / 4)
    assert plain.response_rate == pytest.approx(1 / 2)
    assert plain.on_time_rate == pytest.approx(1 / 2)
    assert plain.validation_pass_rate == pytest.approx(2 / 3)
    assert plain.mean_rating == pytest.approx(10 / 3)
    unweighted = kpis.score(
        {
            "completion": plain.completion_rate,
            "response": plain.response_rate,
            "on_time": plain.on_time_rate,
            "validation": plain.validation_pass_rate,
            "rating": (10 / 3 - 1) / 4,
        },
        {},
    )
    # 100 × (0.30×3/4 + 0.20×1/2 + 0.20×1/2 + 0.15×2/3 + 0.15×7/12)
    #   = 22.5 + 10 + 10 + 10 + 8.75 = 61.25: D
    assert unweighted.total == pytest.approx(61.25)
    assert unweighted.grade.letter == "D"
    weighted = kpis.score(kpis.weighted_terms(totals(tickets, dim="unit"), live), {})
    assert weighted.total == pytest.approx(80.357142857, abs=1e-8)
    assert weighted.grade.letter == "B"


def test_a_term_without_data_takes_the_provinces_value() -> None:
    x, live_x = unit_x()
    y, live_y = unit_y()
    y_terms = kpis.weighted_terms(totals(y, dim="unit"), live_y)
    # Y: completion 1/2, response 2/2, on time 1/1, no validations, no ratings.
    assert y_terms == {
        "completion": pytest.approx(0.5),
        "response": pytest.approx(1.0),
        "on_time": pytest.approx(1.0),
        "validation": None,
        "rating": None,
    }
    province = kpis.weighted_terms(
        totals(x + y, dim="area"),
        Live(
            open_overdue=live_x.open_overdue + live_y.open_overdue,
            w_open_overdue=live_x.w_open_overdue + live_y.w_open_overdue,
        ),
    )
    # Province: completion 8/10, response 8/10, on time 7/(8 + 1), validation 6/7, rating 3/4.
    assert province == pytest.approx(
        {"completion": 0.8, "response": 0.8, "on_time": 7 / 9, "validation": 6 / 7, "rating": 0.75}
    )
    s = kpis.score(y_terms, province)
    by_key = {p.key: p for p in s.terms}
    assert by_key["validation"].from_province and by_key["rating"].from_province
    assert by_key["validation"].value is None and by_key["validation"].used == pytest.approx(6 / 7)
    assert by_key["rating"].used == pytest.approx(0.75)
    assert not by_key["completion"].from_province and by_key["completion"].used == 0.5
    # 100 × (0.30×1/2 + 0.20×1 + 0.20×1 + 0.15×6/7 + 0.15×3/4)
    #   = 15 + 20 + 20 + 12.857142… + 11.25 = 79.107142…: B
    assert s.total == pytest.approx(79.107142857, abs=1e-8)
    assert s.grade.letter == "B"
    # With no province value either the term counts as zero for everybody.
    bare = kpis.score(y_terms, {})
    assert bare.total == pytest.approx(55.0)  # 15 + 20 + 20


def terms_of(value: float) -> dict[str, float | None]:
    return dict.fromkeys(("completion", "response", "on_time", "validation", "rating"), value)


def test_ranking_needs_twenty_tickets_and_ties_share_a_rank() -> None:
    units = [
        (1, 25, terms_of(0.7)),  # score 70
        (2, 40, terms_of(0.9)),  # 90
        (3, 20, terms_of(0.7)),  # 70: ties with unit 1
        (4, 19, terms_of(1.0)),  # 100, but 19 tickets: listed, not ranked
        (5, 30, terms_of(0.5)),  # 50
        (6, 5, terms_of(0.2)),  # listed, not ranked
    ]
    entries = kpis.rank(units, {})
    got = [(e.unit_id, e.ranked, e.rank) for e in entries]
    assert got == [
        (2, True, 1),
        (1, True, 2),
        (3, True, 2),
        (5, True, 4),
        (4, False, None),  # unranked after the ranked, by volume
        (6, False, None),
    ]
    assert [e.score.grade.letter for e in entries] == ["A", "C", "C", "D", "A", "D"]
    assert kpis.RANK_MIN_VOLUME == 20


def test_scores_equal_up_to_rounding_noise_share_a_rank() -> None:
    # 0.1 + 0.2 vs 0.3 style noise: the same score computed two ways.
    a = {**terms_of(0.3), "completion": 0.1 + 0.2}
    b = terms_of(0.3)
    assert a["completion"] != b["completion"]
    entries = kpis.rank([(1, 20, a), (2, 20, b)], {})
    assert [e.rank for e in entries] == [1, 1]


@pytest.mark.parametrize(
    ("value", "letter"), [(0.6499, "D"), (0.65, "C"), (0.7661, "B"), (0.8831, "A")]
)
def test_grade_letters_from_the_score(value: float, letter: str) -> None:
    # Every term at `value`: score 100 × value.
    s = kpis.score(terms_of(value), {})
    assert s.total == pytest.approx(100 * value)
    assert s.grade.letter == letter


def test_a_score_of_exactly_65_from_the_counts_is_graded_c() -> None:
    """Seven bobot-1 tickets whose published score is exactly 65.00 (grade C).

    completion 6/7, response 4/7, on time 1/(6 + 1 open overdue) = 1/7,
    validation 5/6, mean rating (5 + 4 + 4)/3 = 13/3:
    100 × (0.30×6/7 + 0.20×4/7 + 0.20×1/7 + 0.15×5/6 + 0.15×(13/3 − 1)/4)
      = 100 × (18/70 + 8/70 + 2/70 + 1/8 + 1/8) = 100 × (2/5 + 1/4) = 65 exactly.
    """
    on_time = dict(respond=H, complete=2 * D)
    late = dict(respond=7 * H, complete=8 * D)
    tickets = [
        ticket(**on_time, status="verified", first_validation="verified", rating=5),
        ticket(**late, status="verified", first_validation="verified", rating=4),
        ticket(**late, status="verified", first_validation="verified", rating=4),
        ticket(**late, status="verified", first_validation="verified"),
        ticket(**late, status="verified", first_validation="verified"),
        ticket(**late, status="verified", first_validation="reopened", reopens=1),
        ticket(respond=H),  # responded on time; open past its deadline
    ]
    live = Live(open_overdue=1, w_open_overdue=1)
    # Responded on time: tickets 0, 6 and two of the late completions answered early.
    tickets[1] = replace(tickets[1], first_response_at=R + H, response_margin_min=300)
    tickets[2] = replace(tickets[2], first_response_at=R + H, response_margin_min=300)
    terms = kpis.weighted_terms(totals(tickets, dim="unit"), live)
    assert terms == pytest.approx(
        {
            "completion": 6 / 7,
            "response": 4 / 7,
            "on_time": 1 / 7,
            "validation": 5 / 6,
            "rating": (13 / 3 - 1) / 4,
        }
    )
    s = kpis.score(terms, {})
    assert round(s.total, 2) == 65.00
    assert s.grade.letter == "C"


# --- The headline figures' table (views.kpi_metrics.METRICS) ---------------------------------


def test_every_headline_figure_has_one_line_and_leads_to_a_known_ticket_list() -> None:
    from dashboard.queries.kpi_tickets import FIGURES
    from dashboard.views.kpi_metrics import COMPARISON_METRICS, HERO_METRICS, METRIC_GROUPS, METRICS

    keys = [m.key for m in METRICS]
    assert len(keys) == len(set(keys))
    assert set(HERO_METRICS) <= set(keys) | set(COMPARISON_METRICS)
    assert {m.group for m in METRICS} <= {g for g, _label in METRIC_GROUPS}
    assert {m.figure for m in METRICS if m.figure} <= set(FIGURES)
    assert {f"esc_{level}" for level in kpis.ESCALATION_LEVELS} <= set(keys)


def test_a_headline_figure_reads_this_period_beside_the_last_and_says_which_way_is_better() -> None:
    from dashboard.views.kpi_metrics import metrics

    counters = dict.fromkeys(kpis.COUNTERS, 0)
    now = kpis.figures({**counters, "received": 10, "completed": 8}, Live())
    before = kpis.figures({**counters, "received": 12, "completed": 6}, Live())
    by_key = {m.key: m for m in metrics(now, before, backlog_now=5)}

    assert (by_key["received"].value, by_key["received"].previous) == (10, 12)
    assert by_key["completed"].change == 2 and by_key["completed"].trend == "good"
    assert (by_key["backlog"].value, by_key["backlog"].previous) == (5, None)
    assert by_key["backlog"].detail == "semua tiket terbuka, berapa pun umurnya"
    assert by_key["esc_level1"].value == 0 and by_key["esc_level1"].figure == "esc_level1"
