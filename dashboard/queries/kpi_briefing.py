"""The executive briefing's reads (open now, late now and 24 h ago, unworked > 24 h,
received and completed today beside yesterday until the same time, each area's
figures now) and the like-for-like comparison figures of a period (the 7-day
cohort, the completion rate at the same age).

The rules are ``domain.cohorts``; this module counts. Everything is filtered by
the page's scope (``queries.kpis.area_scope`` applies ``scope.kpi_areas``: a
walikota's scope is their kota), and reads the open tickets through their
partial index or a time range on an indexed column, never the whole table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select

from ..domain import cohorts, kpis, sla
from ..domain.workflow import Status
from ..extensions import db
from ..models import Ticket, TicketEventRow
from .kpis import Org, Period, Scope, _opaque, overdue_at, unindexed

CLOSED = tuple(s.value for s in Status if not s.is_open)
OWED = tuple(s.value for s in sla.OWED_STATUSES)


@dataclass(frozen=True)
class Briefing:
    """One screen for an executive: the scope now, and where it is worst."""

    now: datetime
    before: datetime  # what "late" is compared with: 24 h ago
    open: int
    late: int
    late_before: int
    unworked: int
    received_today: int
    received_yesterday: int  # yesterday, until the same time of day
    completed_today: int
    completed_yesterday: int
    area_kind: str  # "kota" | "kecamatan"
    areas: list[cohorts.AreaNow]

    @property
    def late_change(self) -> int:
        return self.late - self.late_before

    @property
    def worst(self) -> cohorts.AreaNow | None:
        return cohorts.worst_area(self.areas)

    @property
    def small_areas(self) -> list[cohorts.AreaNow]:
        return cohorts.split_by_sample(self.areas, lambda a: a.open)[1]

    @property
    def late_share(self) -> cohorts.Share:
        return cohorts.Share(self.late, self.open)


def _unworked_clause(now: datetime) -> ColumnElement[bool]:
    """Owed by its unit, not acted on since its clock started 24 h or more ago (level 1)."""
    return and_(
        Ticket.status.in_(OWED),
        or_(Ticket.status != Status.REOPENED.value, Ticket.reopen_confirmed.is_(True)),
        Ticket.assigned_unit_id.is_not(None),
        Ticket.clock_stopped_at.is_(None),
        Ticket.clock_started_at <= now - cohorts.UNWORKED_AFTER,
    )


def _per_place(where: ColumnElement[bool], now: datetime) -> list[tuple[int, int, int, int, int]]:
    """(kota, kelurahan, open, late, unworked) of the open tickets now."""
    one = literal(1)
    kota, kelurahan = _opaque(Ticket.kota_id), _opaque(Ticket.kelurahan_id)
    stmt = (
        select(
            kota,
            kelurahan,
            func.count(),
            func.coalesce(func.sum(case((overdue_at(now), one), else_=0)), 0),
            func.coalesce(func.sum(case((_unworked_clause(now), one), else_=0)), 0),
        )
        .where(Ticket.is_open_clause(), unindexed(where))
        .group_by(kota, kelurahan)
    )
    return [
        (r[0] or 0, r[1] or 0, int(r[2]), int(r[3] or 0), int(r[4] or 0))
        for r in db.session.execute(stmt)
    ]


def _late_before(where: ColumnElement[bool], at: datetime) -> int:
    """Tickets late at ``at``, from the stored fields: those still open, those completed
    since, and those rejected since (a deadline moved by an EWS set since is read as
    it is now)."""
    still_open = select(func.count()).where(
        Ticket.is_open_clause(),
        unindexed(
            and_(
                where,
                Ticket.completion_due_at < at,
                or_(Ticket.first_completed_at.is_(None), Ticket.first_completed_at > at),
            )
        ),
    )
    completed_since = select(func.count()).where(
        Ticket.first_completed_at > at,
        unindexed(and_(where, Ticket.status.in_(CLOSED), Ticket.completion_due_at < at)),
    )
    rejected_ids = select(TicketEventRow.ticket_id).where(
        TicketEventRow.at > at, TicketEventRow.to_status == Status.REJECTED.value
    )
    # Only the primary key may be searched: the day's rejections are few.
    rejected_since = select(func.count()).where(
        Ticket.id.in_(rejected_ids),
        unindexed(
            and_(
                Ticket.status == Status.REJECTED.value,
                Ticket.first_completed_at.is_(None),
                Ticket.completion_due_at < at,
                where,
            )
        ),
    )
    return sum(
        int(db.session.scalar(q) or 0) for q in (still_open, completed_since, rejected_since)
    )


def _count_between(
    column: Any, where: ColumnElement[bool], since: datetime, until: datetime
) -> int:
    """Tickets whose instant ``column`` is in [since, until]."""
    stmt = select(func.count()).select_from(Ticket).where(column >= since, column <= until, where)
    return int(db.session.scalar(stmt) or 0)


def _areas(
    rows: list[tuple[int, int, int, int, int]], scope: Scope, o: Org
) -> tuple[str, list[cohorts.AreaNow]]:
    """Open, late and unworked by kota (a province) or by kecamatan (a kota)."""
    kind = "kota" if scope.kind == "province" else "kecamatan"
    sums: dict[int, list[int]] = {}
    for kota, kel, n_open, n_late, n_unworked in rows:
        key = kota if kind == "kota" else o.kecamatan_of(kel or None)
        if not key:
            continue  # no location: in the totals, in no area
        cur = sums.setdefault(key, [0, 0, 0])
        cur[0] += n_open
        cur[1] += n_late
        cur[2] += n_unworked
    if kind == "kota":
        labels = {u.id: u.display_name for u in o.of_kind("kota", "kabupaten")}
    else:
        labels = {u.id: u.display_name for u in o.of_kind("kecamatan") if u.kota_id == scope.id}
    for key in labels:
        sums.setdefault(key, [0, 0, 0])
    areas = [cohorts.AreaNow(k, labels[k], *v) for k, v in sums.items() if k in labels]
    return kind, sorted(areas, key=lambda a: a.label)


def briefing(scope: Scope, now: datetime, o: Org) -> Briefing:
    """The briefing of an area scope (the province or one kota) at ``now``."""
    where = scope.ticket_filter()
    rows = _per_place(where, now)
    today = kpis.day_start(kpis.wib_day(now))
    before = now - cohorts.LOOKBACK
    yesterday = today - timedelta(days=1)
    kind, areas = _areas(rows, scope, o)
    return Briefing(
        now=now,
        before=before,
        open=sum(r[2] for r in rows),
        late=sum(r[3] for r in rows),
        late_before=_late_before(where, before),
        unworked=sum(r[4] for r in rows),
        received_today=_count_between(Ticket.received_at, where, today, now),
        received_yesterday=_count_between(Ticket.received_at, where, yesterday, before),
        # The completion index holds the kota and the unit: a day's range, scope checked there.
        completed_today=_count_between(Ticket.first_completed_at, unindexed(where), today, now),
        completed_yesterday=_count_between(
            Ticket.first_completed_at, unindexed(where), yesterday, before
        ),
        area_kind=kind,
        areas=areas,
    )


# --- Like-for-like comparisons of a period ----------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """A period beside the previous one, each measured the same way."""

    cohort: cohorts.Share  # this period's 7-day cohort
    cohort_previous: cohorts.Share
    completion_previous_same_age: cohorts.Share  # the previous period's rate at the same age
    same_age_at: datetime  # when the previous period was as old as this one is now


def _shares(
    where: ColumnElement[bool], period: Period, now: datetime, at: datetime
) -> tuple[cohorts.Share, cohorts.Share]:
    """(the 7-day cohort, the share first completed by ``at``) of the tickets received in
    ``period``, in one pass (twins: ``cohorts.cohort_share``, ``cohorts.completed_by``)."""
    mature = Ticket.received_at <= cohorts.cohort_cutoff(now)
    done_7d = and_(
        mature, Ticket.handling_min.is_not(None), Ticket.handling_min <= kpis.BUCKET_7D_MIN
    )
    done_by = and_(Ticket.first_completed_at.is_not(None), Ticket.first_completed_at <= at)
    row = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((mature, 1), else_=0)), 0),
            func.coalesce(func.sum(case((done_7d, 1), else_=0)), 0),
            func.coalesce(func.sum(case((done_by, 1), else_=0)), 0),
        ).where(Ticket.received_at >= period.since, Ticket.received_at < period.until, where)
    ).one()
    total, n_mature, n_done_7d, n_done_by = (int(v or 0) for v in row)
    return cohorts.Share(n_done_7d, n_mature), cohorts.Share(n_done_by, total)


def comparison(scope: Scope, period: Period, now: datetime) -> Comparison:
    """This period's cohort, and the previous period's cohort and completion rate at the
    same age (one pass over each period's tickets)."""
    where = scope.ticket_filter()
    previous = period.previous()
    at = cohorts.same_age_cutoff(period.start, previous.start, now)
    cohort_now, _ = _shares(where, period, now, now)
    cohort_before, completed_before = _shares(where, previous, now, at)
    return Comparison(
        cohort=cohort_now,
        cohort_previous=cohort_before,
        completion_previous_same_age=completed_before,
        same_age_at=at,
    )
