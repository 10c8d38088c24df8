"""KPI read side: figures for any scope and period, rankings, and the tickets behind them.

Counts come from the daily rollup (``kpi_daily``, kept exact by the service
layer); what depends on the clock (a deadline already passed *now*) is counted
live from the open tickets, which the partial index keeps small. The formulas
are ``domain.kpis``; this module only sums and filters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
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
from ..domain.workflow import Actor
from ..extensions import db
from ..models import (
    Category,
    Channel,
    KpiDaily,
    Ticket,
    TicketEventRow,
    Unit,
    unit_display_name,
)
from ..scope import kpi_areas, kpi_unit_visible, ticket_scope

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


def _rollup(
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


def _zero() -> dict[str, int]:
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


def _overdue_cutoff(period: Period, now: datetime) -> datetime:
    """Open tickets count as late once their deadline has passed (at the deadline
    itself they are still on time), and only deadlines before the period's end."""
    return min(now, period.until)


def _open_overdue_clause(period: Period, now: datetime) -> ColumnElement[bool]:
    due = Ticket.completion_due_at < _overdue_cutoff(period, now)
    return and_(Ticket.first_completed_at.is_(None), due)


def _not_yet_due_clause(period: Period, now: datetime) -> ColumnElement[bool]:
    return and_(
        Ticket.first_response_at.is_(None),
        Ticket.response_due_at >= now,  # at the deadline itself: not yet late
        Ticket.received_at >= period.since,
        Ticket.received_at < period.until,
    )


def _live(
    period: Period, now: datetime, where: ColumnElement[bool], group: Any | None = None
) -> dict[Any, kpis.Live]:
    nyd = _not_yet_due_clause(period, now)
    ood = _open_overdue_clause(period, now)
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
            return _rollup("area", period).get(None) or _zero()
        if self.kind == "kota":
            return _rollup("area", period, keys=[self.id or 0]).get(None) or _zero()
        if self.kind == "kecamatan":
            return _rollup("area", period, subs=[self.id or 0]).get(None) or _zero()
        return _rollup("unit", period, keys=self.unit_ids).get(None) or _zero()

    def daily(self, period: Period) -> dict[date, dict[str, int]]:
        if self.kind == "province":
            return _rollup("area", period, group="day")
        if self.kind == "kota":
            return _rollup("area", period, keys=[self.id or 0], group="day")
        if self.kind == "kecamatan":
            return _rollup("area", period, subs=[self.id or 0], group="day")
        return _rollup("unit", period, keys=self.unit_ids, group="day")


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
    live = _live(period, now, where).get(None, kpis.Live())
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
    from ..domain.workflow import Status

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
        t = groups.get(key) or _zero()
        prev_t = (previous or {}).get(key)
        out.append(
            Row(
                key or 0,
                labels.get(key or 0, f"#{key}"),
                kpis.figures(t, lives.get(key, kpis.Live())),
                None if previous is None else kpis.figures(prev_t or _zero()),
                (key or None) if unit_link else None,
            )
        )
    return sorted(out, key=lambda r: (-r.figures.received, r.label))


def per_kota(period: Period, now: datetime, o: Org) -> list[Row]:
    groups = _rollup("area", period, group="key_id")
    lives = _live(period, now, true(), Ticket.kota_id)
    labels = {u.id: u.display_name for u in o.of_kind("kota", "kabupaten")}
    labels[0] = "Tanpa lokasi"
    return _rows(groups, lives, labels, unit_link=True)


def per_kecamatan(scope: Scope, period: Period, now: datetime, o: Org) -> list[Row]:
    keys = None if scope.kind == "province" else [scope.id or 0]
    groups = _rollup("area", period, keys=keys, group="sub_id")
    by_kel = _live(period, now, scope.ticket_filter(), Ticket.kelurahan_id)
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
    from ..services.kpi import facts_statement, row_facts

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
                cur = out.setdefault(key, _zero())
                for name, n in zip(kpis.COUNTERS, vec, strict=True):
                    cur[name] += n
    return split


