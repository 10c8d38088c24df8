"""KPI tables: what the KPI pages show, as plain tables, and what their exports contain.

Every number on a KPI page that is also downloadable goes through one ``Table``
(title, column headers, rows of plain values). The HTML page renders the table,
the charts are drawn from it and the CSV/XLSX exports write it: an export always
matches the page. Values are plain: ints, floats (rates as fractions 0..1, hours,
ratings), strings, dates, aware datetimes, or None for "no data".

A page's tables are grouped in a *book* (``SummaryBook``, ``UnitBook``,
``RankingBook``, ``TicketBook``); a book computes each table once, on demand, so
an export of one table runs only the queries that table needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import func, select

from .. import formatting as fmt
from ..domain import kpis
from ..domain.inputs import InvalidNumber, parse_id
from ..domain.workflow import Actor, Status
from ..extensions import db
from ..models import Category, Channel, Ticket
from ..scope import kpi_unit_visible
from . import kpis as kq

TICKETS_PER_PAGE = 50
# An export is built in memory; past this many rows, narrow the period instead.
EXPORT_MAX_ROWS = 50_000
TOP_CATEGORIES = 10
# A channel whose response rate is this far below its scope's is marked neglected.
NEGLECT_GAP = 0.05

ESCALATION_LABELS: dict[str, str] = {
    "late": "Respons terlambat (> 6 jam)",
    "level1": "Eskalasi 1 (24 jam tak dikerjakan)",
    "level2": "Eskalasi 2 (48 jam tak dikerjakan)",
    "overdue": "Lewat tenggat selesai",
    "validation": "Validasi terlambat",
}
UNIT_KIND_LABELS: dict[str, str] = {
    "province": "Provinsi",
    "kota": "Kota Administrasi",
    "kabupaten": "Kabupaten Administrasi",
    "kecamatan": "Kecamatan",
    "kelurahan": "Kelurahan",
    "agency": "SKPD/UKPD",
    "bumd": "BUMD",
    "validator": "Badan validasi",
}


# --- Tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column: its key, header, the kind of its values and what its cells lead to.

    kind: text | int | pct | hours | duration | rating | scale4 | score | weight | date
    | datetime | delta_int | delta_pp | delta_hours | delta_num | rank_change
    """

    key: str
    label: str
    kind: str = "text"
    figure: str | None = None  # a count with this drill-down figure (kq.FIGURES)
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


@dataclass(frozen=True)
class Cell:
    column: Column
    value: Any
    kind: str
    figure: str | None
    marked: bool


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
            )
            for c, v in zip(self.columns, row.values, strict=True)
        ]

    def kind_of(self, row: TableRow, key: str) -> str:
        return row.kinds.get(key, self.columns[self.index(key)].kind)

    @property
    def filename(self) -> str:
        return f"pantau_{self.name}_{self.slug}" if self.slug else f"pantau_{self.name}"


def trend_of(value: Any, kind: str, better: str | None) -> str:
    """'good' / 'bad' / 'flat' / '' for a change, given which direction is better."""
    if value is None or not kind.startswith("delta_"):
        return ""
    if abs(value) < 1e-9:
        return "flat"
    if better is None:
        return "neutral"
    return "good" if (value > 0) == (better == "up") else "bad"


# --- Shared pieces ---------------------------------------------------------------------------


def scope_arg(scope: kq.Scope) -> str:
    """The ``scope=`` argument of the ticket list for a scope."""
    return "province" if scope.kind == "province" else f"{scope.kind}:{scope.id}"


def scope_slug(scope: kq.Scope, o: kq.Org) -> str:
    if scope.kind == "province" or scope.id is None or scope.id not in o.units:
        return "provinsi"
    return o.units[scope.id].code.lower()


def _subtitle(scope_label: str, period: kq.Period) -> str:
    return f"{scope_label} · {fmt.window(period)}"


def _slug(scope: kq.Scope, o: kq.Org, period: kq.Period) -> str:
    return f"{scope_slug(scope, o)}_{period.start.isoformat()}_{period.end.isoformat()}"


def _change(current: Any, previous: Any) -> Any:
    if isinstance(current, int | float) and isinstance(previous, int | float):
        return current - previous
    return None


DELTA_KIND = {
    "int": "delta_int",
    "pct": "delta_pp",
    "hours": "delta_hours",
    "rating": "delta_num",
    "scale4": "delta_num",
}


