"""One read model per KPI page.

Each page's view makes one call here (``summary``, ``unit``, ``rankings``,
``tickets``): it resolves the reader's scope (``kpis.NotVisible`` when they may
not see it, the views answer 404) and returns an object holding every read the
page shows. Each read runs once, on first use, so the download of one table
runs only the queries that table needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Select

from ..domain import kpis as kpi_rules
from ..domain.inputs import InvalidNumber, parse_id
from ..domain.workflow import Actor
from ..scope import kpi_areas, kpi_unit_visible
from . import kpi_briefing, kpi_rankings, kpi_tickets, kpi_validators
from . import kpis as kpi_reads
from .kpis import KpiInputError, NotVisible, Org, Period, Scope, UnitInfo

TICKETS_PER_PAGE = 50


# --- An area or a unit: the summary and the unit page -------------------------------------


@dataclass(eq=False)
class AreaReads:
    """The reads of an executive summary (the province or one kota), or of a unit's page."""

    actor: Actor
    scope: Scope
    period: Period
    now: datetime
    org: Org

    @property
    def province(self) -> bool:
        return self.scope.kind == "province"

    @cached_property
    def kotas(self) -> list[UnitInfo]:
        """The kota a province-wide reader may switch to (none for a walikota)."""
        return self.org.of_kind("kota", "kabupaten") if kpi_areas(self.actor) is None else []

    @cached_property
    def figures(self) -> kpi_rules.Figures:
        return kpi_reads.figures_for(self.scope, self.period, self.now)

    @cached_property
    def previous(self) -> kpi_rules.Figures:
        return kpi_reads.figures_for(self.scope, self.period.previous(), self.now)

    @cached_property
    def briefing(self) -> kpi_briefing.Briefing:
        """The one-screen briefing of an area (the province or a kota) now."""
        return kpi_briefing.briefing(self.scope, self.now, self.org)

    @cached_property
    def comparison(self) -> kpi_briefing.Comparison:
        """The period beside the previous one, measured alike (cohort, same age)."""
        return kpi_briefing.comparison(self.scope, self.period, self.now)

    @cached_property
    def backlog(self) -> kpi_reads.Backlog:
        return kpi_reads.backlog(self.scope, self.now)

    @cached_property
    def trend(self) -> list[kpi_reads.TrendPoint]:
        return kpi_reads.trend(self.scope, self.period)

    @cached_property
    def split(self) -> kpi_reads.UnitSplit | None:
        """A unit's per-category and per-channel counts, read once for both tables."""
        if self.scope.kind != "unit":
            return None
        return kpi_reads.unit_split(self.scope, self.period)

    @cached_property
    def per_kota(self) -> list[kpi_reads.Row]:
        return kpi_reads.per_kota(self.period, self.now, self.org)

    @cached_property
    def per_kecamatan(self) -> list[kpi_reads.Row]:
        return kpi_reads.per_kecamatan(self.scope, self.period, self.now, self.org)

    @cached_property
    def per_category(self) -> list[kpi_reads.Row]:
        return kpi_reads.per_category(self.scope, self.period, self.now, self.split)

    @cached_property
    def per_channel(self) -> list[kpi_reads.Row]:
        return kpi_reads.per_channel(self.scope, self.period, self.now, self.split)

    @cached_property
    def validators(self) -> list[kpi_validators.ValidatorRow]:
        return kpi_validators.per_validator(self.scope, self.period, self.org)

    @cached_property
    def has_validators(self) -> bool:
        return bool(kpi_validators.validator_bodies(self.scope, self.org))

    @cached_property
    def worst_late(self) -> list[kpi_tickets.LateTicket]:
        return kpi_tickets.worst_late(self.scope, self.actor, self.now, self.org)


def summary(actor: Actor, kota_id: int | None, period: Period, now: datetime) -> AreaReads:
    """The summary of the province (``kota_id`` None) or of one kota the reader may see."""
    o = kpi_reads.org()
    return AreaReads(actor, kpi_reads.area_scope(actor, kota_id, o), period, now, o)


@dataclass(frozen=True)
class RankInfo:
    """A unit's line in its ranking group, and how many units of the group are ranked."""

    group: str
    group_label: str
    row: kpi_rankings.RankedUnit
    ranked: int
    window: Period


@dataclass(eq=False)
class UnitReads(AreaReads):
    """A unit's page: its figures (with the units below it), its rank, its neighbours."""

    @property
    def unit(self) -> UnitInfo:
        return self.org.units[self.scope.id or 0]

    @cached_property
    def rank(self) -> RankInfo | None:
        found = kpi_rankings.unit_rank(self.unit.id, self.now, self.org)
        if found is None:
            return None
        group, row, ranked = found
        window = Period.last_days(kpi_rules.wib_day(self.now), kpi_rules.RANK_WINDOW_DAYS)
        return RankInfo(group, kpi_rankings.RANK_GROUPS[group][0], row, ranked, window)

    def children(self) -> list[UnitInfo]:
        ids = self.org.children.get(self.unit.id, [])
        return sorted((self.org.units[i] for i in ids), key=lambda u: u.display_name)

    def ancestors(self) -> list[tuple[UnitInfo, bool]]:
        """The units above, top first, each with whether the reader may open its page."""
        out = []
        for uid in reversed(self.org.ancestors(self.unit.id)):
            if uid not in self.org.units or self.org.units[uid].kind == "province":
                continue
            visible = kpi_unit_visible(self.actor, uid, self.org.ancestors(uid))
            out.append((self.org.units[uid], visible))
        return out


