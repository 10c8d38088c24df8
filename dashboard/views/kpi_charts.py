"""KPI charts: a small function from a KPI table to a Plotly figure (as JSON).

Charts are drawn from the same ``Table`` the page shows under them and the
exports write, so a bar can never disagree with its row. The page embeds the
JSON in a ``<script type="application/json" data-chart>`` block and
``static/kpi.js`` draws it with the plotly.js the app serves itself.
Figures are plain ``{"data": [...], "layout": {...}}`` dicts, not
``plotly.graph_objects``: validating graph objects cost about 60 ms per chart
(a third of the province summary's time at 1,000,000 tickets), and plotly.js
reads the same JSON either way.
Colours follow DESIGN.md §10: received blue, completed green, late red/orange;
lateness and neglect are also marked by a pattern (shape), never colour alone.
"""

from __future__ import annotations

import json
import math
from typing import Any

from markupsafe import Markup

from .. import formatting as fmt
from ..queries.kpi_tables import Table
from .kpi_sections import NEGLECT_GAP

FONT = "Plus Jakarta Sans, system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"
TEXT = "#172033"
MUTED = "#5b6577"
GRID = "#e6eaf0"
MUTED_SOFT = "#b8c0cc"  # a rate from too few tickets
BLUE = "#0b5cad"
BLUE_SOFT = "#9cc0e8"
GREEN = "#15803d"
RED = "#d92d20"
ORANGE = "#e8590c"
# Backlog age: paler = younger; the two oldest also carry a hatch.
AGE_COLOURS = ("#fde7cf", "#f8c08a", "#f08a3c", "#c2410c", "#7f1d1d")
AGE_PATTERNS = ("", "", "", "/", "x")


def chart_layout(height: int, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "height": height,
        "autosize": True,
        "margin": {"l": 8, "r": 16, "t": 28, "b": 8, "pad": 4},
        "font": {"family": FONT, "size": 12, "color": TEXT},
        "separators": ",.",
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {
            "orientation": "h",
            "x": 0,
            "y": 1.02,
            "yanchor": "bottom",
            "font": {"size": 12},
        },
        "hoverlabel": {"font": {"family": FONT}},
    }
    layout.update(extra)
    return layout


def chart_axis(**extra: Any) -> dict[str, Any]:
    axis: dict[str, Any] = {
        "automargin": True,
        "gridcolor": GRID,
        "zerolinecolor": GRID,
        "linecolor": GRID,
        "tickfont": {"color": MUTED},
        "fixedrange": True,
    }
    axis.update(extra)
    return axis


Figure = dict[str, Any]


def figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> Figure:
    return {"data": data, "layout": layout}