@dataclass(frozen=True)
class Metric:
    """One headline figure beside the previous period's."""

    key: str
    label: str
    kind: str
    value: Any
    previous: Any
    figure: str | None = None  # the ticket list behind it
    better: str | None = None  # "up" / "down": which change is an improvement
    detail: str | None = None  # e.g. "412 dari 500"
    previous_detail: str | None = None
    group: str = "volume"

    @property
    def change(self) -> Any:
        return _change(self.value, self.previous)

    @property
    def change_kind(self) -> str:
        return DELTA_KIND.get(self.kind, "text")

    @property
    def trend(self) -> str:
        return trend_of(self.change, self.change_kind, self.better)


METRIC_GROUPS: tuple[tuple[str, str], ...] = (
    ("volume", "Volume"),
    ("speed", "Kecepatan dan ketepatan"),
    ("quality", "Mutu penyelesaian"),
    ("escalation", "EWS dan eskalasi"),
)
# The big cards at the top of a page.
HERO_METRICS: tuple[str, ...] = (
    "received",
    "reporters",
    "completed",
    "backlog",
    "completion_rate",
    "response_rate",
    "on_time_rate",
    "open_overdue",
)


def _of(num: int, den: int) -> str:
    return f"{fmt.number(num)} dari {fmt.number(den)}"


def _grade_text(f: kpis.Figures) -> str | None:
    g = f.rating_grade
    return None if g is None else f"{g.letter} ({g.label})"


def metrics(f: kpis.Figures, p: kpis.Figures, backlog_now: int) -> list[Metric]:
    """The headline figures of a scope: this period's, the previous period's, the change."""
    out = [
        Metric("received", "Laporan diterima", "int", f.received, p.received, "received"),
        Metric("reporters", "Pelapor (orang)", "int", f.reporters, p.reporters),
        Metric("completed", "Diselesaikan", "int", f.completed, p.completed, "completed", "up"),
        Metric(
            "backlog",
            "Terbuka saat ini",
            "int",
            backlog_now,
            None,
            "backlog",
            "down",
            "semua tiket terbuka, berapa pun umurnya",
        ),
        Metric(
            "open_overdue",
            "Terbuka lewat tenggat",
            "int",
            f.open_overdue,
            p.open_overdue,
            "open_overdue",
            "down",
        ),
        Metric(
            "completion_rate",
            "Tingkat penyelesaian",
            "pct",
            f.completion_rate,
            p.completion_rate,
            "not_completed",
            "up",
            "laporan periode ini yang sudah diselesaikan",
            group="speed",
        ),
        Metric(
            "response_rate",
            "Respons ≤ 6 jam",
            "pct",
            f.response_rate,
            p.response_rate,
            "response_late",
            "up",
            _of(f.response_num, f.response_den),
            _of(p.response_num, p.response_den),
            group="speed",
        ),
        Metric(
            "on_time_rate",
            "Selesai tepat waktu",
            "pct",
            f.on_time_rate,
            p.on_time_rate,
            "completed_late",
            "up",
            _of(f.on_time_num, f.on_time_den),
            _of(p.on_time_num, p.on_time_den),
            group="speed",
        ),
        Metric(
            "done_7d", "Selesai 0–7 hari", "int", f.done_7d, p.done_7d, None, "up", group="speed"
        ),
        Metric(
            "done_14d",
            "Selesai 8–14 hari",
            "int",
            f.done_14d,
            p.done_14d,
            "done_14d",
            group="speed",
        ),
        Metric(
            "done_over",
            "Selesai > 14 hari",
            "int",
            f.done_over,
            p.done_over,
            "done_over",
            "down",
            group="speed",
        ),
        Metric(
            "mean_handling_h",
            "Rata-rata waktu penanganan",
            "hours",
            f.mean_handling_h,
            p.mean_handling_h,
            None,
            "down",
            group="speed",
        ),
        Metric(
            "median_handling_h",
            "Median waktu penanganan",
            "hours",
            f.median_handling_h,
            p.median_handling_h,
            None,
            "down",
            group="speed",
        ),
        Metric(
            "validation_pass_rate",
            "Lolos validasi pertama",
            "pct",
            f.validation_pass_rate,
            p.validation_pass_rate,
            "validation_failed",
            "up",
            _of(f.validated_pass, f.validated),
            _of(p.validated_pass, p.validated),
            group="quality",
        ),
        Metric(
            "reopen_rate",
            "Dibuka kembali",
            "pct",
            f.reopen_rate,
            p.reopen_rate,
            "reopened",
            "down",
            _of(f.reopened, f.completed),
            _of(p.reopened, p.completed),
            group="quality",
        ),
        Metric(
            "mean_rating",
            "Rating warga (1–5)",
            "rating",
            f.mean_rating,
            p.mean_rating,
            None,
            "up",
            f"{fmt.number(f.rated)} penilaian",
            f"{fmt.number(p.rated)} penilaian",
            group="quality",
        ),
        Metric(
            "rating_scale4",
            "Skala Mutu (1–4)",
            "scale4",
            f.rating_scale4,
            p.rating_scale4,
            None,
            "up",
            group="quality",
        ),
        Metric(
            "rating_grade", "Nilai mutu", "text", _grade_text(f), _grade_text(p), group="quality"
        ),
        Metric("ews", "EWS", "int", f.ews, p.ews, "ews", group="escalation"),
    ]
    for level in kpis.ESCALATION_LEVELS:
        out.append(
            Metric(
                f"esc_{level}",
                ESCALATION_LABELS.get(level, level),
                "int",
                f.escalations.get(level, 0),
                p.escalations.get(level, 0),
                f"esc_{level}",
                "down",
                group="escalation",
            )
        )
    return out


