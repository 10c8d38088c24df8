"""The tables of the KPI pages, one function per table: title, subtitle (scope and period),
column headers and rows of plain values, from the reads of ``queries``.

The page renders each table, the charts are drawn from it and the downloads
write it (``exports``): a download always matches the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from .. import formatting as fmt
from ..domain import cohorts, kpis
from ..domain.workflow import Status
from ..queries import kpi_pages, kpi_rankings, kpi_tickets, kpi_validators
from ..queries import kpis as kpi_reads
from ..queries.kpi_tables import Column, Ref, Table, TableRow
from ..queries.kpis import Org, Period, Scope
from .kpi_metrics import Metric

TOP_CATEGORIES = 10
# A channel whose response rate is this far below its scope's is marked neglected.
NEGLECT_GAP = 0.05


def scope_arg(scope: Scope) -> str:
    """The ``scope=`` argument of the ticket list for a scope."""
    return "province" if scope.kind == "province" else f"{scope.kind}:{scope.id}"


def scope_slug(scope: Scope, o: Org) -> str:
    if scope.kind == "province" or scope.id is None or scope.id not in o.units:
        return "provinsi"
    return o.units[scope.id].code.lower()


def subtitle(scope_label: str, period: Period) -> str:
    return f"{scope_label} · {fmt.window(period)}"


def slug(scope: Scope, o: Org, period: Period) -> str:
    return f"{scope_slug(scope, o)}_{period.start.isoformat()}_{period.end.isoformat()}"


def _metric_faint(m: Metric) -> frozenset[str]:
    out = set()
    if m.small:
        out |= {"value", "change"}
    if m.previous_small:
        out |= {"previous", "change"}
    return frozenset(out)


def metrics_table(items: Sequence[Metric], scope: Scope, period: Period, o: Org) -> Table:
    drill = (("scope", scope_arg(scope)),)
    prev = period.previous()
    rows = [
        TableRow(
            (m.label, m.value, m.previous, m.change, m.previous_note),
            Ref(drill=drill),
            kinds={"value": m.kind, "previous": m.kind, "change": m.change_kind},
            figures={"value": m.figure} if m.figure else {},
            faint=_metric_faint(m),
        )
        for m in items
    ]
    return Table(
        "headline",
        "Angka utama",
        subtitle(scope.label, period),
        (
            Column("label", "Angka"),
            Column("value", "Periode ini"),
            Column("previous", f"Periode sebelumnya ({fmt.window(prev)})"),
            Column("change", "Perubahan"),
            Column("compared", "Pembanding diukur"),
        ),
        rows,
        note="Perubahan persentase dalam poin persentase. 'Terbuka saat ini' dan 'Terbuka lewat "
        "tenggat' dihitung sekarang, tanpa pembanding. Tingkat penyelesaian dibanding periode "
        "sebelumnya pada umur yang sama; angka dari kurang dari "
        f"{cohorts.MIN_SAMPLE} tiket tidak dibandingkan (abu-abu).",
        slug=slug(scope, o, period),
    )


def trend_table(
    points: Sequence[kpi_reads.TrendPoint], scope: Scope, period: Period, o: Org, now: datetime
) -> Table:
    """Day by day; today (and any later day) is marked provisional: the day is not over."""

    def mark(p: kpi_reads.TrendPoint) -> str:
        return cohorts.PROVISIONAL_LABEL if cohorts.provisional(p.day, now) else ""

    return Table(
        "trend",
        "Tren harian: diterima dan diselesaikan",
        subtitle(scope.label, period),
        (
            Column("day", "Tanggal", "date"),
            Column("received", "Diterima", "int"),
            Column("completed", "Diselesaikan", "int"),
            Column("status", "Keterangan"),
        ),
        [TableRow((p.day, p.received, p.completed, mark(p))) for p in points],
        note="Hari ini belum selesai: angkanya sementara dan akan bertambah.",
        slug=slug(scope, o, period),
    )


def backlog_table(b: kpi_reads.Backlog, scope: Scope, now: datetime, o: Org) -> Table:
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
    rows: Iterable[kpi_reads.Row],
    scope: Scope,
    period: Period,
    o: Org,
    *,
    drill: Callable[[kpi_reads.Row], tuple[tuple[str, str], ...]] = lambda _r: (),
    note_for: Callable[[kpi_reads.Row], str] | None = None,
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
        out.append(
            TableRow(values, Ref(unit_id=r.unit_id, drill=drill(r)), faint=small_rates(r.figures))
        )
    small = (
        f"Angka abu-abu: dihitung dari kurang dari {cohorts.MIN_SAMPLE} tiket, "
        "terlalu sedikit untuk dibandingkan."
    )
    note = f"{note} {small}" if note else small
    return Table(
        name, title, subtitle(scope.label, period), columns, out, note, slug(scope, o, period)
    )


# Each rate of a comparison row, and the tickets it rests on.
RATE_SAMPLES: dict[str, Callable[[kpis.Figures], int]] = {
    "completion_rate": lambda f: f.received,
    "response_rate": lambda f: f.response_den,
    "on_time_rate": lambda f: f.on_time_den,
    "mean_rating": lambda f: f.rated,
}


def small_rates(f: kpis.Figures) -> frozenset[str]:
    """The rate columns of a row that rest on too few tickets to compare (greyed)."""
    return frozenset(k for k, n in RATE_SAMPLES.items() if cohorts.tiny(n(f)))


def channel_note(row_rate: float | None, overall: float | None, received: int) -> str:
    """Why a channel needs attention ('' when it does not)."""
    if received == 0:
        return ""
    if cohorts.tiny(received):
        return "sampel terlalu kecil"
    if row_rate is None:
        return "belum ada data respons"
    if overall is not None and row_rate < overall - NEGLECT_GAP:
        return f"▼ respons {fmt.number((overall - row_rate) * 100, 1)} poin di bawah rata-rata"
    return ""


def late_table(
    late: Sequence[kpi_tickets.LateTicket], scope: Scope, now: datetime, o: Org
) -> Table:
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
    rows: Sequence[kpi_validators.ValidatorRow], scope: Scope, period: Period, o: Org
) -> Table:
    return Table(
        "validators",
        "Kinerja validator",
        subtitle(scope.label, period),
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
        slug=slug(scope, o, period),
    )


def score_table(info: kpi_pages.RankInfo | None, scope: Scope, o: Org) -> Table:
    """A unit's ranking score, term by term (empty when the unit is in no ranking group)."""
    rows: list[TableRow] = []
    subtitle = f"{scope.label} · tidak masuk kelompok peringkat"
    slug = scope_slug(scope, o)
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
        subtitle = f"{scope.label} · {fmt.window(info.window)} (30 hari bergulir)"
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