def unit(actor: Actor, unit_id: int, period: Period, now: datetime) -> UnitReads:
    """One unit's page, if the reader may see the unit."""
    o = kpi_reads.org()
    return UnitReads(actor, kpi_reads.unit_scope(actor, unit_id, o), period, now, o)


# --- Rankings ----------------------------------------------------------------------------------


@dataclass(eq=False)
class RankingReads:
    """A league table, optionally narrowed to the units of one kota."""

    actor: Actor
    group: str
    now: datetime
    org: Org
    kota_id: int | None
    data: kpi_rankings.Ranking = field(init=False)

    def __post_init__(self) -> None:
        self.data = kpi_rankings.ranking(self.group, self.now, self.org)

    @property
    def kota_label(self) -> str | None:
        return self.org.name(self.kota_id) if self.kota_id else None

    @property
    def kotas(self) -> list[UnitInfo]:
        return self.org.of_kind("kota", "kabupaten")

    def rows(self, ranked: bool) -> list[kpi_rankings.RankedUnit]:
        """The ranked (or the unranked) units, inside the chosen kota."""
        return [
            r
            for r in self.data.rows
            if r.entry.ranked == ranked and (self.kota_id is None or r.unit.kota_id == self.kota_id)
        ]

    def link(self, unit_id: int) -> int | None:
        """The unit's id if the reader may open its page, else None."""
        visible = kpi_unit_visible(self.actor, unit_id, self.org.ancestors(unit_id))
        return unit_id if visible else None


def rankings(actor: Actor, group: str, kota_id: int | None, now: datetime) -> RankingReads:
    """A ranking group's league table (every staff role may see it: figures only)."""
    o = kpi_reads.org()
    if kota_id is not None and (
        kota_id not in o.units or o.units[kota_id].kind not in ("kota", "kabupaten")
    ):
        raise KpiInputError(f"parameter 'kota' bukan kota yang dikenal: {kota_id}")
    return RankingReads(actor, group, now, o, kota_id)


# --- The tickets behind a figure ------------------------------------------------------------


def parse_scope_arg(raw: str) -> tuple[str, int | None]:
    """``province`` / ``kota:<id>`` / ``kecamatan:<id>`` / ``unit:<id>`` -> (kind, id)."""
    raw = (raw or "").strip()
    if raw == "province":
        return "province", None
    kind, _, ident = raw.partition(":")
    try:
        number = parse_id(ident, "scope")
    except InvalidNumber:
        number = None
    if kind in ("kota", "kecamatan", "unit") and number is not None:
        return kind, number
    raise KpiInputError(
        f"parameter 'scope' tidak valid: {raw!r} "
        "(pakai province, kota:<id>, kecamatan:<id> atau unit:<id>)"
    )


def figure_label(figure: str) -> str:
    """The name of a drill-down figure (KpiInputError for an unknown one)."""
    if figure not in kpi_tickets.FIGURES:
        raise KpiInputError(
            f"angka tidak dikenal: {figure!r}; pilih salah satu: {', '.join(kpi_tickets.FIGURES)}"
        )
    return kpi_tickets.FIGURES[figure]


def _drill_scope(actor: Actor, raw: str, o: Org) -> Scope:
    kind, ident = parse_scope_arg(raw)
    if kind == "unit":
        assert ident is not None
        return kpi_reads.unit_scope(actor, ident, o)
    if kind == "kecamatan":
        assert ident is not None
        return kpi_reads.kecamatan_scope(actor, ident, o)
    scope = kpi_reads.area_scope(actor, ident, o)
    if kind == "province" and scope.kind != "province":
        raise NotVisible("province")  # a walikota asked for the province: not theirs
    return scope


@dataclass(eq=False)
class TicketReads:
    """The tickets a figure counts in a scope and period (optionally one category/channel)."""

    figure: str
    figure_label: str
    scope: Scope
    period: Period
    org: Org
    stmt: Select[Any]
    category: tuple[int, str | None] | None  # (id, name) of the category filter
    channel: tuple[int, str | None] | None

    @cached_property
    def total(self) -> int:
        return kpi_tickets.count(self.stmt)

    def page(self, number: int) -> tuple[list[kpi_tickets.TicketLine], int, int]:
        """One page of the tickets: (lines, page number, pages), the number kept in range."""
        pages = max(1, -(-self.total // TICKETS_PER_PAGE))
        current = min(max(1, number), pages)
        found = kpi_tickets.lines(
            self.stmt, limit=TICKETS_PER_PAGE, offset=(current - 1) * TICKETS_PER_PAGE
        )
        return found, current, pages

    def all(self) -> list[kpi_tickets.TicketLine]:
        """Every ticket (a download: check ``total`` first)."""
        return kpi_tickets.lines(self.stmt)


def tickets(
    actor: Actor,
    scope_arg: str,
    figure: str,
    period: Period,
    now: datetime,
    *,
    category_id: int | None = None,
    channel_id: int | None = None,
) -> TicketReads:
    """The tickets behind ``figure`` in the scope ``scope_arg`` names, in the reader's scope."""
    label = figure_label(figure)  # 400 before any query for an unknown figure
    o = kpi_reads.org()
    scope = _drill_scope(actor, scope_arg, o)
    stmt = kpi_tickets.tickets_behind(
        actor, scope, figure, period, now, category_id=category_id, channel_id=channel_id
    )
    category_name, channel_name = kpi_tickets.filter_names(category_id, channel_id)
    return TicketReads(
        figure,
        label,
        scope,
        period,
        o,
        stmt,
        None if category_id is None else (category_id, category_name),
        None if channel_id is None else (channel_id, channel_name),
    )