def metrics_table(items: Sequence[Metric], scope: kq.Scope, period: kq.Period, o: kq.Org) -> Table:
    drill = (("scope", scope_arg(scope)),)
    prev = period.previous()
    rows = [
        TableRow(
            (m.label, m.value, m.previous, m.change),
            Ref(drill=drill),
            kinds={"value": m.kind, "previous": m.kind, "change": m.change_kind},
            figures={"value": m.figure} if m.figure else {},
        )
        for m in items
    ]
    return Table(
        "headline",
        "Angka utama",
        _subtitle(scope.label, period),
        (
            Column("label", "Angka"),
            Column("value", "Periode ini"),
            Column("previous", f"Periode sebelumnya ({fmt.window(prev)})"),
            Column("change", "Perubahan"),
        ),
        rows,
        note="Perubahan persentase dalam poin persentase. 'Terbuka saat ini' dihitung sekarang, "
        "tanpa pembanding.",
        slug=_slug(scope, o, period),
    )


def trend_table(
    points: Sequence[kq.TrendPoint], scope: kq.Scope, period: kq.Period, o: kq.Org
) -> Table:
    return Table(
        "trend",
        "Tren harian: diterima dan diselesaikan",
        _subtitle(scope.label, period),
        (
            Column("day", "Tanggal", "date"),
            Column("received", "Diterima", "int"),
            Column("completed", "Diselesaikan", "int"),
        ),
        [TableRow((p.day, p.received, p.completed)) for p in points],
        slug=_slug(scope, o, period),
    )


def backlog_table(b: kq.Backlog, scope: kq.Scope, now: datetime, o: kq.Org) -> Table:
    columns = (
        Column("status", "Status"),
        *(Column(f"age_{i}", age, "int") for i, age in enumerate(b.ages)),
        Column("total", "Jumlah", "int"),
    )
    rows = [
        TableRow(
            (
                Status(s).label,
                *(b.counts.get((s, age), 0) for age in b.ages),
                b.by_status(s),
            )
        )
        for s in b.statuses
    ]
    rows.append(TableRow(("Jumlah", *(b.by_age(age) for age in b.ages), b.total)))
    stamp = fmt.wall_time(now)
    return Table(
        "backlog",
        "Tiket terbuka menurut status dan umur",
        f"{scope.label} · keadaan {fmt.figure(now, 'datetime')}",
        columns,
        rows,
        note="Umur dihitung dari saat tiket diterima Pantau.",
        slug=f"{scope_slug(scope, o)}_{stamp:%Y-%m-%d_%H%M}",
    )


COMPARISON_COLUMNS: tuple[Column, ...] = (
    Column("received", "Diterima", "int", figure="received"),
    Column("completed", "Diselesaikan", "int", figure="completed"),
    Column("completion_rate", "Penyelesaian", "pct"),
    Column("response_rate", "Respons ≤ 6 jam", "pct"),
    Column("on_time_rate", "Tepat waktu", "pct"),
    Column("open_overdue", "Terbuka lewat tenggat", "int", figure="open_overdue"),
    Column("mean_rating", "Rating", "rating"),
)


