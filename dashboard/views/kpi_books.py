"""The books of the KPI pages: each page's tables, built on demand from its read model.

A book wraps one read model of ``queries.kpi_pages`` and computes each table
(``kpi_sections``) once, on first use: an export of one table runs only the
queries that table needs. ``Book.table(name)`` is what ``?export=…&table=…``
asks for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .. import formatting as fmt
from ..domain.kpis import Figures
from ..queries import kpi_pages
from ..queries.kpi_tables import Table
from ..queries.kpis import Backlog, KpiInputError, Row, UnitInfo
from . import kpi_sections as sections
from .kpi_metrics import Metric, like_for_like, metrics

# An export is built in memory; past this many rows, narrow the period instead.
EXPORT_MAX_ROWS = 50_000


class Book:
    """The tables of one page, computed on demand, each once."""

    names: tuple[str, ...] = ()

    def table(self, name: str) -> Table:
        if name not in self.names:
            raise KpiInputError(
                f"tabel tidak dikenal: {name!r}; pilih salah satu: {', '.join(self.names)}"
            )
        table: Table = getattr(self, f"t_{name}")
        return table


class SummaryBook(Book):
    """The executive summary of an area (the province or one kota)."""

    def __init__(self, reads: kpi_pages.AreaReads) -> None:
        self.reads = reads
        self.scope, self.period, self.now, self.o = reads.scope, reads.period, reads.now, reads.org
        self.province = reads.province
        self.names = (
            "headline",
            "trend",
            "backlog",
            *(("per_kota",) if self.province else ()),
            "per_kecamatan",
            "per_category",
            "per_channel",
            "worst_late",
            "validators",
        )

    @property
    def figures(self) -> Figures:
        return self.reads.figures

    @property
    def backlog(self) -> Backlog:
        return self.reads.backlog

    @cached_property
    def metrics(self) -> list[Metric]:
        plain = metrics(self.reads.figures, self.reads.previous, self.reads.backlog.total)
        return like_for_like(plain, self.reads.comparison)

    @cached_property
    def metric(self) -> dict[str, Metric]:
        return {m.key: m for m in self.metrics}

    @cached_property
    def t_headline(self) -> Table:
        return sections.metrics_table(self.metrics, self.scope, self.period, self.o)

    @cached_property
    def t_trend(self) -> Table:
        return sections.trend_table(self.reads.trend, self.scope, self.period, self.o, self.now)

    @cached_property
    def t_backlog(self) -> Table:
        return sections.backlog_table(self.reads.backlog, self.scope, self.now, self.o)

    def _comparison(self, name: str, title: str, header: str, rows: list[Row], **kw: Any) -> Table:
        return sections.comparison_table(
            name, title, header, rows, self.scope, self.period, self.o, **kw
        )

    @cached_property
    def t_per_kota(self) -> Table:
        return self._comparison(
            "per_kota",
            "Perbandingan per kota",
            "Kota",
            self.reads.per_kota,
            drill=lambda r: (("scope", f"kota:{r.key}"),) if r.key else (),
            note="Menurut lokasi laporan; 'Tanpa lokasi': laporan tanpa titik lokasi.",
        )

    @cached_property
    def t_per_kecamatan(self) -> Table:
        return self._comparison(
            "per_kecamatan",
            "Perbandingan per kecamatan",
            "Kecamatan",
            self.reads.per_kecamatan,
            drill=lambda r: (("scope", f"kecamatan:{r.key}"),) if r.key else (),
            note="Menurut lokasi laporan (tiket dinas di wilayah itu ikut dihitung); "
            "halaman unit kecamatan menghitung tiket yang ditugaskan kepadanya.",
        )

    def _dim_drill(self, arg: str) -> Callable[[Row], tuple[tuple[str, str], ...]]:
        scope = sections.scope_arg(self.scope)
        return lambda r: (("scope", scope), (arg, str(r.key)))

    @cached_property
    def t_per_category(self) -> Table:
        return self._comparison(
            "per_category",
            "Per kategori",
            "Kategori",
            self.reads.per_category,
            drill=self._dim_drill("category"),
        )

    @cached_property
    def t_per_channel(self) -> Table:
        overall = self.reads.figures.response_rate
        return self._comparison(
            "per_channel",
            "Per kanal pengaduan",
            "Kanal",
            self.reads.per_channel,
            drill=self._dim_drill("channel"),
            note_for=lambda r: sections.channel_note(
                r.figures.response_rate, overall, r.figures.received
            ),
            note=f"Kanal ditandai ▼ bila respons ≤ 6 jam-nya lebih dari "
            f"{fmt.number(sections.NEGLECT_GAP * 100)} poin di bawah rata-rata "
            f"({fmt.figure(overall, 'pct')}).",
        )

    @cached_property
    def t_validators(self) -> Table:
        return sections.validator_table(self.reads.validators, self.scope, self.period, self.o)

    @cached_property
    def t_worst_late(self) -> Table:
        return sections.late_table(self.reads.worst_late, self.scope, self.now, self.o)


class UnitBook(SummaryBook):
    """One unit's KPIs (the unit and the units below it)."""

    reads: kpi_pages.UnitReads

    def __init__(self, reads: kpi_pages.UnitReads) -> None:
        super().__init__(reads)
        self.unit = reads.unit
        self.names = ("headline", "trend", "score", "per_category", "per_channel", "backlog")
        if reads.has_validators:
            self.names = (*self.names, "validators")

    @property
    def rank(self) -> kpi_pages.RankInfo | None:
        return self.reads.rank

    def children(self) -> list[UnitInfo]:
        return self.reads.children()

    def ancestors(self) -> list[tuple[UnitInfo, bool]]:
        return self.reads.ancestors()

    @cached_property
    def t_score(self) -> Table:
        return sections.score_table(self.reads.rank, self.scope, self.o)


