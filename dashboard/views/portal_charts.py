"""The portal's charts: KPI rows to Plotly figures (JSON), in the visitor's language.

Drawn by ``static/kpi.js`` like the KPI pages' charts (a JSON block beside its
div; no inline script), in the same look. Figures are plain
``{"data", "layout"}`` dicts: plotly.js reads them as they are, and building
``plotly.graph_objects`` would validate every property on each (uncached)
render. Every chart has its numbers in a table or list beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _

from ..queries.kpis import Row, TrendPoint
from .kpi_charts import (
    BLUE,
    BLUE_SOFT,
    GREEN,
    RED,
    Figure,
    chart_axis,
    chart_layout,
    to_script_json,
)

__all__ = ["Figure", "to_script_json"]

# Past this many days the trend is drawn per week (a year of days is a blur on a phone).
DAILY_MAX_DAYS = 62


def _layout_for(lang: str, height: int, **extra: Any) -> dict[str, Any]:
    """The KPI charts' layout, with the decimal and thousands marks of ``lang``."""
    return chart_layout(height, separators=",." if lang == "id" else ".,", **extra)


def weekly(points: Sequence[TrendPoint]) -> list[TrendPoint]:
    """Daily points summed per week (Monday first); a partial first week stays partial."""
    out: dict[date, list[int]] = {}
    for p in points:
        monday = p.day - timedelta(days=p.day.weekday())
        cur = out.setdefault(monday, [0, 0])
        cur[0] += p.received
        cur[1] += p.completed
    return [TrendPoint(d, r, c) for d, (r, c) in sorted(out.items())]


def trend(points: Sequence[TrendPoint], lang: str) -> Figure:
    """Reports received (bars) and completed (line), per day or, over a long period, per week."""
    by_week = len(points) > DAILY_MAX_DAYS
    shown = weekly(points) if by_week else list(points)
    days = [p.day.isoformat() for p in shown]
    received = [p.received for p in shown]
    completed = [p.completed for p in shown]
    unit = _("per minggu") if by_week else _("per hari")
    data = [
        {
            "type": "bar",
            "name": _("Laporan diterima") + f" ({unit})",
            "x": days,
            "y": received,
            "marker": {"color": BLUE_SOFT},
            "hovertemplate": "%{y:,} " + _("diterima") + "<extra></extra>",
        },
        {
            "type": "scatter",
            "name": _("Diselesaikan") + f" ({unit})",
            "x": days,
            "y": completed,
            "mode": "lines+markers" if len(days) <= DAILY_MAX_DAYS else "lines",
            "line": {"color": GREEN, "width": 2.5},
            "marker": {"size": 5, "symbol": "circle"},
            "hovertemplate": "%{y:,} " + _("diselesaikan") + "<extra></extra>",
        },
    ]
    top = max([*received, *completed, 0])
    layout = _layout_for(
        lang,
        300,
        hovermode="x unified",
        bargap=0.25,
        xaxis=chart_axis(type="date", tickformat="%-d %b", showgrid=False),
        yaxis=chart_axis(rangemode="tozero", tickformat=",d", **({"dtick": 1} if top <= 8 else {})),
    )
    return {"data": data, "layout": layout}


def _short(label: str, limit: int = 26) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def categories(rows: Sequence[Row], lang: str) -> Figure:
    """The top categories: how many received, how many of them already completed."""
    rows = list(rows)[::-1]  # the largest on top
    labels = [_short(r.label) for r in rows]
    received = [r.figures.received for r in rows]
    # The completion rate's numerator: this period's reports completed at least once.
    done = [round(r.figures.received * (r.figures.completion_rate or 0)) for r in rows]
    open_ = [n - d for n, d in zip(received, done, strict=True)]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": _("Sudah diselesaikan"),
            "y": labels,
            "x": done,
            "marker": {"color": GREEN},
            "hovertemplate": "%{y}: %{x:,} " + _("diselesaikan") + "<extra></extra>",
        },
        {
            "type": "bar",
            "orientation": "h",
            "name": _("Belum selesai"),
            "y": labels,
            "x": open_,
            "marker": {
                "color": "#f4b4ae",
                "line": {"color": RED, "width": 1},
                "pattern": {"shape": "/", "fgcolor": RED, "size": 6, "fillmode": "overlay"},
            },
            "hovertemplate": "%{y}: %{x:,} " + _("belum selesai") + "<extra></extra>",
        },
    ]
    layout = _layout_for(
        lang,
        80 + 30 * max(len(labels), 1),
        barmode="stack",
        bargap=0.3,
        xaxis=chart_axis(rangemode="tozero", tickformat=",d"),
        yaxis=chart_axis(showgrid=False),
    )
    return {"data": data, "layout": layout}


def channels(rows: Sequence[Row], lang: str) -> Figure:
    """Reports received per channel."""
    rows = list(rows)[::-1]
    labels = [_short(r.label) for r in rows]
    received = [r.figures.received for r in rows]
    thousands = "." if lang == "id" else ","
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": _("Laporan diterima"),
            "y": labels,
            "x": received,
            "marker": {"color": BLUE},
            "text": [f"{n:,}".replace(",", thousands) for n in received],
            "textposition": "auto",
            "hovertemplate": "%{y}: %{x:,} " + _("laporan") + "<extra></extra>",
            "showlegend": False,
        }
    ]
    layout = _layout_for(
        lang,
        60 + 28 * max(len(labels), 1),
        bargap=0.3,
        xaxis=chart_axis(rangemode="tozero", tickformat=",d"),
        yaxis=chart_axis(showgrid=False),
    )
    return {"data": data, "layout": layout}