def _comparison_values(f: kpis.Figures) -> tuple[Any, ...]:
    return (
        f.received,
        f.completed,
        f.completion_rate,
        f.response_rate,
        f.on_time_rate,
        f.open_overdue,
        f.mean_rating,
    )


def _empty(f: kpis.Figures) -> bool:
    return not (f.received or f.completed or f.open_overdue)


def comparison_table(
    name: str,
    title: str,
    label_header: str,
    rows: Iterable[kq.Row],
    scope: kq.Scope,
    period: kq.Period,
    o: kq.Org,
    *,
    drill: Callable[[kq.Row], tuple[tuple[str, str], ...]] = lambda _r: (),
    note_for: Callable[[kq.Row], str] | None = None,
    note: str | None = None,
) -> Table:
    columns = (Column("label", label_header, link="unit"), *COMPARISON_COLUMNS)
    if note_for is not None:
        columns = (*columns, Column("note", "Catatan"))
    out = []
    for r in rows:
        if r.key == 0 and _empty(r.figures):
            continue  # "Tanpa lokasi" with nothing in it
        values: tuple[Any, ...] = (r.label, *_comparison_values(r.figures))
        if note_for is not None:
            values = (*values, note_for(r))
        out.append(TableRow(values, Ref(unit_id=r.unit_id, drill=drill(r))))
    return Table(
        name, title, _subtitle(scope.label, period), columns, out, note, _slug(scope, o, period)
    )


def channel_note(row_rate: float | None, overall: float | None, received: int) -> str:
    """Why a channel needs attention ('' when it does not)."""
    if received == 0:
        return ""
    if row_rate is None:
        return "belum ada data respons"
    if overall is not None and row_rate < overall - NEGLECT_GAP:
        return f"▼ respons {fmt.number((overall - row_rate) * 100, 1)} poin di bawah rata-rata"
    return ""


def late_table(late: Sequence[kq.LateTicket], scope: kq.Scope, now: datetime, o: kq.Org) -> Table:
    stamp = fmt.wall_time(now)
    return Table(
        "worst_late",
        "Tiket terbuka paling lama melewati tenggat",
        f"{scope.label} · keadaan {fmt.figure(now, 'datetime')}",
        (
            Column("tracking", "No. tiket", link="ticket"),
            Column("category", "Kategori"),
            Column("unit", "Unit"),
            Column("status", "Status", "status"),
            Column("due_at", "Tenggat selesai", "datetime"),
            Column("hours_late", "Terlambat", "duration"),
        ),
        [
            TableRow(
                (t.tracking, t.category, t.unit, t.status, t.due_at, t.hours_late),
                Ref(ticket_id=t.id),
            )
            for t in late
        ],
        note="Lama keterlambatan dalam jam pada unduhan.",
        slug=f"{scope_slug(scope, o)}_{stamp:%Y-%m-%d_%H%M}",
    )


VALIDATOR_COLUMNS = (
    Column("label", "Badan validator", link="unit"),
    Column("done", "Validasi", "int"),
    Column("on_time", "Tepat waktu", "int"),
    Column("late", "Terlambat", "int"),
    Column("on_time_rate", "Ketepatan", "pct"),
    Column("median_decide_h", "Median waktu memutus", "hours"),
    Column("reopened_share", "Dibuka kembali", "pct"),
)


def validator_table(
    rows: Sequence[kq.ValidatorRow], scope: kq.Scope, period: kq.Period, o: kq.Org
) -> Table:
    return Table(
        "validators",
        "Kinerja validator",
        _subtitle(scope.label, period),
        VALIDATOR_COLUMNS,
        [
            TableRow(
                (
                    r.label,
                    r.figures.done,
                    r.figures.on_time,
                    r.figures.late,
                    r.figures.on_time_rate,
                    r.figures.median_decide_h,
                    r.figures.reopened_share,
                ),
                Ref(unit_id=r.unit_id),
            )
            for r in rows
        ],
        note="Keputusan (verifikasi atau buka kembali) dalam periode, dibanding tenggat validasi "
        "saat itu; waktu memutus dihitung sejak penyelesaian masuk antrean validasi.",
        slug=_slug(scope, o, period),
    )


