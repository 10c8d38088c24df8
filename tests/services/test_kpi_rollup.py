"""The KPI rollup on a real database: tickets moved through the real use cases
with the clock under the test's control, then every figure compared with the
answer worked out by hand from WORKFLOW.md's definitions.

After every step the stored rollup (``kpi_daily``) must equal a recount from
the tickets (``queries.kpi_facts.verify``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from dashboard.domain import kpis
from dashboard.extensions import db
from dashboard.models import KpiDaily, Ticket
from dashboard.queries import kpi_facts, kpi_rankings, kpi_tickets
from dashboard.queries import kpis as kpi_reads
from dashboard.services import escalation, validation
from dashboard.services import workflow as svc
from tests.conftest import BACKENDS, PG_URL, T0, make_app
from tests.factories import build_world, new_ticket, photo_bytes

H = timedelta(hours=1)
M = timedelta(minutes=1)
D = timedelta(days=1)

# T0 is Monday 2 November 2026, 08:00 WIB. The period under test: 2–15 Nov (WIB);
# the previous one: 19 Oct – 1 Nov.
PERIOD = kpi_reads.Period(date(2026, 11, 2), date(2026, 11, 15))
NOW = T0 + 10 * D  # Thursday 12 November, 08:00 WIB

_external = itertools.count(1)


@pytest.fixture
def world(app: Flask):
    with app.app_context():
        yield build_world(T0)


def in_step() -> None:
    """The rollup agrees with a recount of every ticket, counter by counter."""
    db.session.rollback()
    result = kpi_facts.verify()
    assert result.ok, result.mismatches


def step(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    out = fn(*args, **kwargs)
    in_step()
    return out


def receive(
    at: datetime,
    *,
    kelurahan: str = "KEL-UTAN-KAYU-UTARA",
    category: str = "sampah",
    channel: str = "jaki",
    reporter: dict | None = None,
) -> int:
    """A report named to a kelurahan, without coordinates (no repeat-report linking)."""
    overrides: dict[str, Any] = {
        "external_id": f"KPI-{next(_external)}",
        "category": category,
        "channel": channel,
        "kelurahan": kelurahan,
        "lat": None,
        "lon": None,
        "reported_at": at.isoformat(),
    }
    if reporter is not None:
        overrides["reporter"] = reporter
    return step(new_ticket, at, **overrides)


def start(world, tid: int, user: str, at: datetime) -> None:
    step(svc.start_work, tid, actor=world.actor(user), now=at, publish=svc.no_publish)


def complete(world, tid: int, user: str, at: datetime) -> None:
    step(
        svc.complete,
        tid,
        note="sudah ditangani",
        photos=[photo_bytes()],
        actor=world.actor(user),
        now=at,
        publish=svc.no_publish,
    )


def verify_ticket(world, tid: int, at: datetime, user: str = "validator_tim") -> None:
    step(
        svc.verify,
        tid,
        note="sesuai",
        field_verified=False,
        actor=world.actor(user),
        now=at,
        publish=svc.no_publish,
    )


def rate(tid: int, rating: int, at: datetime) -> None:
    step(
        validation.rate_by_channel,
        tid,
        channel_code="jaki",
        rating=rating,
        fixed=True,
        comment="",
        now=at,
        publish=svc.no_publish,
    )


@dataclass
class Scenario:
    ids: dict[str, int] = field(default_factory=dict)
    sweep: escalation.SweepResult | None = None

    def __getitem__(self, name: str) -> int:
        return self.ids[name]

    def of(self, *names: str) -> set[int]:
        return {self.ids[n] for n in names}


def build_scenario(world) -> Scenario:
    """Eleven tickets; what each one is for is said where it is made."""
    s = Scenario()
    a = "officer_a"  # Kelurahan Utan Kayu Utara (Matraman, Jakarta Timur)

    # t0 — the previous period: received 26 Oct, answered in 1 h, completed in 2 d, verified.
    p0 = datetime(2026, 10, 26, 1, 0, tzinfo=UTC)
    s.ids["t0"] = receive(p0)
    start(world, s["t0"], a, p0 + H)
    complete(world, s["t0"], a, p0 + 2 * D)
    verify_ticket(world, s["t0"], p0 + 2 * D + H)

    # t9 — received 1 Nov 23:30 WIB (16:30 UTC): the previous period's last day;
    # completed 2 Nov 08:00 WIB (in 8 h 30 min): a completion of this period. Left awaiting.
    t9_at = datetime(2026, 11, 1, 16, 30, tzinfo=UTC)
    s.ids["t9"] = receive(t9_at)
    start(world, s["t9"], a, t9_at + H)
    # t10 — received 2 Nov 00:30 WIB (1 Nov 17:30 UTC): this period's first day. Bobot 2.
    t10_at = datetime(2026, 11, 1, 17, 30, tzinfo=UTC)
    s.ids["t10"] = receive(t10_at, category="jalan-rusak")
    start(world, s["t10"], a, t10_at + H)

    # Received together at T0 (2 Nov 08:00 WIB).
    s.ids["t1"] = receive(T0)  # answered at exactly 6 h, completed at exactly 7 d
    s.ids["t2"] = receive(T0)  # answered at 6 h 1 min, completed at 7 d 1 min, reopened
    s.ids["t3"] = receive(T0)  # never answered: late now, and past its 7 days
    s.ids["t5"] = receive(T0, category="jalan-rusak")  # EWS
    s.ids["t6"] = receive(T0, reporter={"name": "Anon", "anonymous": True})  # spam: rejected
    s.ids["t7"] = receive(T0, category="jalan-rusak")  # disposed to Dinas Bina Marga
    s.ids["t8"] = receive(  # Jakarta Selatan, another reporter: answered, past its 7 days
        T0, kelurahan="KEL-SENAYAN", reporter={"name": "Budi", "phone": "081300000001"}
    )

    complete(world, s["t9"], a, T0)
    start(world, s["t5"], a, T0 + H)
    step(
        svc.reject,
        s["t6"],
        reason="spam",
        duplicate_of_id=None,
        actor=world.actor("mro"),
        now=T0 + H,
        publish=svc.no_publish,
    )
    step(
        svc.dispose,
        s["t7"],
        to_unit_id=world["DINAS-BINA-MARGA"],
        reason="jalan provinsi",
        actor=world.actor(a),
        now=T0 + H,
        publish=svc.no_publish,
    )
    start(world, s["t8"], "officer_c", T0 + H)
    step(
        svc.set_ews,
        s["t5"],
        ews_at=T0 + 30 * D,
        reason="menunggu anggaran",
        actor=world.actor(a),
        now=T0 + 2 * H,
        publish=svc.no_publish,
    )
    start(world, s["t7"], "officer_bm", T0 + 2 * H)
    start(world, s["t1"], a, T0 + 6 * H)
    start(world, s["t2"], a, T0 + 6 * H + M)
    complete(world, s["t1"], a, T0 + 7 * D)
    complete(world, s["t2"], a, T0 + 7 * D + M)
    verify_ticket(world, s["t1"], T0 + 7 * D + H)
    step(
        svc.reopen,
        s["t2"],
        reason="foto bukan lokasi ini",
        actor=world.actor("validator_tim"),
        now=T0 + 7 * D + 2 * H,
        publish=svc.no_publish,
    )
    rate(s["t1"], 5, T0 + 7 * D + 2 * H)
    start(world, s["t2"], a, T0 + 7 * D + 3 * H)
    complete(world, s["t2"], a, T0 + 8 * D)
    verify_ticket(world, s["t2"], T0 + 8 * D + H)
    rate(s["t2"], 4, T0 + 8 * D + 2 * H)

    # t4 — received two hours before now: unanswered but still inside its 6 h.
    s.ids["t4"] = receive(NOW - 2 * H)

    s.sweep = step(escalation.sweep, now=NOW, publish=svc.no_publish)
    return s


@pytest.fixture
def scenario(world) -> Scenario:
    return build_scenario(world)


class FrozenWorld:
    """A world's ids and actors as plain values, usable from any session."""

    def __init__(self, world) -> None:
        self.ids = dict(world.ids)
        self.actors = {name: world.actor(name) for name in world.users}

    def __getitem__(self, code: str) -> int:
        return self.ids[code]

    def actor(self, username: str):
        return self.actors[username]