class RankingBook(Book):
    """A league table: ranked units, the units under the minimum volume, the province's terms."""

    names = ("ranking", "unranked", "province_terms")

    def __init__(self, reads: kpi_pages.RankingReads) -> None:
        self.reads = reads
        self.data = reads.data

    @property
    def subtitle(self) -> str:
        return sections.ranking_subtitle(self.reads)

    @cached_property
    def t_ranking(self) -> Table:
        return sections.ranking_table(self.reads)

    @cached_property
    def t_unranked(self) -> Table:
        return sections.unranked_table(self.reads)

    @cached_property
    def t_province_terms(self) -> Table:
        return sections.province_terms_table(self.reads)


@dataclass(frozen=True)
class TicketPage:
    table: Table
    total: int
    page: int
    pages: int


def filter_label(reads: kpi_pages.TicketReads) -> str | None:
    """'kategori Sampah · kanal JAKI' for the drill-down title (None without filters)."""
    parts = []
    if reads.category is not None:
        ident, name = reads.category
        parts.append(f"kategori {name or f'#{ident}'}")
    if reads.channel is not None:
        ident, name = reads.channel
        parts.append(f"kanal {name or f'#{ident}'}")
    return " · ".join(parts) or None


class TicketBook(Book):
    """The tickets a figure counts (tracking, received, status, category, unit — no reporter)."""

    names = ("tickets",)

    def __init__(self, reads: kpi_pages.TicketReads) -> None:
        self.reads = reads
        self.figure = reads.figure
        self.figure_label = reads.figure_label
        self.filter_label = filter_label(reads)

    @property
    def title(self) -> str:
        return self.figure_label + (f" · {self.filter_label}" if self.filter_label else "")

    def page(self, number: int) -> TicketPage:
        lines, current, pages = self.reads.page(number)
        table = sections.tickets_table(self.reads, self.title, lines)
        return TicketPage(table, self.reads.total, current, pages)

    @cached_property
    def t_tickets(self) -> Table:
        total = self.reads.total
        if total > EXPORT_MAX_ROWS:
            raise KpiInputError(
                f"terlalu banyak tiket untuk diunduh ({fmt.number(total)}; paling banyak "
                f"{fmt.number(EXPORT_MAX_ROWS)}): persempit periode atau pilih kategori/kanal"
            )
        return sections.tickets_table(self.reads, self.title, self.reads.all())