# --- Rankings ----------------------------------------------------------------------------------


def ranking_subtitle(reads: kpi_pages.RankingReads) -> str:
    where = reads.data.label + (f" di {reads.kota_label}" if reads.kota_label else "")
    return f"{where} · {fmt.window(reads.data.window)} (30 hari bergulir)"


def _ranking_slug(reads: kpi_pages.RankingReads) -> str:
    kota = f"_{scope_slug(Scope('kota', reads.kota_id, ''), reads.org)}" if reads.kota_id else ""
    w = reads.data.window
    return f"{reads.group}{kota}_{w.start.isoformat()}_{w.end.isoformat()}"


def _kota(reads: kpi_pages.RankingReads, u: kpi_reads.UnitInfo) -> str:
    return reads.org.name(u.kota_id) if u.kota_id else "Provinsi"


RANKING_COLUMNS_BEFORE = (
    Column("rank", "Peringkat", "int"),
    Column("unit", "Unit", link="unit"),
    Column("kota", "Wilayah"),
    Column("volume", "Volume", "int"),
)
RANKING_COLUMNS_AFTER = (
    Column("score", "Skor", "score"),
    Column("grade", "Nilai"),
    Column("prev_score", "Skor lalu", "score"),
    Column("prev_rank", "Peringkat lalu", "int"),
    Column("rank_change", "Perubahan", "rank_change"),
    Column("from_province", "Memakai nilai provinsi"),
)