def per_category(
    scope: Scope, period: Period, now: datetime, split: UnitSplit | None = None
) -> list[Row]:
    """``split``: a unit scope's ``unit_split`` when the page already read it."""
    return _per_dim("category", Ticket.category_id, _names(Category), scope, period, now, split)


def per_channel(
    scope: Scope, period: Period, now: datetime, split: UnitSplit | None = None
) -> list[Row]:
    return _per_dim("channel", Ticket.channel_id, _names(Channel), scope, period, now, split)


def _names(model: Any) -> dict[int, str]:
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
    lives = _live(period, now, where, column)
    groups: dict[int, dict[str, int]]
    if scope.kind == "unit":
        groups = getattr(split or unit_split(scope, period), dim)
    else:
        keys = None if scope.kind == "province" else [scope.id or 0]
        groups = _rollup(dim, period, keys=keys, group="sub_id")
    return _rows(groups, lives, {k: v for k, v in labels.items() if k in groups or k in lives})


@dataclass(frozen=True)
class LateTicket:
    id: int
    tracking: str
    category: str
    unit: str
    status: str
    due_at: datetime
    hours_late: float


def worst_late(
    scope: Scope, actor: Actor, now: datetime, o: Org, limit: int = 10
) -> list[LateTicket]:
    """Open tickets furthest past their completion deadline (inside the reader's scope)."""
    late = unindexed(and_(Ticket.first_completed_at.is_(None), Ticket.completion_due_at < now))
    found = db.session.execute(
        select(
            Ticket.id,
            Ticket.category_id,
            Ticket.assigned_unit_id,
            Ticket.status,
            Ticket.completion_due_at,
        )
        .where(
            Ticket.is_open_clause(),
            late,
            unindexed(and_(scope.ticket_filter(), ticket_scope(actor))),
        )
        .order_by(Ticket.completion_due_at, Ticket.id)
        .limit(limit)
    ).all()
    if not found:
        return []
    ids = [r.id for r in found]
    tracking = {
        ticket_id: number
        for ticket_id, number in db.session.execute(
            select(Ticket.id, Ticket.tracking).where(Ticket.id.in_(ids))
        )
    }
    categories = _names(Category)
    return [
        LateTicket(
            r.id,
            tracking[r.id],
            categories.get(r.category_id, f"#{r.category_id}"),
            o.name(r.assigned_unit_id),
            r.status,
            r.completion_due_at,
            (now - r.completion_due_at).total_seconds() / 3600,
        )
        for r in found
    ]


# --- Rankings -------------------------------------------------------------------------------

RANK_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "kelurahan": ("Kelurahan", ("kelurahan",)),
    "kecamatan": ("Kecamatan", ("kecamatan",)),
    "agency": ("SKPD/UKPD dan BUMD", ("agency", "bumd")),
}


@dataclass(frozen=True)
class RankedUnit:
    unit: UnitInfo
    entry: kpis.RankEntry
    figures: kpis.Figures
    previous: kpis.RankEntry | None


@dataclass(frozen=True)
class Ranking:
    group: str
    label: str
    window: Period
    previous_window: Period
    province_terms: dict[str, float | None]
    rows: list[RankedUnit]
    min_volume: int = kpis.RANK_MIN_VOLUME
    formula: str = kpis.RANK_FORMULA


def _window(now: datetime) -> Period:
    return Period.last_days(kpis.wib_day(now), kpis.RANK_WINDOW_DAYS)


def _group_units(o: Org, group: str) -> dict[int, int]:
    """Every unit counted for a member of the group -> that member (its subtree)."""
    kinds = RANK_GROUPS[group][1]
    members = o.of_kind(*kinds)
    owner: dict[int, int] = {}
    for m in members:
        for uid in o.subtree(m.id):
            owner.setdefault(uid, m.id)
    return owner


def _by_member(
    by_unit: Mapping[Any, Any], owner: Mapping[int, int], add: Callable[[Any, Any], Any]
) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for uid, value in by_unit.items():
        m = owner.get(uid)
        if m is not None:
            out[m] = add(out[m], value) if m in out else value
    return out