@dataclass
class Shared:
    app: Flask
    world: FrozenWorld
    scenario: Scenario


@pytest.fixture(scope="module", params=BACKENDS)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The scenario, built once per backend for the tests that only read it."""
    if request.param == "postgresql" and not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL variant not run")
    for app in make_app(request.param, tmp_path_factory.mktemp("kpi")):
        with app.app_context():
            world = FrozenWorld(build_world(T0))
            built_scenario = build_scenario(world)
        yield Shared(app, world, built_scenario)


@pytest.fixture
def shared(built: Shared):
    with built.app.app_context():
        yield built


def admin(world):
    return world.actor("admin")


def province(world) -> kpi_reads.Scope:
    return kpi_reads.area_scope(admin(world), None)


def kota_tim(world) -> kpi_reads.Scope:
    return kpi_reads.area_scope(admin(world), world["JKT-TIM"])


def unit(world, code: str) -> kpi_reads.Scope:
    return kpi_reads.unit_scope(admin(world), world[code])


def check(f: kpis.Figures, escalations: dict[str, int], **expected: Any) -> None:
    got = {name: getattr(f, name) for name in expected}
    assert got == pytest.approx(expected)
    assert f.escalations == {level: escalations.get(level, 0) for level in kpis.ESCALATION_LEVELS}


# Handling minutes of this period's completions: t1 7 d = 10080, t2 7 d 1 min = 10081,
# t9 8 h 30 min = 510. Mean 20671 / 3 min; median 10080 min = 168 h.
MEAN_H = 20671 / 3 / 60


def test_the_sweep_raised_what_the_clocks_say(shared: Shared) -> None:
    scenario = shared.scenario
    assert scenario.sweep is not None
    # t3: late (6 h), unworked 24 h and 48 h, past 7 days; t8: past 7 days;
    # t9: waiting for its validator more than 2 days.
    assert scenario.sweep.raised == {
        "late": 1,
        "level1": 1,
        "level2": 1,
        "overdue": 2,
        "validation": 1,
    }


def test_province_figures_are_the_hand_count(shared: Shared) -> None:
    world = shared.world
    f = kpi_reads.figures_for(province(world), PERIOD, NOW)
    check(
        f,
        # esc: t3 late, level 1, level 2, overdue; t8 overdue (t9's is the previous period's)
        {"late": 1, "level1": 1, "level2": 1, "overdue": 2},
        # received on 2–15 Nov: t1 t2 t3 t4 t5 t6 t7 t8 t10
        received=9,
        # one contact for most, Budi (t8), and the anonymous t6 counts as one
        reporters=3,
        # first completed in the period: t1, t2, t9
        completed=3,
        # of the 9 received, completed at least once: t1, t2
        completion_rate=2 / 9,
        # answered: t1 (0 min to spare), t5, t7, t8, t10 on time; t2 late; open and
        # unanswered: t3 (late) and t4 (still inside): 5 / (6 + 2 - 1); t6 closed unanswered
        response_num=5,
        response_den=7,
        response_rate=5 / 7,
        # completed on time: t1 (exactly 7 d), t9; late: t2; open past deadline: t3, t8
        on_time_num=2,
        on_time_den=5,
        on_time_rate=2 / 5,
        open_overdue=2,
        done_7d=2,
        done_14d=1,
        done_over=0,
        mean_handling_h=MEAN_H,
        median_handling_h=168.0,
        ews=1,
        reopened=1,
        reopen_rate=1 / 3,
        # first validations: t1 verified, t2 reopened
        validated=2,
        validated_pass=1,
        validation_pass_rate=1 / 2,
        # ratings: t1 5, t2 4 → 4.5; Skala Mutu 1 + 3.5 × 0.75 = 3.625 → 90.625: A
        rated=2,
        mean_rating=4.5,
        rating_scale4=3.625,
        rating_scale100=90.625,
    )
    assert f.rating_grade == kpis.Grade("A", "Sangat Baik")


def test_kota_figures_are_the_hand_count(shared: Shared) -> None:
    world = shared.world
    f = kpi_reads.figures_for(kota_tim(world), PERIOD, NOW)
    check(
        f,
        {"late": 1, "level1": 1, "level2": 1, "overdue": 1},
        # Jakarta Timur: everything but t8 (Senayan, Jakarta Selatan); t7 still counts
        # here: its place is in Jakarta Timur although an agency handles it.
        received=8,
        reporters=2,
        completed=3,
        completion_rate=2 / 8,
        response_num=4,  # t1, t5, t7, t10
        response_den=6,  # + t2 late, + t3 open late (t4 still inside)
        on_time_num=2,
        on_time_den=4,  # t1, t2, t9 completed + t3 open overdue
        open_overdue=1,
        done_7d=2,
        done_14d=1,
        mean_handling_h=MEAN_H,
        median_handling_h=168.0,
        ews=1,
        reopened=1,
        validated=2,
        validated_pass=1,
        rated=2,
        mean_rating=4.5,
    )


def test_unit_figures_are_the_hand_count(shared: Shared) -> None:
    world = shared.world
    kel = kpi_reads.figures_for(unit(world, "KEL-UTAN-KAYU-UTARA"), PERIOD, NOW)
    check(
        kel,
        {"late": 1, "level1": 1, "level2": 1, "overdue": 1},
        # the kelurahan's own: t1 t2 t3 t4 t5 t6 t10 (t7 went to Dinas Bina Marga)
        received=7,
        reporters=2,
        completed=3,
        completion_rate=2 / 7,
        response_num=3,  # t1, t5, t10
        response_den=5,  # + t2, + t3
        response_rate=3 / 5,
        on_time_num=2,
        on_time_den=4,
        on_time_rate=1 / 2,
        open_overdue=1,
        done_7d=2,
        done_14d=1,
        ews=1,
        reopened=1,
        validated=2,
        validated_pass=1,
        rated=2,
        mean_rating=4.5,
    )
    # The kecamatan counts its kelurahan (Palmeriam has none).
    assert kpi_reads.figures_for(unit(world, "KEC-MATRAMAN"), PERIOD, NOW) == kel
    bm = kpi_reads.figures_for(unit(world, "DINAS-BINA-MARGA"), PERIOD, NOW)
    check(
        bm,
        {},
        # t7 only, answered by the kelurahan within 1 h before the disposition
        received=1,
        reporters=1,
        completed=0,
        completion_rate=0.0,
        response_num=1,
        response_den=1,
        response_rate=1.0,
        on_time_num=0,
        on_time_den=0,
        on_time_rate=None,
        open_overdue=0,
        mean_handling_h=None,
        median_handling_h=None,
        validation_pass_rate=None,
        mean_rating=None,
    )
    senayan = kpi_reads.figures_for(unit(world, "KEL-SENAYAN"), PERIOD, NOW)
    check(senayan, {"overdue": 1}, received=1, response_num=1, on_time_den=1, open_overdue=1)


def test_the_previous_period_is_separate(shared: Shared) -> None:
    world = shared.world
    prev = PERIOD.previous()
    assert prev == kpi_reads.Period(date(2026, 10, 19), date(2026, 11, 1))
    f = kpi_reads.figures_for(province(world), prev, NOW)
    check(
        f,
        {"validation": 1},  # t9 waited for its validator past 2 days
        received=2,  # t0, t9 (23:30 WIB on 1 Nov)
        reporters=1,
        completed=1,  # t0 on 28 Oct; t9's completion belongs to 2 Nov
        completion_rate=1.0,  # both have been completed at least once (t9 this period)
        response_num=2,
        response_den=2,
        on_time_num=1,
        on_time_den=1,  # nothing was open past its deadline by the end of 1 Nov
        open_overdue=0,
        done_7d=1,
        mean_handling_h=48.0,
        median_handling_h=48.0,
        ews=0,
        reopened=0,
        validated=1,
        validated_pass=1,
        rated=0,
        mean_rating=None,
    )
    # The day split alone: 1 Nov holds t9's receipt, 2 Nov t10's and t9's completion.
    day1 = kpi_reads.figures_for(
        province(world), kpi_reads.Period(date(2026, 11, 1), date(2026, 11, 1)), NOW
    )
    day2 = kpi_reads.figures_for(
        province(world), kpi_reads.Period(date(2026, 11, 2), date(2026, 11, 2)), NOW
    )
    assert (day1.received, day1.completed) == (1, 0)
    assert (day2.received, day2.completed) == (8, 1)  # t1..t8 but t4, plus t10; t9 completed


def ids_behind(
    world, scope: kpi_reads.Scope, figure: str, period: kpi_reads.Period = PERIOD
) -> set[int]:
    stmt = kpi_tickets.tickets_behind(admin(world), scope, figure, period, NOW)
    return {t.id for t in db.session.scalars(stmt)}


def behind_expectations(s: Scenario, f: kpis.Figures, drop: set[int]) -> dict:
    """figure → (the tickets it counts, by hand; the number the figures show)."""

    def only(*names: str) -> set[int]:
        return s.of(*names) - drop

    out = {
        "received": (only("t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t10"), f.received),
        "not_completed": (
            only("t3", "t4", "t5", "t6", "t7", "t8", "t10"),
            f.received - round((f.completion_rate or 0) * f.received),
        ),
        "completed": (only("t1", "t2", "t9"), f.completed),
        "completed_late": (only("t2"), f.on_time_den - f.on_time_num - f.open_overdue),
        "open_overdue": (only("t3", "t8"), f.open_overdue),
        "response_late": (only("t2", "t3"), f.response_den - f.response_num),
        "done_7d": (only("t1", "t9"), f.done_7d),
        "done_14d": (only("t2"), f.done_14d),
        "done_over": (set(), f.done_over),
        "reopened": (only("t2"), f.reopened),
        "validation_failed": (only("t2"), f.validated - f.validated_pass),
        "ews": (only("t5"), f.ews),
        "backlog": (only("t3", "t4", "t5", "t7", "t8", "t9", "t10"), None),
        "esc_late": (only("t3"), f.escalations["late"]),
        "esc_level1": (only("t3"), f.escalations["level1"]),
        "esc_level2": (only("t3"), f.escalations["level2"]),
        "esc_overdue": (only("t3", "t8"), f.escalations["overdue"]),
        "esc_validation": (set(), f.escalations["validation"]),
    }
    assert set(out) == set(kpi_tickets.FIGURES)  # every figure the pages offer is checked
    return out


@pytest.mark.parametrize("where", ["province", "kota", "unit"])
def test_the_tickets_behind_each_figure_are_the_ones_it_counts(shared: Shared, where: str) -> None:
    world, scenario = shared.world, shared.scenario
    scope, drop = {
        "province": (province(world), set()),
        "kota": (kota_tim(world), scenario.of("t8")),
        "unit": (unit(world, "KEL-UTAN-KAYU-UTARA"), scenario.of("t7", "t8")),
    }[where]
    f = kpi_reads.figures_for(scope, PERIOD, NOW)
    for figure, (expected, count) in behind_expectations(scenario, f, drop).items():
        got = ids_behind(world, scope, figure)
        assert got == expected, figure
        if count is not None:
            assert len(got) == count, figure


def test_the_tickets_behind_the_previous_period(shared: Shared) -> None:
    world, scenario = shared.world, shared.scenario
    prev = PERIOD.previous()
    scope = province(world)
    assert ids_behind(world, scope, "received", prev) == scenario.of("t0", "t9")
    assert ids_behind(world, scope, "completed", prev) == scenario.of("t0")
    assert ids_behind(world, scope, "esc_validation", prev) == scenario.of("t9")
    assert ids_behind(world, scope, "open_overdue", prev) == set()
    with pytest.raises(kpi_reads.KpiInputError):
        kpi_tickets.figure_clause("nonsense", PERIOD, NOW)


def test_kota_rows_add_up_to_the_province(shared: Shared) -> None:
    world = shared.world
    o = kpi_reads.org()
    total = kpi_reads.figures_for(province(world), PERIOD, NOW)
    by_kota = {r.key: r.figures for r in kpi_reads.per_kota(PERIOD, NOW, o)}
    assert by_kota[world["JKT-TIM"]].received == 8
    assert by_kota[world["JKT-SEL"]].received == 1
    assert sum(f.received for f in by_kota.values()) == total.received
    assert sum(f.open_overdue for f in by_kota.values()) == total.open_overdue
    assert sum(f.response_den for f in by_kota.values()) == total.response_den


def test_category_rows_add_up_to_the_province_and_the_unit(shared: Shared) -> None:
    world = shared.world
    total = kpi_reads.figures_for(province(world), PERIOD, NOW)
    by_cat = {r.key: r.figures for r in kpi_reads.per_category(province(world), PERIOD, NOW)}
    # sampah: t1 t2 t3 t4 t6 t8; jalan rusak: t5 t7 t10
    assert by_cat[world["sampah"]].received == 6
    assert by_cat[world["jalan-rusak"]].received == 3
    assert by_cat[world["sampah"]].open_overdue == 2  # t3, t8
    assert sum(f.completed for f in by_cat.values()) == total.completed
    unit_cat = {
        r.key: r.figures
        for r in kpi_reads.per_category(unit(world, "KEL-UTAN-KAYU-UTARA"), PERIOD, NOW)
    }
    assert unit_cat[world["sampah"]].received == 5  # t1 t2 t3 t4 t6
    assert unit_cat[world["jalan-rusak"]].received == 2  # t5 t10


def test_trend_and_backlog(shared: Shared) -> None:
    world = shared.world
    trend = {p.day: (p.received, p.completed) for p in kpi_reads.trend(province(world), PERIOD)}
    assert len(trend) == 14
    assert trend[date(2026, 11, 2)] == (8, 1)  # t1 t2 t3 t5 t6 t7 t8 t10; t9 completed
    assert trend[date(2026, 11, 9)] == (0, 2)  # t1 at 08:00 WIB, t2 at 08:01
    assert trend[date(2026, 11, 12)] == (1, 0)  # t4
    assert sum(r for r, _ in trend.values()) == 9 and sum(c for _, c in trend.values()) == 3
    backlog = kpi_reads.backlog(province(world), NOW)
    # Open now: t3 t4 waiting; t7 t8 t10 in progress; t5 EWS; t9 awaiting validation.
    assert backlog.total == 7
    assert backlog.by_status("waiting") == 2 and backlog.by_status("in_progress") == 3
    assert backlog.by_status("ews") == 1 and backlog.by_status("awaiting_validation") == 1
    assert backlog.by_age("< 1 hari") == 1  # t4, two hours old
    assert backlog.by_age("7–14 hari") == 6  # the rest, 10 to 10.4 days old


def test_ranking_terms_are_the_bobot_weighted_counts(shared: Shared) -> None:
    table = kpi_rankings.ranking("kelurahan", NOW)
    # The window: the 30 WIB days up to 12 Nov, so t0 and t9 count.
    assert table.window == kpi_reads.Period(date(2026, 10, 14), date(2026, 11, 12))
    rows = {r.unit.code: r for r in table.rows}
    assert set(rows) == {"KEL-UTAN-KAYU-UTARA", "KEL-PALMERIAM", "KEL-SENAYAN"}
    assert not any(r.entry.ranked for r in table.rows)  # nobody has 20 tickets
    # The province, each ticket weighted by bobot (jalan rusak 2, sampah 1):
    #   completion  completed once t0 t9 t1 t2 = 4 of received 14                 → 2/7
    #   response    on time 10 of answered 11 + open late 2 - still inside 1 = 12 → 5/6
    #   on time     t0 t9 t1 = 3 of completed 4 + open overdue t3 t8 = 2         → 1/2
    #   validation  t0 t1 passed, t2 failed                                       → 2/3
    #   rating      (5 + 4) / 2 = 4.5 → 3.5 / 4                                   → 7/8
    assert table.province_terms == pytest.approx(
        {
            "completion": 2 / 7,
            "response": 5 / 6,
            "on_time": 1 / 2,
            "validation": 2 / 3,
            "rating": 7 / 8,
        }
    )
    # Utan Kayu Utara: t0 t9 t10(2) t1 t2 t3 t4 t5(2) t6 → 9 tickets, weight 11.
    #   completion 4/11; response: answered t0 t9 t10 t1 t5 on time (7), t2 late (1),
    #   open t3 (late) t4 (inside) → 7/(8 + 2 - 1) = 7/9; on time 3/(4 + 1) = 3/5;
    #   validation 2/3; rating 7/8.
    a = rows["KEL-UTAN-KAYU-UTARA"]
    assert a.entry.volume == 9 and a.entry.rank is None
    own = {t.key: t.value for t in a.entry.score.terms}
    assert own == pytest.approx(
        {
            "completion": 4 / 11,
            "response": 7 / 9,
            "on_time": 3 / 5,
            "validation": 2 / 3,
            "rating": 7 / 8,
        }
    )
    expected_a = 100 * (0.3 * 4 / 11 + 0.2 * 7 / 9 + 0.2 * 3 / 5 + 0.15 * 2 / 3 + 0.15 * 7 / 8)
    assert a.entry.score.total == pytest.approx(expected_a)  # 61.59…: D
    assert a.entry.score.grade.letter == "D"
    # Senayan: t8 only — not completed, answered on time, open overdue; no validation
    # or rating of its own: those two terms take the province's values.
    c = rows["KEL-SENAYAN"]
    terms_c = {t.key: t for t in c.entry.score.terms}
    assert [terms_c[k].value for k in ("completion", "response", "on_time")] == [0, 1, 0]
    assert not any(terms_c[k].from_province for k in ("completion", "response", "on_time"))
    assert terms_c["validation"].from_province and terms_c["rating"].from_province
    assert c.entry.score.total == pytest.approx(100 * (0.2 * 1 + 0.15 * 2 / 3 + 0.15 * 7 / 8))
    # Palmeriam has no tickets: every term is the province's.
    b = rows["KEL-PALMERIAM"]
    assert b.entry.volume == 0 and all(t.from_province for t in b.entry.score.terms)
    expected_b = 100 * (0.3 * 2 / 7 + 0.2 * 5 / 6 + 0.2 * 1 / 2 + 0.15 * 2 / 3 + 0.15 * 7 / 8)
    assert b.entry.score.total == pytest.approx(expected_b)
    # The window before (14 Sep – 13 Oct) holds nothing.
    assert all(r.previous is not None and r.previous.volume == 0 for r in table.rows)


def unit_rows(world, *codes: str) -> dict[str, dict[str, int]]:
    """The stored unit rows of one day, by unit code (units without a row left out)."""
    db.session.rollback()
    wanted = {world[c] if c else 0: c for c in codes}
    out = {}
    for (dim, key, _sub, day), vec in kpi_facts.stored().items():
        if dim == "unit" and day == date(2026, 11, 2) and key in wanted:
            out[wanted[key]] = {n: v for n, v in zip(kpis.COUNTERS, vec, strict=True) if v}
    return out


def test_a_disposition_moves_the_counts_to_the_new_units_rows(world) -> None:
    kel_a, kel_b, bm = "KEL-UTAN-KAYU-UTARA", "KEL-PALMERIAM", "DINAS-BINA-MARGA"
    tid = receive(T0, category="jalan-rusak")  # bobot 2
    assert unit_rows(world, kel_a, bm) == {
        kel_a: {
            "received": 1,
            "w_received": 2,
            "unresponded_open": 1,
            "w_unresponded_open": 2,
        }
    }
    # The kelurahan passes it on within the hour: its first action answers the ticket.
    step(
        svc.dispose,
        tid,
        to_unit_id=world[bm],
        reason="jalan provinsi",
        actor=world.actor("officer_a"),
        now=T0 + H,
        publish=svc.no_publish,
    )
    answered = {
        "received": 1,
        "w_received": 2,
        "responded": 1,
        "w_responded": 2,
        "responded_ok": 1,
        "w_responded_ok": 2,
    }
    assert unit_rows(world, kel_a, bm) == {bm: answered}
    others = {k: v for k, v in kpi_facts.stored().items() if k[0] != "unit"}
    scope_a, scope_bm = unit(world, kel_a), unit(world, bm)
    assert kpi_reads.figures_for(scope_a, PERIOD, T0 + H).received == 0
    assert kpi_reads.figures_for(scope_bm, PERIOD, T0 + H).received == 1
    # The agency hands it back (bukan kewenangan): the MRO queue's row (0).
    step(
        svc.hand_back,
        tid,
        reason="jalan kota",
        actor=world.actor("officer_bm"),
        now=T0 + 2 * H,
        publish=svc.no_publish,
    )
    assert unit_rows(world, kel_a, bm, "") == {"": answered}
    # The MRO routes it to Palmeriam.
    step(
        svc.dispose,
        tid,
        to_unit_id=world[kel_b],
        reason="lokasi di Palmeriam",
        actor=world.actor("mro"),
        now=T0 + 3 * H,
        publish=svc.no_publish,
    )
    assert unit_rows(world, kel_a, kel_b, bm, "") == {kel_b: answered}
    # Only the unit rows moved: the place, category and channel rows did not change.
    assert {k: v for k, v in kpi_facts.stored().items() if k[0] != "unit"} == others
    assert kpi_reads.figures_for(unit(world, kel_b), PERIOD, T0 + 3 * H).received == 1
    assert kpi_reads.figures_for(scope_bm, PERIOD, T0 + 3 * H).received == 0


def test_the_kpi_cli_verifies_names_a_tampered_row_and_rebuilds(
    world, scenario: Scenario, app: Flask
) -> None:
    runner = app.test_cli_runner()
    db.session.rollback()
    good = kpi_facts.stored()
    result = runner.invoke(args=["kpi", "verify"])
    assert result.exit_code == 0, result.output
    assert "agrees" in result.output

    # Somebody edits a row by hand: Jakarta Timur / Matraman, 2 Nov, received + 5.
    tim, matraman = world["JKT-TIM"], world["KEC-MATRAMAN"]
    table = KpiDaily.__table__
    db.session.execute(
        update(table)
        .where(
            table.c.dim == "area",
            table.c.key_id == tim,
            table.c.sub_id == matraman,
            table.c.day == date(2026, 11, 2),
        )
        .values(received=table.c.received + 5)
    )
    db.session.commit()
    result = runner.invoke(args=["kpi", "verify"])
    assert result.exit_code == 1, result.output
    # 2 Nov in Matraman: t1 t2 t3 t5 t6 t7 t10 = 7 received; 12 stored.
    assert f"area {tim}/{matraman} 2026-11-02: received: recount 7 stored 12" in result.output
    assert "agrees" not in result.output
    assert "kpi rebuild" in result.output
    db.session.rollback()
    assert not kpi_facts.verify().ok

    result = runner.invoke(args=["kpi", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "rebuilt" in result.output
    result = runner.invoke(args=["kpi", "verify"])
    assert result.exit_code == 0 and "agrees" in result.output
    db.session.rollback()
    assert kpi_facts.stored() == good
    assert kpi_reads.figures_for(kota_tim(world), PERIOD, NOW).received == 8


# WORKFLOW.md counts as late the tickets "not yet responded and already past 6 h" and
# those "open past their deadline". At the deadline itself the unit can still act in
# time (a response at exactly 6 h has margin 0 and is on time; so is a completion at
# exactly 7 d), so the ticket is not late yet. One minute later it is.


def test_an_unanswered_ticket_at_exactly_six_hours_is_not_yet_late(world) -> None:
    day = kpi_reads.Period(date(2026, 11, 2), date(2026, 11, 2))
    scope = province(world)
    tid = receive(T0)
    at_deadline = kpi_reads.figures_for(scope, day, T0 + 6 * H)
    assert (at_deadline.response_num, at_deadline.response_den) == (0, 0)
    assert ids_behind_at(world, scope, "response_late", day, T0 + 6 * H) == set()
    a_minute_later = kpi_reads.figures_for(scope, day, T0 + 6 * H + M)
    assert (a_minute_later.response_num, a_minute_later.response_den) == (0, 1)
    assert ids_behind_at(world, scope, "response_late", day, T0 + 6 * H + M) == {tid}


def test_an_open_ticket_at_exactly_its_completion_deadline_is_not_yet_overdue(world) -> None:
    scope = province(world)
    tid = receive(T0)
    start(world, tid, "officer_a", T0 + H)
    due = T0 + 7 * D  # sampah, bobot 1
    at_due = kpi_reads.figures_for(scope, PERIOD, due)
    assert (at_due.on_time_den, at_due.open_overdue) == (0, 0)
    assert ids_behind_at(world, scope, "open_overdue", PERIOD, due) == set()
    after = kpi_reads.figures_for(scope, PERIOD, due + M)
    assert (after.on_time_den, after.open_overdue) == (1, 1)
    assert ids_behind_at(world, scope, "open_overdue", PERIOD, due + M) == {tid}


def test_a_ticket_exactly_a_day_old_is_in_the_one_to_three_days_backlog(world) -> None:
    receive(T0)
    younger = kpi_reads.backlog(province(world), T0 + D - M)
    assert (younger.by_age("< 1 hari"), younger.by_age("1–3 hari")) == (1, 0)
    at_one_day = kpi_reads.backlog(province(world), T0 + D)
    assert (at_one_day.by_age("< 1 hari"), at_one_day.by_age("1–3 hari")) == (0, 1)
    at_fourteen = kpi_reads.backlog(province(world), T0 + 14 * D)
    assert (at_fourteen.by_age("7–14 hari"), at_fourteen.by_age("> 14 hari")) == (0, 1)
    assert at_fourteen.by_status("waiting") == 1 and at_fourteen.total == 1


def ids_behind_at(
    world, scope: kpi_reads.Scope, figure: str, period: kpi_reads.Period, now: datetime
) -> set[int]:
    stmt = kpi_tickets.tickets_behind(admin(world), scope, figure, period, now)
    return {t.id for t in db.session.scalars(stmt)}


def test_worst_late_lists_the_open_tickets_furthest_past_their_deadline(shared: Shared) -> None:
    world, s = shared.world, shared.scenario
    o = kpi_reads.org()

    def late(scope: kpi_reads.Scope, who: str) -> list[tuple[int, float]]:
        return [
            (t.id, t.hours_late) for t in kpi_tickets.worst_late(scope, world.actor(who), NOW, o)
        ]

    # Open and past their 7 days now: t3 (Utan Kayu Utara) and t8 (Senayan), both
    # due at T0 + 7 d, three days ago; ties in received order. t10 (bobot 2) still has time.
    assert late(province(world), "exec_prov") == [(s["t3"], 72.0), (s["t8"], 72.0)]
    rows = kpi_tickets.worst_late(province(world), world.actor("exec_prov"), NOW, o)
    assert [r.tracking for r in rows] == [
        db.session.get(Ticket, s["t3"]).tracking,
        db.session.get(Ticket, s["t8"]).tracking,
    ]
    assert rows[0].unit == "Kelurahan Utan Kayu Utara" and rows[0].category == "Sampah"
    # The area chosen and the reader's own ticket scope both narrow the list.
    assert late(kota_tim(world), "exec_prov") == [(s["t3"], 72.0)]
    assert late(province(world), "officer_c") == [(s["t8"], 72.0)]
    assert late(province(world), "exec_tim") == [(s["t3"], 72.0)]
    assert (
        kpi_tickets.worst_late(province(world), world.actor("exec_prov"), NOW, o, limit=1)[0].id
        == s["t3"]
    )
    # Before the deadline passed nothing is late.
    assert late(province(world), "exec_prov") and not [
        t for t in kpi_tickets.worst_late(province(world), world.actor("exec_prov"), T0 + 7 * D, o)
    ]


@pytest.mark.parametrize("built", ["sqlite"], indirect=True)
def test_sqlite_reads_the_open_tickets_from_their_small_covering_index(shared: Shared) -> None:
    """Without ANALYZE statistics (the app runs none) SQLite's estimates do not
    depend on the data, so the plans chosen here are the plans at 1,000,000
    tickets: every live count reads ix_tickets_open_kpi alone, never an index of
    all tickets by kota or unit (bench/kpi.py measured 0.5 s a query that way)."""
    from sqlalchemy import event

    world = shared.world
    seen: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        seen.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        o = kpi_reads.org()
        for scope in (province(world), kota_tim(world), unit(world, "DINAS-BINA-MARGA")):
            kpi_reads.figures_for(scope, PERIOD, NOW)
            kpi_reads.backlog(scope, NOW)
            kpi_reads.per_category(scope, PERIOD, NOW)
            kpi_reads.per_channel(scope, PERIOD, NOW)
            kpi_tickets.worst_late(scope, world.actor("exec_tim"), NOW, o)
        kpi_reads.per_kota(PERIOD, NOW, o)
        kpi_reads.per_kecamatan(kota_tim(world), PERIOD, NOW, o)
        kpi_rankings.ranking("kelurahan", NOW, o)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    open_reads = [(st, p) for st, p in seen if "NOT IN ('verified', 'rejected')" in st]
    assert len(open_reads) >= 15
    raw = db.session.connection().connection.driver_connection
    for statement, parameters in open_reads:
        plan = " | ".join(r[3] for r in raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
        assert "tickets USING COVERING INDEX ix_tickets_open_kpi" in plan, (statement, plan)
    medians = [(st, p) for st, p in seen if "ORDER BY tickets.handling_min" in st]
    reporters = [(st, p) for st, p in seen if "count(distinct(tickets.reporter_hash))" in st]
    assert medians and reporters
    for statement, parameters in medians:
        plan = " | ".join(r[3] for r in raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
        assert "COVERING INDEX ix_tickets_first_completed_handling" in plan, (statement, plan)
    province_reporters = [
        (st, p) for st, p in reporters if "kota_id" not in st and "IN (" not in st
    ]
    assert province_reporters
    for statement, parameters in province_reporters:
        plan = " | ".join(r[3] for r in raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
        assert "COVERING INDEX ix_tickets_received_reporter" in plan, (statement, plan)