def _ranking_row(reads: kpi_pages.RankingReads, r: kpi_rankings.RankedUnit) -> TableRow:
    sc = r.entry.score
    by_key = {t.key: t for t in sc.terms}
    prev = r.previous
    prev_rank = prev.rank if prev is not None and prev.ranked else None
    change = None if prev_rank is None or r.entry.rank is None else prev_rank - r.entry.rank
    return TableRow(
        (
            r.entry.rank,
            r.unit.display_name,
            _kota(reads, r.unit),
            r.entry.volume,
            *(by_key[t.key].used for t in kpis.RANK_TERMS),
            sc.total,
            sc.grade.letter,
            prev.score.total if prev is not None else None,
            prev_rank,
            change,
            ", ".join(t.label for t in sc.terms if t.from_province),
        ),
        Ref(unit_id=reads.link(r.unit.id)),
        marks=frozenset(f"term_{t.key}" for t in sc.terms if t.from_province),
    )


def ranking_table(reads: kpi_pages.RankingReads) -> Table:
    columns = (
        *RANKING_COLUMNS_BEFORE,
        *(
            Column(f"term_{t.key}", f"{t.label} (×{fmt.number(t.weight, 2)})", "pct")
            for t in kpis.RANK_TERMS
        ),
        *RANKING_COLUMNS_AFTER,
    )
    return Table(
        "ranking",
        f"Peringkat {reads.data.label}",
        ranking_subtitle(reads),
        columns,
        [_ranking_row(reads, r) for r in reads.rows(True)],
        note="'Lalu': jendela 30 hari sebelumnya ("
        + fmt.window(reads.data.previous_window)
        + "). Nilai bertanda 'nilai provinsi': unit belum punya data untuk istilah itu.",
        slug=_ranking_slug(reads),
    )


def unranked_table(reads: kpi_pages.RankingReads) -> Table:
    rows = [
        TableRow(
            (
                r.unit.display_name,
                _kota(reads, r.unit),
                r.entry.volume,
                reads.data.min_volume - r.entry.volume,
            ),
            Ref(unit_id=reads.link(r.unit.id)),
        )
        for r in reads.rows(False)
    ]
    return Table(
        "unranked",
        "Belum diperingkat",
        ranking_subtitle(reads),
        (
            Column("unit", "Unit", link="unit"),
            Column("kota", "Wilayah"),
            Column("volume", "Volume", "int"),
            Column("missing", "Kurang", "int"),
        ),
        rows,
        note=f"Unit dengan kurang dari {reads.data.min_volume} tiket dalam 30 hari "
        "tidak diperingkat.",
        slug=_ranking_slug(reads),
    )


def province_terms_table(reads: kpi_pages.RankingReads) -> Table:
    p = reads.data.province_terms
    return Table(
        "province_terms",
        "Nilai provinsi tiap istilah",
        f"Provinsi DKI Jakarta · {fmt.window(reads.data.window)}",
        (
            Column("term", "Istilah"),
            Column("weight", "Bobot", "weight"),
            Column("value", "Nilai provinsi", "pct"),
        ),
        [TableRow((t.label, t.weight, p.get(t.key))) for t in kpis.RANK_TERMS],
        note="Dipakai untuk istilah tanpa data sebuah unit (tanpa rating, tanpa validasi).",
        slug=_ranking_slug(reads),
    )


# --- The tickets behind a figure --------------------------------------------------------------


def tickets_table(
    reads: kpi_pages.TicketReads, title: str, lines: Sequence[kpi_tickets.TicketLine]
) -> Table:
    return Table(
        "tickets",
        f"Tiket di balik angka: {title}",
        subtitle(reads.scope.label, reads.period),
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
                    t.category,
                    reads.org.name(t.unit_id),
                    t.due_at,
                ),
                Ref(ticket_id=t.id),
            )
            for t in lines
        ],
        note="Hanya tiket dalam wewenang Anda; data pelapor tidak pernah disertakan.",
        slug=f"{reads.figure}_{slug(reads.scope, reads.org, reads.period)}",
    )
