"""KPI read side: figures for any scope and period, by day and by area, unit, category or channel.

Counts come from the daily rollup (``kpi_daily``, kept exact by the service
layer); what depends on the clock (a deadline already passed *now*) is counted
live from the open tickets, which the partial index keeps small. The formulas
are ``domain.kpis``; this module only sums and filters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    true,
)

from ..domain import kpis, sla
from ..domain.inputs import InvalidDay, parse_day
from ..domain.workflow import Actor, Status
from ..extensions import db
from ..models import Category, Channel, KpiDaily, Ticket, Unit, unit_display_name
from ..scope import kpi_areas, kpi_unit_visible
from .kpi_facts import facts_statement, row_facts

DEFAULT_DAYS = 30
MAX_DAYS = 5 * 366 + 1
BACKLOG_AGES: tuple[tuple[str, int | None], ...] = (
    ("< 1 hari", 1),
    ("1–3 hari", 3),
    ("3–7 hari", 7),
    ("7–14 hari", 14),
    ("> 14 hari", None),
)


class KpiInputError(ValueError):
    """A date range or a figure name that cannot be used (the message says which)."""


# --- Periods --------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole WIB days, both ends included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def since(self) -> datetime:
        return kpis.day_start(self.start)

    @property
    def until(self) -> datetime:
        """The first instant after the period (00:00 WIB of the next day)."""
        return kpis.day_start(self.end + timedelta(days=1))

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def day_list(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]

    @classmethod
    def last_days(cls, today: date, days: int = DEFAULT_DAYS) -> Period:
        return cls(today - timedelta(days=days - 1), today)

    @classmethod
    def from_args(cls, args: Mapping[str, Any], now: datetime) -> Period:
        """``from``/``to`` as YYYY-MM-DD (WIB days); the last 30 days by default."""
        today = kpis.wib_day(now)
        raw_from, raw_to = (args.get("from") or "").strip(), (args.get("to") or "").strip()
        if not raw_from and not raw_to:
            return cls.last_days(today)
        try:
            end = parse_day(raw_to, "to") or today
            start = parse_day(raw_from, "from") or end - timedelta(DEFAULT_DAYS - 1)
        except InvalidDay as exc:
            raise KpiInputError(str(exc)) from None
        if start > end:
            raise KpiInputError("tanggal 'from' harus sebelum atau sama dengan 'to'")
        if (end - start).days + 1 > MAX_DAYS:
            raise KpiInputError("rentang paling panjang 5 tahun")
        return cls(start, end)


# --- The organisation, as the KPI pages need it ----------------------------------------


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    kota_id: int | None

    @property
    def display_name(self) -> str:
        return unit_display_name(self.name, self.kind)


@dataclass
class Org:
    units: dict[int, UnitInfo]
    children: dict[int | None, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for u in self.units.values():
            self.children.setdefault(u.parent_id, []).append(u.id)

    def ancestors(self, unit_id: int) -> tuple[int, ...]:
        out: list[int] = []
        parent = self.units[unit_id].parent_id
        while parent is not None and parent not in out:
            out.append(parent)
            parent = self.units[parent].parent_id if parent in self.units else None
        return tuple(out)

    def subtree(self, unit_id: int) -> list[int]:
        out, stack = [], [unit_id]
        while stack:
            uid = stack.pop()
            out.append(uid)
            stack.extend(self.children.get(uid, ()))
        return out

    def of_kind(self, *kinds: str) -> list[UnitInfo]:
        return sorted(
            (u for u in self.units.values() if u.kind in kinds), key=lambda u: u.display_name
        )

    def name(self, unit_id: int | None) -> str:
        if not unit_id:
            return "Antrean MRO (belum ada unit)"
        u = self.units.get(unit_id)
        return u.display_name if u else f"Unit {unit_id}"

    def kecamatan_of(self, kelurahan_id: int | None) -> int:
        if kelurahan_id is None or kelurahan_id not in self.units:
            return 0
        return self.units[kelurahan_id].parent_id or 0


def org() -> Org:
    rows = db.session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id, Unit.kota_id)
    )
    return Org({r.id: UnitInfo(*r) for r in rows})


# --- Sums over the rollup ----------------------------------------------------------------

_T = KpiDaily.__table__
_SUMS = [func.coalesce(func.sum(_T.c[name]), 0) for name in kpis.COUNTERS]


def summed(
    dim: str,
    period: Period,
    *,
    keys: Iterable[int] | None = None,
    subs: Iterable[int] | None = None,
    group: str | None = None,
) -> dict[Any, dict[str, int]]:
    """Summed counters of one dimension over a period, by ``group`` (a column name) or whole."""
    cond = [_T.c.dim == dim, _T.c.day >= period.start, _T.c.day <= period.end]
    if keys is not None:
        cond.append(_T.c.key_id.in_(list(keys)))
    if subs is not None:
        cond.append(_T.c.sub_id.in_(list(subs)))
    group_cols = [_T.c[group]] if group else []
    stmt = select(*group_cols, *_SUMS).where(*cond)
    if group_cols:
        stmt = stmt.group_by(*group_cols)
    out: dict[Any, dict[str, int]] = {}
    for row in db.session.execute(stmt):
        key = row[0] if group else None
        values = row[1:] if group else row
        if group == "day" and isinstance(key, str):
            key = date.fromisoformat(key)
        out[key] = {name: int(n or 0) for name, n in zip(kpis.COUNTERS, values, strict=True)}
    return out


def zero() -> dict[str, int]:
    return dict.fromkeys(kpis.COUNTERS, 0)


# --- Live counts (the clock's part) --------------------------------------------------------
#
# Everything read from the open tickets goes through the partial index
# ``ix_tickets_open_kpi`` (a few thousand rows, every column needed). The open
# clause is the only condition an index can serve: scope and figure conditions
# are wrapped by ``unindexed`` and grouping columns by ``_opaque``. Without
# ANALYZE statistics (the app never runs it) SQLite would otherwise prefer any
# index with an equality on kota or unit, or one that yields the GROUP BY order,
# and read hundreds of thousands of closed tickets to find the open ones.


def unindexed(cond: ColumnElement[bool]) -> ColumnElement[bool]:
    """``cond`` as a computed value: true, but no index is chosen for it."""
    return case((cond, 1), else_=0) == 1


def _opaque(column: Any) -> Any:
    """A grouping column the planner cannot satisfy from an index's order."""
    return (column + literal_column("0")).label(column.key)


