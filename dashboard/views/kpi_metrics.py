"""The headline figures of a KPI page, as data: what each is called, what it reads, where
it leads and which direction of change is an improvement.

``METRICS`` is the table; ``metrics()`` reads it for one scope, this period beside
the previous one. The summary's cards, its grouped lists and the "headline"
download all come from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Any

from .. import formatting as fmt
from ..domain import cohorts, history, kpis
from ..queries.kpi_briefing import Comparison

# The escalation levels' names on the KPI pages (to be read from the history vocabulary).
# What each escalation figure is called: the vocabulary's name of the level.
ESCALATION_LABELS: dict[str, str] = {
    level: history.ESCALATION_LEVELS[level].name for level in kpis.ESCALATION_LEVELS
}
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
    "cohort_7d",
    "completion_rate",
    "response_rate",
    "on_time_rate",
    "open_overdue",
)
# Lines ``like_for_like`` adds (they read the comparison reads, not one period's Figures).
COMPARISON_METRICS: tuple[str, ...] = ("cohort_7d",)
DELTA_KIND = {
    "int": "delta_int",
    "pct": "delta_pp",
    "hours": "delta_hours",
    "rating": "delta_num",
    "scale4": "delta_num",
}


def trend_of(value: Any, kind: str, better: str | None, small: bool = False) -> str:
    """'good' / 'bad' / 'flat' / '' for a change, given which direction is better;
    'small' when either side rests on a tiny sample (shown grey, never judged)."""
    if value is None or not kind.startswith("delta_"):
        return ""
    if small:
        return "small"
    if abs(value) < 1e-9:
        return "flat"
    if better is None:
        return "neutral"
    return "good" if (value > 0) == (better == "up") else "bad"


def change(current: Any, previous: Any) -> Any:
    """current − previous for two numbers, else None."""
    if isinstance(current, int | float) and isinstance(previous, int | float):
        return current - previous
    return None


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
    sample: int | None = None  # tickets the rate rests on (None: not a rate)
    previous_sample: int | None = None
    previous_note: str | None = None  # how the previous figure was measured

    @property
    def small(self) -> bool:
        """This period's rate rests on fewer than ``cohorts.MIN_SAMPLE`` tickets."""
        return self.sample is not None and cohorts.tiny(self.sample)

    @property
    def previous_small(self) -> bool:
        return self.previous_sample is not None and cohorts.tiny(self.previous_sample)

    @property
    def change(self) -> Any:
        return change(self.value, self.previous)

    @property
    def change_kind(self) -> str:
        return DELTA_KIND.get(self.kind, "text")

    @property
    def trend(self) -> str:
        return trend_of(
            self.change, self.change_kind, self.better, self.small or self.previous_small
        )


Read = Callable[[kpis.Figures], Any]


@dataclass(frozen=True)
class MetricSpec:
    """One line of ``METRICS``: a headline figure, as data."""

    key: str
    label: str
    kind: str
    figure: str | None = None  # the drill-down behind it (``queries.kpi_tickets.FIGURES``)
    better: str | None = None  # "up" / "down"
    group: str = "volume"
    read: Read | None = None  # the value of a period's figures; default: the attribute ``key``
    detail: Callable[[kpis.Figures], str] | None = None  # a line under each period's value
    note: str | None = None  # a fixed line under this period's value
    now_only: bool = False  # counted now (the backlog): no previous period
    sample: Callable[[kpis.Figures], int] | None = None  # what a rate's sample size is
    previous_note: str | None = None  # how the previous period's figure is read


def _of(num: str, den: str) -> Callable[[kpis.Figures], str]:
    """'412 dari 500' from two counts of the figures."""
    return lambda f: f"{fmt.number(getattr(f, num))} dari {fmt.number(getattr(f, den))}"


def _ratings(f: kpis.Figures) -> str:
    return f"{fmt.number(f.rated)} penilaian"


def _grade_text(f: kpis.Figures) -> str | None:
    g = f.rating_grade
    return None if g is None else f"{g.letter} ({g.label})"


