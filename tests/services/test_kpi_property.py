"""Property: after any sequence of real use cases the stored KPI rollup equals a
recount from the tickets, and the read side's figures equal figures summed by
hand from that recount and from the ticket rows.

Operations that the state machine refuses in the ticket's current state raise
``InvalidTransition`` and are skipped. The database is shared by all examples of
one run (the fixture is made once): the invariants hold over the whole database,
so what earlier examples left behind does not matter.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dashboard.domain import kpis
from dashboard.domain import workflow as wf
from dashboard.domain.workflow import Actor
from dashboard.extensions import db
from dashboard.models import Category, Channel, Ticket
from dashboard.queries import kpi_facts
from dashboard.queries import kpis as kpi_reads
from dashboard.services import escalation, validation
from dashboard.services import workflow as svc
from dashboard.services.errors import NotFound
from tests.conftest import T0
from tests.factories import build_world, new_ticket, photo_bytes

CATEGORIES = ("sampah", "jalan-rusak", "pungutan-liar")
KELURAHAN = {
    # code: (officer, two spots inside it, 330 m apart)
    "KEL-UTAN-KAYU-UTARA": ("officer_a", ((-6.1985, 106.8652), (-6.2015, 106.8652))),
    "KEL-PALMERIAM": ("officer_b", ((-6.2080, 106.8580), (-6.2110, 106.8580))),
    "KEL-SENAYAN": ("officer_c", ((-6.2270, 106.8020), (-6.2300, 106.8020))),
}
TARGETS = ("KEL-UTAN-KAYU-UTARA", "KEL-PALMERIAM", "KEL-SENAYAN", "DINAS-BINA-MARGA")
OFFICERS = {
    "KEL-UTAN-KAYU-UTARA": "officer_a",
    "KEL-PALMERIAM": "officer_b",
    "KEL-SENAYAN": "officer_c",
    "DINAS-BINA-MARGA": "officer_bm",
}
CHANNELS = ("jaki", "kelurahan")
_external = itertools.count(1)

# Kinds of operation, the usual path's next step (start, complete, verify or reopen)
# drawn most often so that tickets get far enough for completions, validations,
# ratings and reopens to happen; new reports and the clock next.
KINDS = (
    *("advance",) * 6,
    *("new",) * 3,
    *("tick",) * 3,
    *("sweep",) * 2,
    *("rate",) * 2,
    "dispose",
    "mro_route",
    "hand_back",
    "coordinate",
    "ews",
    "reject",
    "note",
    "low_rated",
)
# (kind, which of the example's tickets, a number the kind reads its choices from)
operation = st.tuples(
    st.sampled_from(KINDS), st.integers(min_value=0, max_value=999), st.integers(0, 9_999)
)


class Run:
    """Applies operations to the tickets made in one example, with its own clock."""

    def __init__(self, ids: dict[str, int], actors: dict[str, Actor]) -> None:
        self.actors = actors
        self.now = T0
        self.tickets: list[int] = []
        self.units = [ids[code] for code in TARGETS]
        self.officer_of = {ids[code]: user for code, user in OFFICERS.items()}
        self.channel_code = dict(db.session.execute(select(Channel.id, Channel.code)).all())

    def ticket(self, ref: int) -> Ticket | None:
        if not self.tickets:
            return None
        db.session.rollback()  # a fresh read of what the last use case committed
        return db.session.get(Ticket, self.tickets[ref % len(self.tickets)])

    def officer(self, t: Ticket) -> Actor | None:
        user = self.officer_of.get(t.assigned_unit_id)  # type: ignore[arg-type]
        return None if user is None else self.actors[user]

    def new(self, n: int) -> None:
        kel = sorted(KELURAHAN)[(n // 3) % 3]
        spot = (None, 0, 1)[(n // 18) % 3]  # no coordinates, or one of two spots
        overrides: dict[str, Any] = {
            "external_id": f"P-{next(_external)}",
            "category": CATEGORIES[n % 3],
            "channel": CHANNELS[(n // 9) % 2],
            "kelurahan": kel,
            "lat": None if spot is None else KELURAHAN[kel][1][spot][0],
            "lon": None if spot is None else KELURAHAN[kel][1][spot][1],
            "reported_at": self.now.isoformat(),
        }
        if (n // 54) % 4 == 0:
            overrides["reporter"] = {"name": "X", "anonymous": True}
        self.tickets.append(new_ticket(self.now, **overrides))

    def apply(self, op: tuple[str, int, int]) -> None:
        kind, ref, n = op
        now, pub = self.now, svc.no_publish
        match kind:
            case "tick":
                self.now += timedelta(minutes=1 + n % (3 * 24 * 60))
                return
            case "new":
                self.new(n)
                return
            case "sweep":
                escalation.sweep(now=now, publish=pub)
                return
            case "low_rated":
                validation.reopen_low_rated(now=now, publish=pub)
                return
        t = self.ticket(ref)
        if t is None:
            return
        tid, officer = t.id, self.officer(t)
        admin, mro = self.actors["admin"], self.actors["mro"]
        if kind == "advance":
            status = wf.Status(t.status)
            if status is wf.Status.AWAITING_VALIDATION or (
                status is wf.Status.REOPENED and not t.reopen_confirmed
            ):
                kind = "verify" if n % 3 else "reopen"
            elif status in (wf.Status.IN_PROGRESS, wf.Status.EWS, wf.Status.COORDINATING):
                kind = "complete"
            elif status.is_open:
                kind = "start"
            else:
                return
        if kind in ("start", "hand_back", "complete", "ews", "coordinate") and officer is None:
            return  # nobody works for that unit (or the MRO queue) in this little world
        match kind:
            case "start":
                svc.start_work(tid, actor=officer, now=now, publish=pub)
            case "dispose" | "mro_route":
                svc.dispose(
                    tid,
                    to_unit_id=self.units[n % len(self.units)],
                    reason="dialihkan",
                    actor=mro if kind == "mro_route" or officer is None else officer,
                    now=now,
                    publish=pub,
                )
            case "hand_back":
                svc.hand_back(tid, reason="bukan kewenangan", actor=officer, now=now, publish=pub)
            case "coordinate":
                svc.coordinate(
                    tid,
                    unit_ids=[self.units[n % len(self.units)]],
                    note="mohon bantuan",
                    actor=officer,
                    now=now,
                    publish=pub,
                )
            case "complete":
                svc.complete(
                    tid, note="selesai", photos=[photo_bytes()], actor=officer, now=now, publish=pub
                )
            case "rate":
                fixed = (n // 5) % 3 != 0
                validation.rate_by_channel(
                    tid,
                    channel_code=self.channel_code[t.channel_id],
                    rating=1 + n % 5,
                    fixed=fixed,
                    comment="" if fixed else "belum beres",
                    now=now,
                    publish=pub,
                )
            case "verify":
                svc.verify(tid, note="", field_verified=False, actor=admin, now=now, publish=pub)
            case "reopen":
                svc.reopen(tid, reason="belum sesuai", actor=admin, now=now, publish=pub)
            case "ews":
                svc.set_ews(
                    tid,
                    ews_at=now + timedelta(days=1 + n % 40),
                    reason="butuh anggaran",
                    actor=officer,
                    now=now,
                    publish=pub,
                )
            case "reject":
                svc.reject(
                    tid,
                    reason="laporan ganda",
                    duplicate_of_id=None,
                    actor=mro,
                    now=now,
                    publish=pub,
                )
            case "note":
                svc.add_note(tid, text="ditegur", kind="warning", actor=mro, now=now, publish=pub)


def hand_figures(period: kpi_reads.Period, now: datetime) -> kpis.Figures:
    """The province's figures from ``recount()`` and the ticket rows, summed here."""
    rows = [
        vec
        for (dim, _key, _sub, day), vec in kpi_facts.recount().items()
        if dim == "area" and period.start <= day <= period.end
    ]
    totals = kpis.totals_of(rows)
    weight = dict(db.session.execute(select(Category.id, Category.weight)).all())
    since, until = period.since, period.until
    nyd = w_nyd = ood = w_ood = 0
    hashes: set[str] = set()
    unnamed = 0
    handling: list[int] = []
    for t in db.session.scalars(select(Ticket)):
        received = since <= t.received_at < until
        if received:
            if t.reporter_hash is None:
                unnamed += 1
            else:
                hashes.add(t.reporter_hash)
        if t.first_completed_at is not None and since <= t.first_completed_at < until:
            handling.append(kpis.minutes_between(t.received_at, t.first_completed_at))
        if not wf.Status(t.status).is_open:
            continue
        w = weight[t.category_id]
        # Still inside the 6 h: not yet responded, deadline ahead.
        if received and t.first_response_at is None and t.response_due_at > now:
            nyd, w_nyd = nyd + 1, w_nyd + w
        # Never completed and past the deadline, counted up to the end of the period.
        cutoff = min(now, until)
        if t.first_completed_at is None and t.completion_due_at < cutoff:
            ood, w_ood = ood + 1, w_ood + w
    return kpis.figures(
        totals,
        kpis.Live(nyd, w_nyd, ood, w_ood),
        reporters=len(hashes) + unnamed,
        median_handling_min=kpis.median(sorted(handling)),
    )