# --- Books ---------------------------------------------------------------------------------


class Book:
    """The tables of one page, computed on demand, each once."""

    names: tuple[str, ...] = ()

    def table(self, name: str) -> Table:
        if name not in self.names:
            raise kq.KpiInputError(
                f"tabel tidak dikenal: {name!r}; pilih salah satu: {', '.join(self.names)}"
            )
        table: Table = getattr(self, f"t_{name}")
        return table


class SummaryBook(Book):
    """The executive summary of an area (the province or one kota)."""

    def __init__(
        self, actor: Actor, scope: kq.Scope, period: kq.Period, now: datetime, o: kq.Org
    ) -> None:
        self.actor, self.scope, self.period, self.now, self.o = actor, scope, period, now, o
        self.province = scope.kind == "province"
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

    @cached_property
    def figures(self) -> kpis.Figures:
        return kq.figures_for(self.scope, self.period, self.now)

    @cached_property
    def previous(self) -> kpis.Figures:
        return kq.figures_for(self.scope, self.period.previous(), self.now)

    @cached_property
    def backlog(self) -> kq.Backlog:
        return kq.backlog(self.scope, self.now)

    @cached_property
    def split(self) -> kq.UnitSplit | None:
        """A unit's per-category and per-channel counts, read once for both tables."""
        return kq.unit_split(self.scope, self.period) if self.scope.kind == "unit" else None

    @cached_property
    def metrics(self) -> list[Metric]:
        return metrics(self.figures, self.previous, self.backlog.total)

    @cached_property
    def metric(self) -> dict[str, Metric]:
        return {m.key: m for m in self.metrics}

    @cached_property
    def t_headline(self) -> Table:
        return metrics_table(self.metrics, self.scope, self.period, self.o)

    @cached_property
    def t_trend(self) -> Table:
        return trend_table(kq.trend(self.scope, self.period), self.scope, self.period, self.o)

    @cached_property
    def t_backlog(self) -> Table:
        return backlog_table(self.backlog, self.scope, self.now, self.o)

    @cached_property
    def t_per_kota(self) -> Table:
        return comparison_table(
            "per_kota",
            "Perbandingan per kota",
            "Kota",
            kq.per_kota(self.period, self.now, self.o),
            self.scope,
            self.period,
            self.o,
            drill=lambda r: (("scope", f"kota:{r.key}"),) if r.key else (),
            note="Menurut lokasi laporan; 'Tanpa lokasi': laporan tanpa titik lokasi.",
        )

    @cached_property
    def t_per_kecamatan(self) -> Table:
        return comparison_table(
            "per_kecamatan",
            "Perbandingan per kecamatan",
            "Kecamatan",
            kq.per_kecamatan(self.scope, self.period, self.now, self.o),
            self.scope,
            self.period,
            self.o,
            drill=lambda r: (("scope", f"kecamatan:{r.key}"),) if r.key else (),
            note="Menurut lokasi laporan (tiket dinas di wilayah itu ikut dihitung); "
            "halaman unit kecamatan menghitung tiket yang ditugaskan kepadanya.",
        )

    def _dim_drill(self, arg: str) -> Callable[[kq.Row], tuple[tuple[str, str], ...]]:
        scope = scope_arg(self.scope)
        return lambda r: (("scope", scope), (arg, str(r.key)))

    @cached_property
    def t_per_category(self) -> Table:
        return comparison_table(
            "per_category",
            "Per kategori",
            "Kategori",
            kq.per_category(self.scope, self.period, self.now, self.split),
            self.scope,
            self.period,
            self.o,
            drill=self._dim_drill("category"),
        )

    @cached_property
    def t_per_channel(self) -> Table:
        overall = self.figures.response_rate
        return comparison_table(
            "per_channel",
            "Per kanal pengaduan",
            "Kanal",
            kq.per_channel(self.scope, self.period, self.now, self.split),
            self.scope,
            self.period,
            self.o,
            drill=self._dim_drill("channel"),
            note_for=lambda r: channel_note(r.figures.response_rate, overall, r.figures.received),
            note=f"Kanal ditandai ▼ bila respons ≤ 6 jam-nya lebih dari "
            f"{fmt.number(NEGLECT_GAP * 100)} poin di bawah rata-rata "
            f"({fmt.figure(overall, 'pct')}).",
        )

    @cached_property
    def t_validators(self) -> Table:
        rows = kq.per_validator(self.scope, self.period, self.o)
        return validator_table(rows, self.scope, self.period, self.o)

    @cached_property
    def t_worst_late(self) -> Table:
        late = kq.worst_late(self.scope, self.actor, self.now, self.o)
        return late_table(late, self.scope, self.now, self.o)