def _escalations(level: str) -> Read:
    return lambda f: f.escalations.get(level, 0)


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("received", "Laporan diterima", "int", "received"),
    MetricSpec("reporters", "Pelapor (orang)", "int"),
    MetricSpec("completed", "Diselesaikan", "int", "completed", "up"),
    MetricSpec(
        "backlog",
        "Terbuka saat ini",
        "int",
        "backlog",
        "down",
        note="semua tiket terbuka, berapa pun umurnya",
        now_only=True,
    ),
    MetricSpec(
        "open_overdue",
        "Terbuka lewat tenggat",
        "int",
        "open_overdue",
        "down",
        note="tiket yang masih terbuka sekarang",
        now_only=True,
        read=attrgetter("open_overdue"),
    ),
    MetricSpec(
        "completion_rate",
        "Tingkat penyelesaian",
        "pct",
        "not_completed",
        "up",
        "speed",
        note="laporan periode ini yang sudah diselesaikan",
        sample=attrgetter("received"),
    ),
    MetricSpec(
        "response_rate",
        "Respons ≤ 6 jam",
        "pct",
        "response_late",
        "up",
        "speed",
        detail=_of("response_num", "response_den"),
        sample=attrgetter("response_den"),
    ),
    MetricSpec(
        "on_time_rate",
        "Selesai tepat waktu",
        "pct",
        "completed_late",
        "up",
        "speed",
        detail=_of("on_time_num", "on_time_den"),
        sample=attrgetter("on_time_den"),
    ),
    MetricSpec("done_7d", "Selesai 0–7 hari", "int", None, "up", "speed"),
    MetricSpec("done_14d", "Selesai 8–14 hari", "int", "done_14d", None, "speed"),
    MetricSpec("done_over", "Selesai > 14 hari", "int", "done_over", "down", "speed"),
    MetricSpec("mean_handling_h", "Rata-rata waktu penanganan", "hours", None, "down", "speed"),
    MetricSpec("median_handling_h", "Median waktu penanganan", "hours", None, "down", "speed"),
    MetricSpec(
        "validation_pass_rate",
        "Lolos validasi pertama",
        "pct",
        "validation_failed",
        "up",
        "quality",
        detail=_of("validated_pass", "validated"),
        sample=attrgetter("validated"),
    ),
    MetricSpec(
        "reopen_rate",
        "Dibuka kembali",
        "pct",
        "reopened",
        "down",
        "quality",
        detail=_of("reopened", "completed"),
        sample=attrgetter("completed"),
    ),
    MetricSpec(
        "mean_rating",
        "Rating warga (1–5)",
        "rating",
        None,
        "up",
        "quality",
        detail=_ratings,
        sample=attrgetter("rated"),
    ),
    MetricSpec(
        "rating_scale4",
        "Skala Mutu (1–4)",
        "scale4",
        None,
        "up",
        "quality",
        sample=attrgetter("rated"),
    ),
    MetricSpec("rating_grade", "Nilai mutu", "text", group="quality", read=_grade_text),
    MetricSpec("ews", "EWS", "int", "ews", group="escalation"),
    *(
        MetricSpec(
            f"esc_{level}",
            ESCALATION_LABELS.get(level, level),
            "int",
            f"esc_{level}",
            "down",
            "escalation",
            read=_escalations(level),
        )
        for level in kpis.ESCALATION_LEVELS
    ),
)


def metric(spec: MetricSpec, f: kpis.Figures, p: kpis.Figures, backlog_now: int) -> Metric:
    """One line of the table read for a scope: this period ``f``, the previous ``p``.
    A figure counted now (``now_only``) has no previous value: the tickets still open
    now are no measure of what was open then."""
    read = spec.read or attrgetter(spec.key)
    if spec.now_only:
        value, previous = (read(f) if spec.read else backlog_now), None
    else:
        value, previous = read(f), read(p)
    detail = spec.note if spec.detail is None else spec.detail(f)
    previous_detail = None if spec.detail is None else spec.detail(p)
    return Metric(
        spec.key,
        spec.label,
        spec.kind,
        value,
        previous,
        spec.figure,
        spec.better,
        detail,
        previous_detail,
        spec.group,
        None if spec.sample is None else spec.sample(f),
        None if spec.sample is None or spec.now_only else spec.sample(p),
        spec.previous_note,
    )


def metrics(f: kpis.Figures, p: kpis.Figures, backlog_now: int) -> list[Metric]:
    """The headline figures of a scope: this period's, the previous period's, the change."""
    return [metric(spec, f, p, backlog_now) for spec in METRICS]


def like_for_like(items: list[Metric], c: Comparison) -> list[Metric]:
    """The headline figures with their comparisons made alike (``domain.cohorts``): the
    completion rate beside the previous period's *at the same age*, and the 7-day
    cohort (tickets at least 7 days old, completed within 7 days) beside the previous
    period's cohort, both in the "speed" group after the completion rate."""
    same_age = c.completion_previous_same_age
    out: list[Metric] = []
    for m in items:
        if m.key != "completion_rate":
            out.append(m)
            continue
        out.append(
            replace(
                m,
                previous=same_age.rate,
                previous_sample=same_age.den,
                previous_detail=f"{fmt.number(same_age.num)} dari {fmt.number(same_age.den)}",
                previous_note="pada umur yang sama (per "
                + fmt.figure(c.same_age_at, "datetime")
                + ")",
            )
        )
        out.append(
            Metric(
                "cohort_7d",
                f"Selesai ≤ {cohorts.COHORT_DAYS} hari (kohort)",
                "pct",
                c.cohort.rate,
                c.cohort_previous.rate,
                None,
                "up",
                f"{fmt.number(c.cohort.num)} dari {fmt.number(c.cohort.den)} tiket "
                f"berumur ≥ {cohorts.COHORT_DAYS} hari",
                f"{fmt.number(c.cohort_previous.num)} dari {fmt.number(c.cohort_previous.den)}",
                "speed",
                c.cohort.den,
                c.cohort_previous.den,
                "kohort yang sama",
            )
        )
    return out