def _add_counters(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    return {name: a[name] + b[name] for name in kpis.COUNTERS}


def _ranked(
    group: str, period: Period, now: datetime, o: Org
) -> tuple[
    list[kpis.RankEntry], dict[int, dict[str, int]], dict[int, kpis.Live], dict[str, float | None]
]:
    owner = _group_units(o, group)
    # Per unit, once; the members' sums and the province's (every unit, and the
    # tickets of none) are both added up from these rows.
    unit_totals = _rollup("unit", period, group="key_id")
    unit_lives = _live(period, now, true(), Ticket.assigned_unit_id)
    totals = _by_member(unit_totals, owner, _add_counters)
    lives = _by_member(unit_lives, owner, lambda a, b: a + b)
    province = kpis.weighted_terms(
        reduce(_add_counters, unit_totals.values(), _zero()),
        sum(unit_lives.values(), kpis.Live()),
    )
    members = [u.id for u in o.of_kind(*RANK_GROUPS[group][1])]
    entries = kpis.rank(
        [
            (
                m,
                (totals.get(m) or _zero())["received"],
                kpis.weighted_terms(totals.get(m) or _zero(), lives.get(m, kpis.Live())),
            )
            for m in members
        ],
        province,
    )
    return entries, totals, lives, province


def ranking(group: str, now: datetime, o: Org | None = None) -> Ranking:
    """A league table over the rolling window, beside the window before it."""
    if group not in RANK_GROUPS:
        raise KpiInputError(f"kelompok peringkat tidak dikenal: {group!r}")
    o = o or org()
    window = _window(now)
    prev_window = window.previous()
    entries, totals, lives, province = _ranked(group, window, now, o)
    prev_entries, *_ = _ranked(group, prev_window, now, o)
    prev_by_id = {e.unit_id: e for e in prev_entries}
    rows = [
        RankedUnit(
            o.units[e.unit_id],
            e,
            kpis.figures(totals.get(e.unit_id) or _zero(), lives.get(e.unit_id, kpis.Live())),
            prev_by_id.get(e.unit_id),
        )
        for e in entries
    ]
    return Ranking(group, RANK_GROUPS[group][0], window, prev_window, province, rows)


def unit_rank(unit_id: int, now: datetime, o: Org) -> tuple[str, RankedUnit, int] | None:
    """The unit's line in its ranking group, with the number of ranked units; None if none."""
    kind = o.units[unit_id].kind
    group = next((g for g, (_l, kinds) in RANK_GROUPS.items() if kind in kinds), None)
    if group is None:
        return None
    table = ranking(group, now, o)
    ranked = sum(1 for r in table.rows if r.entry.ranked)
    row = next(r for r in table.rows if r.unit.id == unit_id)
    return group, row, ranked


# --- The tickets behind a figure --------------------------------------------------------------

FIGURES: dict[str, str] = {
    "received": "Diterima",
    "not_completed": "Diterima, belum pernah selesai",
    "completed": "Selesai (pertama kali)",
    "completed_late": "Selesai melewati tenggat",
    "done_7d": "Selesai 0–7 hari",
    "open_overdue": "Terbuka, melewati tenggat",
    "response_late": "Respons lewat 6 jam",
    "done_14d": "Selesai 8–14 hari",
    "done_over": "Selesai > 14 hari",
    "reopened": "Dibuka kembali",
    "validation_failed": "Tidak lolos validasi pertama",
    "ews": "EWS",
    "backlog": "Terbuka sekarang",
    **{f"esc_{level}": f"Eskalasi {level}" for level in kpis.ESCALATION_LEVELS},
}


def figure_clause(figure: str, period: Period, now: datetime) -> ColumnElement[bool]:
    """The tickets a figure counts, as a WHERE clause (same definitions as the rollup)."""
    received = and_(Ticket.received_at >= period.since, Ticket.received_at < period.until)
    completed = and_(
        Ticket.first_completed_at >= period.since, Ticket.first_completed_at < period.until
    )
    is_open = Ticket.is_open_clause()
    match figure:
        case "received":
            return received
        case "not_completed":
            return and_(received, Ticket.first_completed_at.is_(None))
        case "completed":
            return completed
        case "completed_late":
            return and_(completed, Ticket.completion_margin_min < 0)
        case "open_overdue":
            return and_(is_open, _open_overdue_clause(period, now))
        case "response_late":
            return and_(
                received,
                or_(
                    and_(Ticket.first_response_at.is_not(None), Ticket.response_margin_min < 0),
                    and_(
                        Ticket.first_response_at.is_(None),
                        is_open,
                        Ticket.response_due_at < now,
                    ),
                ),
            )
        case "done_7d":
            return and_(completed, Ticket.handling_min <= kpis.BUCKET_7D_MIN)
        case "done_14d":
            return and_(
                completed,
                Ticket.handling_min > kpis.BUCKET_7D_MIN,
                Ticket.handling_min <= kpis.BUCKET_14D_MIN,
            )
        case "done_over":
            return and_(completed, Ticket.handling_min > kpis.BUCKET_14D_MIN)
        case "reopened":
            return and_(completed, Ticket.reopens > 0)
        case "validation_failed":
            return and_(completed, Ticket.first_validation == "reopened")
        case "ews":
            return and_(received, Ticket.ews_at.is_not(None))
        case "backlog":
            return is_open
    if figure.startswith("esc_") and figure[4:] in kpis.ESCALATION_LEVELS:
        bit = sla.ESCALATION_BITS[figure[4:]]
        return and_(received, Ticket.escalations_ever.op("&")(bit) != 0)
    raise KpiInputError(f"angka tidak dikenal: {figure!r}; pilih salah satu: {', '.join(FIGURES)}")


def tickets_behind(
    actor: Actor,
    scope: Scope,
    figure: str,
    period: Period,
    now: datetime,
    *,
    category_id: int | None = None,
    channel_id: int | None = None,
) -> Select[Any]:
    """The tickets a figure counts, inside the reader's ticket scope, oldest first."""
    cond = [figure_clause(figure, period, now), scope.ticket_filter(), ticket_scope(actor)]
    if category_id is not None:
        cond.append(Ticket.category_id == category_id)
    if channel_id is not None:
        cond.append(Ticket.channel_id == channel_id)
    return select(Ticket).where(*cond).order_by(Ticket.received_at, Ticket.id)


# --- Validator bodies -------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidatorRow:
    unit_id: int
    label: str
    figures: kpis.ValidatorFigures


def validator_bodies(scope: Scope, o: Org) -> list[UnitInfo]:
    """The validator bodies a scope covers: all of them for the province, a kota's
    Bagian Pemerintahan for that kota, the body itself (or those below) for a unit."""
    bodies = o.of_kind("validator")
    if scope.kind == "province":
        return bodies
    if scope.kind == "kota":
        return [b for b in bodies if b.kota_id == scope.id]
    if scope.kind == "unit":
        inside = set(scope.unit_ids)
        return [b for b in bodies if b.id in inside]
    return []


def per_validator(scope: Scope, period: Period, o: Org) -> list[ValidatorRow]:
    """Each body's decisions (verified / reopened) in the period, from the history rows:
    the deciding body and the margin to the deadline are frozen on each row."""
    bodies = validator_bodies(scope, o)
    if not bodies:
        return []
    by_kota = {b.kota_id: b for b in bodies}
    rows = db.session.execute(
        select(TicketEventRow.kind, TicketEventRow.data, Ticket.handling_kota_id)
        .join(Ticket, Ticket.id == TicketEventRow.ticket_id)
        .where(
            TicketEventRow.kind.in_(("verified", "reopened")),
            TicketEventRow.at >= period.since,
            TicketEventRow.at < period.until,
        )
    )
    decisions: dict[int, list[kpis.Decision]] = {b.id: [] for b in bodies}
    for kind, data, handling_kota_id in rows:
        data = data or {}
        # Rows written before the body was recorded: the ticket's body now.
        body = by_kota.get(data.get("validation_kota_id", handling_kota_id))
        if body is None:
            continue
        margin = data.get("margin_min")
        decisions[body.id].append(
            kpis.Decision(kind, int(margin) if isinstance(margin, int | float) else None)
        )
    days = sla.SlaRules().validation_days
    return [
        ValidatorRow(b.id, b.display_name, kpis.validator_figures(decisions[b.id], days))
        for b in bodies
    ]