def overdue_at(at: datetime) -> ColumnElement[bool]:
    """Never completed and past its completion deadline at ``at`` (at it: still on time)."""
    return and_(Ticket.first_completed_at.is_(None), Ticket.completion_due_at < at)


def open_overdue_clause(period: Period, now: datetime) -> ColumnElement[bool]:
    """Open tickets count as late once their deadline has passed, and only deadlines
    before the period's end."""
    return overdue_at(min(now, period.until))


def _not_yet_due_clause(period: Period, now: datetime) -> ColumnElement[bool]:
    return and_(
        Ticket.first_response_at.is_(None),
        Ticket.response_due_at >= now,  # at the deadline itself: not yet late
        Ticket.received_at >= period.since,
        Ticket.received_at < period.until,
    )


def live_counts(
    period: Period, now: datetime, where: ColumnElement[bool], group: Any | None = None
) -> dict[Any, kpis.Live]:
    nyd = _not_yet_due_clause(period, now)
    ood = open_overdue_clause(period, now)
    cols = [_opaque(group)] if group is not None else []
    stmt = (
        select(
            *cols,
            func.coalesce(func.sum(case((nyd, 1), else_=0)), 0),
            func.coalesce(func.sum(case((nyd, Category.weight), else_=0)), 0),
            func.coalesce(func.sum(case((ood, 1), else_=0)), 0),
            func.coalesce(func.sum(case((ood, Category.weight), else_=0)), 0),
        )
        .join(Category, Category.id == Ticket.category_id)
        .where(Ticket.is_open_clause(), unindexed(where))
    )
    if cols:
        stmt = stmt.group_by(*cols)
    out: dict[Any, kpis.Live] = {}
    for row in db.session.execute(stmt):
        key = row[0] if cols else None
        a, b, c, d = (int(n or 0) for n in (row[1:] if cols else row))
        if a or b or c or d:
            out[key] = kpis.Live(a, b, c, d)
    return out


