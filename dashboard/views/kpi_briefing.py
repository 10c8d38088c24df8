"""The executive briefing as the page shows it: six tiles (open now, late now with its
change since 24 h ago, unworked > 24 h, received and completed today beside
yesterday until the same time, the worst area and why), built from
``queries.kpi_briefing.Briefing``. Words and numbers are composed here; the
template lays them out; the rules are ``domain.cohorts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for

from .. import formatting as fmt
from ..domain import cohorts, kpis
from ..queries.kpi_briefing import Briefing
from ..queries.kpis import Scope
from .kpi_sections import scope_arg

# How many small areas the briefing names before "dan N lainnya" (one phone screen).
SMALL_NAMED = 4


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: int
    href: str | None = None
    sub: str | None = None  # the comparison, in words
    change: str | None = None  # "▲ 3" / "▼ 2" / "= 0"
    tone: str = (
        ""  # "bad" / "good" / "flat": how the change reads (with a glyph, never colour alone)
    )
    tone_word: str = ""  # the same for a screen reader


@dataclass(frozen=True)
class Worst:
    kind: str  # "kota" | "kecamatan"
    label: str | None  # None: no area qualifies
    why: str
    href: str | None = None
    small: str | None = None  # the areas too small to judge


@dataclass(frozen=True)
class BriefingView:
    tiles: list[Tile]
    worst: Worst
    stamp: str


def _drill(scope: Scope, figure: str, day: date | None = None) -> str:
    args: dict[str, Any] = {"scope": scope_arg(scope), "figure": figure}
    if day is not None:
        args.update({"from": day.isoformat(), "to": day.isoformat()})
    return url_for("kpi.tickets", **args)


def _change(now: int, before: int, bad_when_up: bool = True) -> tuple[str, str, str]:
    diff = now - before
    if diff == 0:
        return "= 0", "flat", "tetap"
    glyph = "▲" if diff > 0 else "▼"
    worse = (diff > 0) == bad_when_up
    return (
        f"{glyph} {fmt.number(abs(diff))}",
        "bad" if worse else "good",
        ("memburuk" if worse else "membaik"),
    )


def _worst(b: Briefing, scope: Scope, may_open_kota: bool) -> Worst:
    kind = b.area_kind
    noun = "kota" if kind == "kota" else "kecamatan"
    # Areas with a few open tickets are named apart (none open: nothing to judge); when
    # every area is small the worst tile says so, and the list would only repeat it.
    small = [a for a in b.small_areas if a.open]
    big_enough = any(not cohorts.tiny(a.open) for a in b.areas)
    small_text = None
    if small and big_enough:
        names = ", ".join(a.label for a in small[:SMALL_NAMED])
        if len(small) > SMALL_NAMED:
            names += f" dan {len(small) - SMALL_NAMED} lainnya"
        small_text = (
            f"Sampel terlalu kecil (< {cohorts.MIN_SAMPLE} tiket terbuka), tidak dinilai: {names}."
        )
    w = b.worst
    if w is None:
        why = (
            f"Tidak ada {noun} yang tiketnya terlambat."
            if big_enough
            else f"Belum ada {noun} dengan ≥ {cohorts.MIN_SAMPLE} tiket terbuka untuk dibandingkan."
        )
        return Worst(kind, None, why, None, small_text)
    overall = b.late_share.rate
    why = (
        f"{fmt.figure(w.late_share.rate, 'pct')} tiket terbukanya lewat tenggat "
        f"({fmt.number(w.late)} dari {fmt.number(w.open)}): tertinggi di antara {noun} "
        f"dengan ≥ {cohorts.MIN_SAMPLE} tiket terbuka; seluruh {scope.label} "
        f"{fmt.figure(overall, 'pct')}."
    )
    if w.unworked:
        why += f" {fmt.number(w.unworked)} belum dikerjakan > 24 jam."
    if kind == "kota":
        href = url_for("kpi.summary", kota=w.key) if may_open_kota else None
    else:
        href = _drill(Scope("kecamatan", w.key, w.label), "open_overdue")
    return Worst(kind, w.label, why, href, small_text)


def briefing_view(b: Briefing, scope: Scope, may_open_kota: bool) -> BriefingView:
    """The tiles and the worst area of ``b``, with links to the tickets behind them."""
    today = kpis.wib_day(b.now)
    same_time = fmt.wall_time(b.before).strftime("%H.%M")
    late_change, late_tone, late_word = _change(b.late, b.late_before)
    tiles = [
        Tile("open", "Terbuka sekarang", b.open, _drill(scope, "backlog")),
        Tile(
            "late",
            "Terlambat sekarang",
            b.late,
            _drill(scope, "open_overdue"),
            f"24 jam lalu {fmt.number(b.late_before)}",
            late_change,
            late_tone,
            late_word,
        ),
        Tile(
            "unworked",
            "Belum dikerjakan > 24 jam",
            b.unworked,
            sub="belum ada tindakan unit sejak ditugaskan",
        ),
        Tile(
            "received",
            "Diterima hari ini",
            b.received_today,
            _drill(scope, "received", today),
            f"kemarin s.d. pukul {same_time}: {fmt.number(b.received_yesterday)}",
        ),
        Tile(
            "completed",
            "Diselesaikan hari ini",
            b.completed_today,
            _drill(scope, "completed", today),
            f"kemarin s.d. pukul {same_time}: {fmt.number(b.completed_yesterday)}",
        ),
    ]
    return BriefingView(tiles, _worst(b, scope, may_open_kota), fmt.wib(b.now))