@dataclass(frozen=True)
class RankInfo:
    group: str
    group_label: str
    row: kq.RankedUnit
    ranked: int  # how many units of the group are ranked
    window: kq.Period


class UnitBook(SummaryBook):
    """One unit's KPIs (the unit and the units below it)."""

    def __init__(
        self, actor: Actor, scope: kq.Scope, period: kq.Period, now: datetime, o: kq.Org
    ) -> None:
        super().__init__(actor, scope, period, now, o)
        self.unit = o.units[scope.id or 0]
        self.names = ("headline", "trend", "score", "per_category", "per_channel", "backlog")
        if kq.validator_bodies(scope, o):
            self.names = (*self.names, "validators")

    @cached_property
    def rank(self) -> RankInfo | None:
        found = kq.unit_rank(self.unit.id, self.now, self.o)
        if found is None:
            return None
        group, row, ranked = found
        window = kq.Period.last_days(kpis.wib_day(self.now), kpis.RANK_WINDOW_DAYS)
        return RankInfo(group, kq.RANK_GROUPS[group][0], row, ranked, window)

    @cached_property
    def t_score(self) -> Table:
        info = self.rank
        rows: list[TableRow] = []
        subtitle = f"{self.scope.label} · tidak masuk kelompok peringkat"
        slug = scope_slug(self.scope, self.o)
        if info is not None:
            sc = info.row.entry.score
            for t in sc.terms:
                rows.append(
                    TableRow(
                        (
                            t.label,
                            t.value,
                            "provinsi" if t.from_province else "unit",
                            t.used,
                            t.weight,
                            t.points,
                        ),
                        marks=frozenset({"used"}) if t.from_province else frozenset(),
                    )
                )
            rows.append(TableRow(("Skor", None, None, None, None, sc.total)))
            subtitle = f"{self.scope.label} · {fmt.window(info.window)} (30 hari bergulir)"
            slug = f"{slug}_{info.window.start.isoformat()}_{info.window.end.isoformat()}"
        return Table(
            "score",
            "Rincian skor peringkat",
            subtitle,
            (
                Column("term", "Istilah"),
                Column("value", "Nilai unit", "pct"),
                Column("source", "Sumber"),
                Column("used", "Nilai dipakai", "pct"),
                Column("weight", "Bobot", "weight"),
                Column("points", "Poin", "score"),
            ),
            rows,
            note="Poin = 100 × bobot × nilai dipakai; istilah tanpa data memakai nilai provinsi. "
            "Tiap tiket dibobot menurut bobot kategorinya (1–3), jadi nilai di sini bisa sedikit "
            "berbeda dari angka tanpa bobot di atas.",
            slug=slug,
        )

    def children(self) -> list[kq.UnitInfo]:
        ids = self.o.children.get(self.unit.id, [])
        return sorted((self.o.units[i] for i in ids), key=lambda u: u.display_name)

    def ancestors(self) -> list[tuple[kq.UnitInfo, bool]]:
        """The units above, top first, each with whether the reader may open its page."""
        out = []
        for uid in reversed(self.o.ancestors(self.unit.id)):
            if uid not in self.o.units or self.o.units[uid].kind == "province":
                continue
            visible = kpi_unit_visible(self.actor, uid, self.o.ancestors(uid))
            out.append((self.o.units[uid], visible))
        return out