def _reporters(period: Period, where: ColumnElement[bool]) -> int:
    """Distinct reporters (by contact hash); every report without one counts as one."""
    row = db.session.execute(
        select(
            func.count(func.distinct(Ticket.reporter_hash)),
            func.coalesce(func.sum(case((Ticket.reporter_hash.is_(None), 1), else_=0)), 0),
        ).where(Ticket.received_at >= period.since, Ticket.received_at < period.until, where)
    ).one()
    return int(row[0] or 0) + int(row[1] or 0)


def _median_handling_min(period: Period, where: ColumnElement[bool]) -> float | None:
    # A range over ix_tickets_first_completed_handling, which also holds the
    # kota and the unit: the scope is checked in the index, never in the table.
    cond = and_(
        Ticket.first_completed_at >= period.since,
        Ticket.first_completed_at < period.until,
        unindexed(where),
    )
    n = int(db.session.scalar(select(func.count()).select_from(Ticket).where(cond)) or 0)
    if n == 0:
        return None
    middle = list(
        db.session.scalars(
            select(Ticket.handling_min)
            .where(cond)
            .order_by(Ticket.handling_min)
            .offset((n - 1) // 2)
            .limit(2 if n % 2 == 0 else 1)
        )
    )
    return kpis.median([float(v or 0) for v in middle])


# --- Scopes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a set of figures counts: an area (province / kota) or a unit with its subtree."""

    kind: str  # "province" | "kota" | "kecamatan" (by location) | "unit" (by assignment)
    id: int | None
    label: str
    unit_ids: tuple[int, ...] = ()

    def ticket_filter(self) -> ColumnElement[bool]:
        if self.kind == "province":
            return true()
        if self.kind == "kota":
            return Ticket.kota_id == self.id
        if self.kind == "kecamatan":  # where the problem is: its kelurahan
            return Ticket.kelurahan_id.in_(self.unit_ids)
        return Ticket.assigned_unit_id.in_(self.unit_ids)

    def totals(self, period: Period) -> dict[str, int]:
        if self.kind == "province":
            return summed("area", period).get(None) or zero()
        if self.kind == "kota":
            return summed("area", period, keys=[self.id or 0]).get(None) or zero()
        if self.kind == "kecamatan":
            return summed("area", period, subs=[self.id or 0]).get(None) or zero()
        return summed("unit", period, keys=self.unit_ids).get(None) or zero()

    def daily(self, period: Period) -> dict[date, dict[str, int]]:
        if self.kind == "province":
            return summed("area", period, group="day")
        if self.kind == "kota":
            return summed("area", period, keys=[self.id or 0], group="day")
        if self.kind == "kecamatan":
            return summed("area", period, subs=[self.id or 0], group="day")
        return summed("unit", period, keys=self.unit_ids, group="day")


class NotVisible(LookupError):
    """The scope does not exist for this reader (views answer 404)."""


def area_scope(actor: Actor, kota_id: int | None, o: Org | None = None) -> Scope:
    """The province (None) or one kota, if ``actor`` may see it."""
    allowed = kpi_areas(actor)
    o = o or org()
    if kota_id is None:
        if allowed is None:
            return Scope("province", None, "Provinsi DKI Jakarta")
        if len(allowed) == 1:  # a walikota's summary is their kota
            kota_id = next(iter(allowed))
        else:
            raise NotVisible("province")
    if kota_id not in o.units or o.units[kota_id].kind not in ("kota", "kabupaten"):
        raise NotVisible(kota_id)
    if allowed is not None and kota_id not in allowed:
        raise NotVisible(kota_id)
    return Scope("kota", kota_id, o.name(kota_id))


def kecamatan_scope(actor: Actor, kecamatan_id: int, o: Org | None = None) -> Scope:
    """A kecamatan as an area (tickets located in its kelurahan), if its kota is visible."""
    o = o or org()
    kec = o.units.get(kecamatan_id)
    if kec is None or kec.kind != "kecamatan":
        raise NotVisible(kecamatan_id)
    allowed = kpi_areas(actor)
    if allowed is not None and kec.kota_id not in allowed:
        raise NotVisible(kecamatan_id)
    kelurahan = tuple(k for k in o.children.get(kecamatan_id, ()) if o.units[k].kind == "kelurahan")
    return Scope("kecamatan", kecamatan_id, f"{o.name(kecamatan_id)} (lokasi)", kelurahan)


def unit_scope(actor: Actor, unit_id: int, o: Org | None = None) -> Scope:
    o = o or org()
    if unit_id not in o.units or not kpi_unit_visible(actor, unit_id, o.ancestors(unit_id)):
        raise NotVisible(unit_id)
    return Scope("unit", unit_id, o.name(unit_id), tuple(o.subtree(unit_id)))


# --- Figures --------------------------------------------------------------------------------


def figures_for(scope: Scope, period: Period, now: datetime) -> kpis.Figures:
    where = scope.ticket_filter()
    live = live_counts(period, now, where).get(None, kpis.Live())
    return kpis.figures(
        scope.totals(period),
        live,
        reporters=_reporters(period, where),
        median_handling_min=_median_handling_min(period, where),
    )


@dataclass(frozen=True)
class TrendPoint:
    day: date
    received: int
    completed: int


def trend(scope: Scope, period: Period) -> list[TrendPoint]:
    daily = scope.daily(period)
    return [
        TrendPoint(d, daily.get(d, {}).get("received", 0), daily.get(d, {}).get("completed", 0))
        for d in period.day_list()
    ]


@dataclass(frozen=True)
class Backlog:
    statuses: list[str]
    ages: list[str]
    counts: dict[tuple[str, str], int]  # (status, age) -> tickets

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by_status(self, status: str) -> int:
        return sum(n for (s, _a), n in self.counts.items() if s == status)

    def by_age(self, age: str) -> int:
        return sum(n for (_s, a), n in self.counts.items() if a == age)


def _age_index(now: datetime) -> Any:
    """The BACKLOG_AGES bucket of a ticket's receipt, computed by the database:
    the first whose limit its age in days is under (exactly 1 day old: "1–3 hari")."""
    whens = [
        (Ticket.received_at > now - timedelta(days=limit), i)
        for i, (_label, limit) in enumerate(BACKLOG_AGES)
        if limit is not None
    ]
    return case(*whens, else_=len(BACKLOG_AGES) - 1)


def backlog(scope: Scope, now: datetime) -> Backlog:
    """Open tickets now, by status and by age since receipt."""
    age = _age_index(now).label("age")
    rows = db.session.execute(
        select(Ticket.status, age, func.count())
        .where(Ticket.is_open_clause(), unindexed(scope.ticket_filter()))
        .group_by(Ticket.status, age)
    )
    counts = {(status, BACKLOG_AGES[int(i)][0]): int(n) for status, i, n in rows}
    statuses = [s.value for s in Status if s.is_open]
    return Backlog(statuses, [label for label, _ in BACKLOG_AGES], counts)


@dataclass(frozen=True)
class Row:
    """One line of a comparison table: who, and their figures."""

    key: int
    label: str
    figures: kpis.Figures
    previous: kpis.Figures | None = None
    unit_id: int | None = None  # a unit page to link to


def _rows(
    groups: Mapping[Any, Mapping[str, int]],
    lives: Mapping[Any, kpis.Live],
    labels: Mapping[int, str],
    *,
    previous: Mapping[Any, Mapping[str, int]] | None = None,
    unit_link: bool = False,
) -> list[Row]:
    groups = {k or 0: v for k, v in groups.items()}
    lives = {k or 0: v for k, v in lives.items()}
    if previous is not None:
        previous = {k or 0: v for k, v in previous.items()}
    keys = set(groups) | set(lives) | set(labels)
    out = []
    for key in keys:
        t = groups.get(key) or zero()
        prev_t = (previous or {}).get(key)
        out.append(
            Row(
                key or 0,
                labels.get(key or 0, f"#{key}"),
                kpis.figures(t, lives.get(key, kpis.Live())),
                None if previous is None else kpis.figures(prev_t or zero()),
                (key or None) if unit_link else None,
            )
        )
    return sorted(out, key=lambda r: (-r.figures.received, r.label))


def per_kota(period: Period, now: datetime, o: Org) -> list[Row]:
    groups = summed("area", period, group="key_id")
    lives = live_counts(period, now, true(), Ticket.kota_id)
    labels = {u.id: u.display_name for u in o.of_kind("kota", "kabupaten")}
    labels[0] = "Tanpa lokasi"
    return _rows(groups, lives, labels, unit_link=True)


def per_kecamatan(scope: Scope, period: Period, now: datetime, o: Org) -> list[Row]:
    keys = None if scope.kind == "province" else [scope.id or 0]
    groups = summed("area", period, keys=keys, group="sub_id")
    by_kel = live_counts(period, now, scope.ticket_filter(), Ticket.kelurahan_id)
    lives: dict[int, kpis.Live] = {}
    for kel_id, live in by_kel.items():
        kec = o.kecamatan_of(kel_id)
        lives[kec] = lives.get(kec, kpis.Live()) + live
    kecamatan = [
        u for u in o.of_kind("kecamatan") if scope.kind == "province" or u.kota_id == scope.id
    ]
    labels = {u.id: u.display_name for u in kecamatan}
    labels[0] = "Tanpa lokasi"
    rows = _rows(groups, lives, labels, unit_link=True)
    return [r for r in rows if r.key in labels]


@dataclass(frozen=True)
class UnitSplit:
    """A unit's counters by category and by channel over a period.

    The rollup's category and channel rows are by area; a unit's own split is
    summed from its tickets' contributions (the rollup's own function), read once
    for both tables of a unit page.
    """

    category: dict[int, dict[str, int]]
    channel: dict[int, dict[str, int]]


def unit_split(scope: Scope, period: Period) -> UnitSplit:
    stmt = facts_statement().where(
        Ticket.assigned_unit_id.in_(scope.unit_ids),
        or_(
            and_(Ticket.received_at >= period.since, Ticket.received_at < period.until),
            and_(
                Ticket.first_completed_at >= period.since,
                Ticket.first_completed_at < period.until,
            ),
        ),
    )
    split = UnitSplit({}, {})
    for row in db.session.execute(stmt):
        f = row_facts(row)
        for (d, _k, _s, day), vec in kpis.contributions(f, sla.ESCALATION_BITS).items():
            if d != "unit" or not period.start <= day <= period.end:
                continue
            for out, key in ((split.category, f.category_id), (split.channel, f.channel_id)):
                cur = out.setdefault(key, zero())
                for name, n in zip(kpis.COUNTERS, vec, strict=True):
                    cur[name] += n
    return split


def per_category(
    scope: Scope, period: Period, now: datetime, split: UnitSplit | None = None
) -> list[Row]:
    """``split``: a unit scope's ``unit_split`` when the page already read it."""
    return _per_dim("category", Ticket.category_id, names_of(Category), scope, period, now, split)


def per_channel(
    scope: Scope, period: Period, now: datetime, split: UnitSplit | None = None
) -> list[Row]:
    return _per_dim("channel", Ticket.channel_id, names_of(Channel), scope, period, now, split)


def names_of(model: Any) -> dict[int, str]:
    return {row[0]: row[1] for row in db.session.execute(select(model.id, model.name))}


def _per_dim(
    dim: str,
    column: Any,
    labels: Mapping[int, str],
    scope: Scope,
    period: Period,
    now: datetime,
    split: UnitSplit | None,
) -> list[Row]:
    where = scope.ticket_filter()
    lives = live_counts(period, now, where, column)
    groups: dict[int, dict[str, int]]
    if scope.kind == "unit":
        groups = getattr(split or unit_split(scope, period), dim)
    else:
        keys = None if scope.kind == "province" else [scope.id or 0]
        groups = summed(dim, period, keys=keys, group="sub_id")
    return _rows(groups, lives, {k: v for k, v in labels.items() if k in groups or k in lives})