def to_script_json(fig: Any) -> Markup:
    """Figure JSON safe inside a <script> element (no '</script>' can close it).

    ``fig`` is a plain figure dict (or anything with plotly's ``to_json``).
    """
    text = json.dumps(fig, ensure_ascii=False) if isinstance(fig, dict) else fig.to_json()
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def trend(table: Table) -> Figure:
    """Received (bars) and completed (line) per day; the days not over yet (the table's
    "Keterangan") drawn hollow and dotted, labelled "hari ini, sementara"."""
    days = [d.isoformat() for d in table.values("day")]
    received, completed = table.values("received"), table.values("completed")
    partial = [bool(v) for v in table.values("status")]
    final = len(days) - sum(partial)  # days before the first provisional one
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": "Diterima",
            "x": days,
            "y": received,
            "marker": {
                "color": ["#ffffff" if p else BLUE_SOFT for p in partial],
                "line": {"color": [BLUE if p else BLUE_SOFT for p in partial], "width": 1.5},
                "pattern": {
                    "shape": ["." if p else "" for p in partial],
                    "fgcolor": BLUE,
                    "size": 5,
                },
            },
            "hovertemplate": "%{y:,} diterima<extra></extra>",
        },
        {
            "type": "scatter",
            "name": "Diselesaikan",
            "x": days[:final],
            "y": completed[:final],
            "mode": "lines+markers" if len(days) <= 62 else "lines",
            "line": {"color": GREEN, "width": 2.5},
            "marker": {"size": 5, "symbol": "circle"},
            "hovertemplate": "%{y:,} diselesaikan<extra></extra>",
        },
    ]
    if final < len(days):
        start = max(final - 1, 0)  # the dotted segment starts at the last whole day
        data.append(
            {
                "type": "scatter",
                "name": "Diselesaikan (hari ini, sementara)",
                "x": days[start:],
                "y": completed[start:],
                "mode": "lines+markers",
                "line": {"color": GREEN, "width": 2, "dash": "dot"},
                "marker": {
                    "size": [5 if i < final else 9 for i in range(start, len(days))],
                    "symbol": [
                        "circle" if i < final else "circle-open" for i in range(start, len(days))
                    ],
                    "line": {"width": 2, "color": GREEN},
                },
                "hovertemplate": "%{y:,} diselesaikan (sementara)<extra></extra>",
                "showlegend": False,
            }
        )
    yaxis = chart_axis(rangemode="tozero", tickformat=",d")
    if max([*received, *completed, 0]) <= 8:
        yaxis["dtick"] = 1
    layout = chart_layout(
        320,
        hovermode="x unified",
        bargap=0.25,
        xaxis=chart_axis(type="date", tickformat="%-d %b", showgrid=False),
        yaxis=yaxis,
    )
    if final < len(days):
        layout["annotations"] = [
            {
                "x": days[final],
                "y": max(received[final], completed[final]),
                "text": "hari ini, sementara",
                "showarrow": True,
                "arrowhead": 0,
                "ax": -40,
                "ay": -28,
                "font": {"size": 11, "color": MUTED},
            }
        ]
    return figure(data, layout)


def backlog(table: Table) -> Figure:
    rows = [r for r in table.rows if r.values[0] != "Jumlah"]
    statuses = [r.values[0] for r in rows][::-1]  # first status on top
    ages = [c for c in table.columns if c.key.startswith("age_")]
    data: list[dict[str, Any]] = []
    for i, col in enumerate(ages):
        idx = table.index(col.key)
        data.append(
            {
                "type": "bar",
                "name": col.label,
                "orientation": "h",
                "y": statuses,
                "x": [r.values[idx] for r in rows][::-1],
                "marker": {
                    "color": AGE_COLOURS[i % len(AGE_COLOURS)],
                    "line": {"color": "#ffffff", "width": 1},
                    "pattern": {
                        "shape": AGE_PATTERNS[i % len(AGE_PATTERNS)],
                        "fgcolor": "#ffffff",
                        "size": 6,
                        "fillmode": "overlay",
                    },
                },
                "hovertemplate": "%{y}, " + col.label + ": %{x:,}<extra></extra>",
            }
        )
    layout = chart_layout(
        60 + 34 * max(len(statuses), 1),
        barmode="stack",
        bargap=0.3,
        xaxis=chart_axis(rangemode="tozero", tickformat=",d"),
        yaxis=chart_axis(showgrid=False),
    )
    layout["legend"]["traceorder"] = "normal"
    return figure(data, layout)