class RankingBook(Book):
    """A league table: ranked units, the units under the minimum volume, the province's terms."""

    names = ("ranking", "unranked", "province_terms")

    def __init__(
        self, actor: Actor, group: str, now: datetime, o: kq.Org, kota_id: int | None = None
    ) -> None:
        self.actor, self.group, self.now, self.o, self.kota_id = actor, group, now, o, kota_id
        self.data = kq.ranking(group, now, o)
        self.kota_label = o.name(kota_id) if kota_id else None

    @property
    def subtitle(self) -> str:
        where = f"{self.data.label}" + (f" di {self.kota_label}" if self.kota_label else "")
        return f"{where} · {fmt.window(self.data.window)} (30 hari bergulir)"

    @property
    def slug(self) -> str:
        kota = f"_{scope_slug(kq.Scope('kota', self.kota_id, ''), self.o)}" if self.kota_id else ""
        w = self.data.window
        return f"{self.group}{kota}_{w.start.isoformat()}_{w.end.isoformat()}"

    def _rows(self, ranked: bool) -> list[kq.RankedUnit]:
        return [
            r
            for r in self.data.rows
            if r.entry.ranked == ranked and (self.kota_id is None or r.unit.kota_id == self.kota_id)
        ]

    def _link(self, unit_id: int) -> int | None:
        visible = kpi_unit_visible(self.actor, unit_id, self.o.ancestors(unit_id))
        return unit_id if visible else None

    def _kota(self, u: kq.UnitInfo) -> str:
        return self.o.name(u.kota_id) if u.kota_id else "Provinsi"

    @cached_property
    def t_ranking(self) -> Table:
        terms = kpis.RANK_TERMS
        columns = (
            Column("rank", "Peringkat", "int"),
            Column("unit", "Unit", link="unit"),
            Column("kota", "Wilayah"),
            Column("volume", "Volume", "int"),
            *(
                Column(f"term_{t.key}", f"{t.label} (×{fmt.number(t.weight, 2)})", "pct")
                for t in terms
            ),
            Column("score", "Skor", "score"),
            Column("grade", "Nilai"),
            Column("prev_score", "Skor lalu", "score"),
            Column("prev_rank", "Peringkat lalu", "int"),
            Column("rank_change", "Perubahan", "rank_change"),
            Column("from_province", "Memakai nilai provinsi"),
        )
        rows = []
        for r in self._rows(True):
            sc = r.entry.score
            by_key = {t.key: t for t in sc.terms}
            prev = r.previous
            prev_rank = prev.rank if prev is not None and prev.ranked else None
            change = None if prev_rank is None or r.entry.rank is None else prev_rank - r.entry.rank
            marks = frozenset(f"term_{t.key}" for t in sc.terms if t.from_province)
            rows.append(
                TableRow(
                    (
                        r.entry.rank,
                        r.unit.display_name,
                        self._kota(r.unit),
                        r.entry.volume,
                        *(by_key[t.key].used for t in terms),
                        sc.total,
                        sc.grade.letter,
                        prev.score.total if prev is not None else None,
                        prev_rank,
                        change,
                        ", ".join(t.label for t in sc.terms if t.from_province),
                    ),
                    Ref(unit_id=self._link(r.unit.id)),
                    marks=marks,
                )
            )
        return Table(
            "ranking",
            f"Peringkat {self.data.label}",
            self.subtitle,
            columns,
            rows,
            note="'Lalu': jendela 30 hari sebelumnya ("
            + fmt.window(self.data.previous_window)
            + "). Nilai bertanda 'nilai provinsi': unit belum punya data untuk istilah itu.",
            slug=self.slug,
        )

    @cached_property
    def t_unranked(self) -> Table:
        rows = [
            TableRow(
                (
                    r.unit.display_name,
                    self._kota(r.unit),
                    r.entry.volume,
                    self.data.min_volume - r.entry.volume,
                ),
                Ref(unit_id=self._link(r.unit.id)),
            )
            for r in self._rows(False)
        ]
        return Table(
            "unranked",
            "Belum diperingkat",
            self.subtitle,
            (
                Column("unit", "Unit", link="unit"),
                Column("kota", "Wilayah"),
                Column("volume", "Volume", "int"),
                Column("missing", "Kurang", "int"),
            ),
            rows,
            note=f"Unit dengan kurang dari {self.data.min_volume} tiket dalam 30 hari "
            "tidak diperingkat.",
            slug=self.slug,
        )

    @cached_property
    def t_province_terms(self) -> Table:
        p = self.data.province_terms
        return Table(
            "province_terms",
            "Nilai provinsi tiap istilah",
            f"Provinsi DKI Jakarta · {fmt.window(self.data.window)}",
            (
                Column("term", "Istilah"),
                Column("weight", "Bobot", "weight"),
                Column("value", "Nilai provinsi", "pct"),
            ),
            [TableRow((t.label, t.weight, p.get(t.key))) for t in kpis.RANK_TERMS],
            note="Dipakai untuk istilah tanpa data sebuah unit (tanpa rating, tanpa validasi).",
            slug=self.slug,
        )