def sums_by_dim(period: kpi_reads.Period) -> dict[str, dict[str, int]]:
    out = {}
    for dim in kpis.DIMS:
        rows: Iterable[list[int]] = (
            vec
            for (d, _k, _s, day), vec in kpi_facts.stored().items()
            if d == dim and period.start <= day <= period.end
        )
        out[dim] = kpis.totals_of(list(rows))
    return out


@settings(
    max_examples=25,
    deadline=None,
    database=None,  # nothing written into the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=8, max_size=30))
def test_rollup_equals_recount_after_any_sequence_of_use_cases(
    app: Flask, ops: list[tuple]
) -> None:
    with app.app_context():
        if not db.session.scalar(select(Category.id).limit(1)):
            # Made once per database; kept as plain values (ids, actors), not rows.
            world = build_world(T0)
            _WORLDS[id(app)] = (dict(world.ids), {u: world.actor(u) for u in world.users})
        run = Run(*_WORLDS[id(app)])
        # Every example begins with one ticket, so the first operations have one to act on.
        run.apply(("new", 0, 0))
        for op in ops:
            try:
                run.apply(op)
            except (wf.InvalidTransition, NotFound):
                db.session.rollback()  # refused in this state (or not the actor's): skip it
        db.session.rollback()
        result = kpi_facts.verify()
        assert result.ok, result.mismatches

        # Half a minute past the last event: no ticket sits exactly on a deadline
        # (that instant has its own test in test_kpi_rollup.py).
        now = run.now + timedelta(seconds=30)
        scope = kpi_reads.area_scope(run.actors["admin"], None)
        first_day = kpis.wib_day(T0)
        for period in (
            kpi_reads.Period(date(2026, 10, 1), date(2027, 12, 31)),  # everything
            kpi_reads.Period(first_day + timedelta(days=1), first_day + timedelta(days=3)),
            kpi_reads.Period.last_days(kpis.wib_day(now), 7),
        ):
            assert kpi_reads.figures_for(scope, period, now) == hand_figures(period, now), period
            by_dim = sums_by_dim(period)
            # Every dimension partitions the same tickets: the same totals.
            assert all(by_dim[d] == by_dim["area"] for d in kpis.DIMS), period


_WORLDS: dict[int, tuple[dict[str, int], dict[str, Actor]]] = {}