def rates(table: Table) -> Figure:
    """Areas side by side on three rates (a dot per rate, each its own shape)."""
    rows = [r for r in table.rows if r.values[table.index("received")]]
    completion = table.index("completion_rate")
    # Ranked by completion (worst on top); too few tickets: not ranked, at the bottom, grey.
    small = sorted(
        (r for r in rows if "completion_rate" in r.faint), key=lambda r: r.values[0], reverse=True
    )
    ranked = [r for r in rows if "completion_rate" not in r.faint]
    ranked.sort(key=lambda r: r.values[completion] or 0, reverse=True)
    rows = small + ranked
    labels = [
        f"{r.values[table.index('label')]} (sampel kecil)"
        if r in small
        else r.values[table.index("label")]
        for r in rows
    ]
    series = (
        ("completion_rate", "Penyelesaian", GREEN, "circle", 11),
        ("response_rate", "Respons ≤ 6 jam", BLUE, "diamond", 10),
        ("on_time_rate", "Tepat waktu", ORANGE, "square", 8),
    )
    data: list[dict[str, Any]] = []
    present: list[float] = []
    for key, name, colour, symbol, size in series:
        idx = table.index(key)
        values = [r.values[idx] for r in rows]
        present += [v for v in values if v is not None]
        # Rates from too few tickets: a grey trace of their own (the legend keeps the colour).
        for faint in (False, True):
            shown = [
                v if (key in r.faint) == faint else None for v, r in zip(values, rows, strict=True)
            ]
            if faint and all(v is None for v in shown):
                continue
            data.append(
                {
                    "type": "scatter",
                    "name": name + (" (sampel kecil)" if faint else ""),
                    "x": shown,
                    "y": labels,
                    "mode": "markers",
                    "marker": {
                        "color": MUTED_SOFT if faint else colour,
                        "symbol": symbol,
                        "size": size,
                        "opacity": 0.9,
                        "line": {"color": "#ffffff", "width": 1},
                    },
                    "customdata": [fmt.figure(v, "pct") for v in shown],
                    "hovertemplate": "%{y}<br>" + name + ": %{customdata}<extra></extra>",
                    "showlegend": not faint,
                }
            )
    low = max(0.0, math.floor((min(present, default=0.0) - 0.05) * 10) / 10)
    layout = chart_layout(
        70 + 24 * max(len(labels), 1),
        hovermode="closest",
        xaxis=chart_axis(range=[low, 1.02], tickformat=".0%", dtick=0.1 if low >= 0.4 else 0.2),
        yaxis=chart_axis(
            showgrid=True, gridcolor="#f1f4f8", range=[-0.6, max(len(labels), 1) - 0.4]
        ),
    )
    return figure(data, layout)


def top_categories(table: Table, limit: int = 10) -> Figure:
    rows = [r for r in table.rows if r.values[table.index("received")]][:limit][::-1]
    labels = [r.values[table.index("label")] for r in rows]
    received = [r.values[table.index("received")] for r in rows]
    rate_idx = table.index("completion_rate")
    done = [round(n * (r.values[rate_idx] or 0)) for n, r in zip(received, rows, strict=True)]
    open_ = [n - d for n, d in zip(received, done, strict=True)]
    rate_text = [fmt.figure(r.values[rate_idx], "pct") for r in rows]
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": "Sudah diselesaikan",
            "orientation": "h",
            "y": labels,
            "x": done,
            "marker": {"color": GREEN},
            "customdata": rate_text,
            "hovertemplate": "%{y}: %{x:,} selesai (%{customdata})<extra></extra>",
        },
        {
            "type": "bar",
            "name": "Belum selesai",
            "orientation": "h",
            "y": labels,
            "x": open_,
            "marker": {
                "color": "#f4b4ae",
                "line": {"color": RED, "width": 1},
                "pattern": {"shape": "/", "fgcolor": RED, "size": 6, "fillmode": "overlay"},
            },
            "hovertemplate": "%{y}: %{x:,} belum selesai<extra></extra>",
        },
    ]
    layout = chart_layout(
        70 + 30 * max(len(labels), 1),
        barmode="stack",
        bargap=0.3,
        xaxis=chart_axis(rangemode="tozero", tickformat=",d"),
        yaxis=chart_axis(showgrid=False),
    )
    return figure(data, layout)


# Two panels side by side sharing the y axis (what make_subplots(cols=2,
# column_widths=[0.42, 0.58], horizontal_spacing=0.04) lays out).
_LEFT = [0.0, 0.96 * 0.42]
_RIGHT = [0.96 * 0.42 + 0.04, 1.0]