# --- The tickets behind a figure --------------------------------------------------------------


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
    raise kq.KpiInputError(
        f"parameter 'scope' tidak valid: {raw!r} "
        "(pakai province, kota:<id>, kecamatan:<id> atau unit:<id>)"
    )


def figure_label(figure: str) -> str:
    if figure not in kq.FIGURES:
        raise kq.KpiInputError(
            f"angka tidak dikenal: {figure!r}; pilih salah satu: {', '.join(kq.FIGURES)}"
        )
    return kq.FIGURES[figure]


def filter_label(category_id: int | None, channel_id: int | None) -> str | None:
    """'Kategori Sampah · Kanal JAKI' for the drill-down title (None without filters)."""
    parts = []
    if category_id is not None:
        name = db.session.scalar(select(Category.name).where(Category.id == category_id))
        parts.append(f"kategori {name or f'#{category_id}'}")
    if channel_id is not None:
        name = db.session.scalar(select(Channel.name).where(Channel.id == channel_id))
        parts.append(f"kanal {name or f'#{channel_id}'}")
    return " · ".join(parts) or None


@dataclass(frozen=True)
class TicketPage:
    table: Table
    total: int
    page: int
    pages: int


class TicketBook(Book):
    """The tickets a figure counts (tracking, received, status, category, unit — no reporter)."""

    names = ("tickets",)

    def __init__(
        self,
        actor: Actor,
        scope: kq.Scope,
        figure: str,
        period: kq.Period,
        now: datetime,
        o: kq.Org,
        *,
        category_id: int | None = None,
        channel_id: int | None = None,
        filter_label: str | None = None,
    ) -> None:
        self.figure_label = figure_label(figure)
        self.scope, self.period, self.now, self.o = scope, period, now, o
        self.filter_label = filter_label
        self.stmt = kq.tickets_behind(
            actor, scope, figure, period, now, category_id=category_id, channel_id=channel_id
        )
        self.figure = figure

    @property
    def title(self) -> str:
        return self.figure_label + (f" · {self.filter_label}" if self.filter_label else "")

    def count(self) -> int:
        sub = self.stmt.order_by(None).subquery()
        return int(db.session.scalar(select(func.count()).select_from(sub)) or 0)

    def _table(self, tickets: Sequence[Ticket]) -> Table:
        categories = {r.id: r.name for r in db.session.execute(select(Category.id, Category.name))}
        return Table(
            "tickets",
            f"Tiket di balik angka: {self.title}",
            _subtitle(self.scope.label, self.period),
            (
                Column("tracking", "No. tiket", link="ticket"),
                Column("received_at", "Diterima", "datetime"),
                Column("status", "Status", "status"),
                Column("category", "Kategori"),
                Column("unit", "Unit"),
                Column("due_at", "Tenggat selesai", "datetime"),
            ),
            [
                TableRow(
                    (
                        t.tracking,
                        t.received_at,
                        t.status,
                        categories.get(t.category_id, ""),
                        self.o.name(t.assigned_unit_id),
                        t.completion_due_at,
                    ),
                    Ref(ticket_id=t.id),
                )
                for t in tickets
            ],
            note="Hanya tiket dalam wewenang Anda; data pelapor tidak pernah disertakan.",
            slug=f"{self.figure}_{_slug(self.scope, self.o, self.period)}",
        )

    def page(self, number_: int) -> TicketPage:
        total = self.count()
        pages = max(1, -(-total // TICKETS_PER_PAGE))
        current = min(max(1, number_), pages)
        tickets = list(
            db.session.scalars(
                self.stmt.limit(TICKETS_PER_PAGE).offset((current - 1) * TICKETS_PER_PAGE)
            )
        )
        return TicketPage(self._table(tickets), total, current, pages)

    @cached_property
    def t_tickets(self) -> Table:
        total = self.count()
        if total > EXPORT_MAX_ROWS:
            raise kq.KpiInputError(
                f"terlalu banyak tiket untuk diunduh ({fmt.number(total)}; paling banyak "
                f"{fmt.number(EXPORT_MAX_ROWS)}): persempit periode atau pilih kategori/kanal"
            )
        return self._table(list(db.session.scalars(self.stmt)))
