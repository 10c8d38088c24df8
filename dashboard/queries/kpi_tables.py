"""The table a KPI page shows and its download writes, as plain data.

Every number on a KPI page that is also downloadable goes through one ``Table``
(title, column headers, rows of plain values). The HTML page renders the table,
the charts are drawn from it and the CSV/XLSX exports write it: an export always
matches the page. Values are plain: ints, floats (rates as fractions 0..1, hours,
ratings), strings, dates, aware datetimes, or None for "no data".

The tables of the KPI pages are built beside their views (``views.kpi_sections``,
grouped per page in ``views.kpi_books``); the access log's download
(``queries.privacy``) is one too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    """A column: its key, header, the kind of its values and what its cells lead to.

    kind: text | int | pct | hours | duration | rating | scale4 | score | weight | date
    | datetime | delta_int | delta_pp | delta_hours | delta_num | rank_change
    """

    key: str
    label: str
    kind: str = "text"
    figure: str | None = None  # a drill-down figure (kpi_tickets.FIGURES)
    link: str | None = None  # "unit" | "ticket": the cell links to that page


@dataclass(frozen=True)
class Ref:
    """Where a row's cells lead: a unit page, a ticket, the scope of its drill-downs."""

    unit_id: int | None = None
    ticket_id: int | None = None
    # Query arguments of the ticket list behind this row's counts (scope, category, channel);
    # empty: the counts have no ticket list.
    drill: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TableRow:
    values: tuple[Any, ...]
    ref: Ref = Ref()
    # Column keys whose value is the province's (ranking terms without data of their own).
    marks: frozenset[str] = frozenset()
    # Per-cell kind overrides (a summary row of hours beside a row of rates).
    kinds: Mapping[str, str] = field(default_factory=dict)
    # Per-cell drill-down figures (the summary's rows each have their own).
    figures: Mapping[str, str] = field(default_factory=dict)
    # Column keys whose rate rests on too few tickets (domain.cohorts.MIN_SAMPLE): greyed.
    faint: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Cell:
    column: Column
    value: Any
    kind: str
    figure: str | None
    marked: bool
    faint: bool = False


@dataclass(frozen=True)
class Table:
    name: str  # the code in ``?table=``
    title: str
    subtitle: str  # scope and period, also the export's title row
    columns: tuple[Column, ...]
    rows: list[TableRow]
    note: str | None = None
    slug: str = ""  # scope and period in the export's file name

    def index(self, key: str) -> int:
        for i, c in enumerate(self.columns):
            if c.key == key:
                return i
        raise KeyError(key)

    def values(self, key: str) -> list[Any]:
        i = self.index(key)
        return [r.values[i] for r in self.rows]

    def cells(self, row: TableRow) -> list[Cell]:
        return [
            Cell(
                c,
                v,
                row.kinds.get(c.key, c.kind),
                row.figures.get(c.key, c.figure),
                c.key in row.marks,
                c.key in row.faint,
            )
            for c, v in zip(self.columns, row.values, strict=True)
        ]

    def kind_of(self, row: TableRow, key: str) -> str:
        return row.kinds.get(key, self.columns[self.index(key)].kind)

    @property
    def filename(self) -> str:
        return f"pantau_{self.name}_{self.slug}" if self.slug else f"pantau_{self.name}"