def _panel_title(text: str, domain: list[float]) -> dict[str, Any]:
    return {
        "text": text,
        "x": (domain[0] + domain[1]) / 2,
        "y": 1.0,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "center",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"family": FONT, "size": 12, "color": MUTED},
    }


def _rate_bars(
    labels: list[Any], rates_: list[Any], neglected: list[bool], faint: list[bool] | None = None
) -> dict[str, Any]:
    """The right panel of ``channels``: each channel's response rate, neglected ones hatched,
    those from too few tickets grey."""
    faint = faint or [False] * len(labels)
    return {
        "type": "bar",
        "name": "Respons ≤ 6 jam",
        "orientation": "h",
        "y": labels,
        "x": [v or 0 for v in rates_],
        "xaxis": "x2",
        "yaxis": "y2",
        "marker": {
            "color": [
                MUTED_SOFT if f else (RED if n else GREEN)
                for n, f in zip(neglected, faint, strict=True)
            ],
            "pattern": {
                "shape": ["/" if n else "" for n in neglected],
                "fgcolor": "#ffffff",
                "size": 7,
                "fillmode": "overlay",
            },
        },
        "text": [
            ("▼ " if n else "") + fmt.figure(v, "pct")
            for v, n in zip(rates_, neglected, strict=True)
        ],
        "textposition": "auto",
        "hovertemplate": "%{y}: %{text}<extra></extra>",
        "showlegend": False,
    }


def _average_line(overall: float) -> dict[str, Any]:
    """The dashed line of the scope's response rate across the right panel."""
    return {
        "type": "line",
        "xref": "x2",
        "yref": "y2 domain",
        "x0": overall,
        "x1": overall,
        "y0": 0,
        "y1": 1,
        "line": {"color": TEXT, "dash": "dash", "width": 1.5},
    }


def channels(table: Table, overall: float | None) -> Figure:
    """Channel mix beside each channel's response rate; neglected channels hatched red."""
    rows = [r for r in table.rows if r.values[table.index("received")]][::-1]
    labels = [r.values[table.index("label")] for r in rows]
    received = [r.values[table.index("received")] for r in rows]
    rate_idx = table.index("response_rate")
    rates_ = [r.values[rate_idx] for r in rows]
    neglected = [
        v is not None
        and overall is not None
        and v < overall - NEGLECT_GAP
        and "response_rate" not in r.faint
        for v, r in zip(rates_, rows, strict=True)
    ]
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": "Diterima",
            "orientation": "h",
            "y": labels,
            "x": received,
            "xaxis": "x",
            "yaxis": "y",
            "marker": {"color": BLUE_SOFT},
            "text": [fmt.number(n) for n in received],
            "textposition": "auto",
            "hovertemplate": "%{y}: %{x:,} laporan<extra></extra>",
            "showlegend": False,
        },
        _rate_bars(labels, rates_, neglected, ["response_rate" in r.faint for r in rows]),
    ]
    right_title = "Respons ≤ 6 jam" + (
        "" if overall is None else f" (garis: rata-rata {fmt.figure(overall, 'pct')})"
    )
    layout = chart_layout(
        90 + 30 * max(len(labels), 1),
        bargap=0.3,
        margin={"l": 8, "r": 16, "t": 48, "b": 8, "pad": 4},
        xaxis=chart_axis(domain=_LEFT, anchor="y", rangemode="tozero", tickformat=",d"),
        xaxis2=chart_axis(
            domain=_RIGHT, anchor="y2", range=[0, 1.05], tickformat=".0%", dtick=0.25
        ),
        yaxis=chart_axis(anchor="x", showgrid=False),
        yaxis2=chart_axis(anchor="x2", matches="y", showticklabels=False, showgrid=False),
        annotations=[
            _panel_title("Laporan diterima", _LEFT),
            _panel_title(right_title, _RIGHT),
        ],
    )
    if overall is not None:
        layout["shapes"] = [_average_line(overall)]
    return figure(data, layout)
