"""KPI charts: a small function from a KPI table to a Plotly figure (as JSON).

Charts are drawn from the same ``Table`` the page shows under them and the
exports write, so a bar can never disagree with its row. The page embeds the
JSON in a ``<script type="application/json" data-chart>`` block and
``static/kpi.js`` draws it with the plotly.js the app serves itself.
Colours follow DESIGN.md §10: received blue, completed green, late red/orange;
lateness and neglect are also marked by a pattern (shape), never colour alone.
"""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go
from markupsafe import Markup
from plotly.subplots import make_subplots

from ..queries.kpi_tables import NEGLECT_GAP, Table, display

FONT = "Plus Jakarta Sans, system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"
TEXT = "#172033"
MUTED = "#5b6577"
GRID = "#e6eaf0"
BLUE = "#0b5cad"
BLUE_SOFT = "#9cc0e8"
GREEN = "#15803d"
RED = "#d92d20"
ORANGE = "#e8590c"
# Backlog age: paler = younger; the two oldest also carry a hatch.
AGE_COLOURS = ("#fde7cf", "#f8c08a", "#f08a3c", "#c2410c", "#7f1d1d")
AGE_PATTERNS = ("", "", "", "/", "x")


def _layout(height: int, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "template": "none",
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


def _axis(**extra: Any) -> dict[str, Any]:
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


def to_script_json(fig: go.Figure) -> Markup:
    """Figure JSON safe inside a <script> element (no '</script>' can close it)."""
    text = fig.to_json()
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def trend(table: Table) -> go.Figure:
    days = [d.isoformat() for d in table.values("day")]
    received, completed = table.values("received"), table.values("completed")
    fig = go.Figure(
        [
            go.Bar(
                name="Diterima",
                x=days,
                y=received,
                marker={"color": BLUE_SOFT},
                hovertemplate="%{y:,} diterima<extra></extra>",
            ),
            go.Scatter(
                name="Diselesaikan",
                x=days,
                y=completed,
                mode="lines+markers" if len(days) <= 62 else "lines",
                line={"color": GREEN, "width": 2.5},
                marker={"size": 5, "symbol": "circle"},
                hovertemplate="%{y:,} diselesaikan<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        _layout(
            320,
            hovermode="x unified",
            bargap=0.25,
            xaxis=_axis(type="date", tickformat="%-d %b", showgrid=False),
            yaxis=_axis(
                rangemode="tozero",
                tickformat=",d",
                dtick=1 if max([*received, *completed, 0]) <= 8 else None,
            ),
        )
    )
    return fig


def backlog(table: Table) -> go.Figure:
    rows = [r for r in table.rows if r.values[0] != "Jumlah"]
    statuses = [r.values[0] for r in rows][::-1]  # first status on top
    ages = [c for c in table.columns if c.key.startswith("age_")]
    traces = []
    for i, col in enumerate(ages):
        idx = table.index(col.key)
        traces.append(
            go.Bar(
                name=col.label,
                orientation="h",
                y=statuses,
                x=[r.values[idx] for r in rows][::-1],
                marker={
                    "color": AGE_COLOURS[i % len(AGE_COLOURS)],
                    "line": {"color": "#ffffff", "width": 1},
                    "pattern": {
                        "shape": AGE_PATTERNS[i % len(AGE_PATTERNS)],
                        "fgcolor": "#ffffff",
                        "size": 6,
                        "fillmode": "overlay",
                    },
                },
                hovertemplate="%{y}, " + col.label + ": %{x:,}<extra></extra>",
            )
        )
    fig = go.Figure(traces)
    fig.update_layout(
        _layout(
            60 + 34 * max(len(statuses), 1),
            barmode="stack",
            bargap=0.3,
            legend_traceorder="normal",
            xaxis=_axis(rangemode="tozero", tickformat=",d"),
            yaxis=_axis(showgrid=False),
        )
    )
    return fig


def rates(table: Table) -> go.Figure:
    """Areas side by side on three rates (a dot per rate, each its own shape)."""
    rows = [r for r in table.rows if r.values[table.index("received")]]
    completion = table.index("completion_rate")
    rows.sort(key=lambda r: r.values[completion] or 0, reverse=True)  # worst on top
    labels = [r.values[table.index("label")] for r in rows]
    series = (
        ("completion_rate", "Penyelesaian", GREEN, "circle", 11),
        ("response_rate", "Respons ≤ 6 jam", BLUE, "diamond", 10),
        ("on_time_rate", "Tepat waktu", ORANGE, "square", 8),
    )
    traces = []
    for key, name, colour, symbol, size in series:
        idx = table.index(key)
        values = [r.values[idx] for r in rows]
        traces.append(
            go.Scatter(
                name=name,
                x=values,
                y=labels,
                mode="markers",
                marker={
                    "color": colour,
                    "symbol": symbol,
                    "size": size,
                    "opacity": 0.9,
                    "line": {"color": "#ffffff", "width": 1},
                },
                customdata=[display(v, "pct") for v in values],
                hovertemplate="%{y}<br>" + name + ": %{customdata}<extra></extra>",
            )
        )
    present = [v for t in traces for v in t.x if v is not None]
    low = max(0.0, math.floor((min(present, default=0.0) - 0.05) * 10) / 10)
    fig = go.Figure(traces)
    fig.update_layout(
        _layout(
            70 + 24 * max(len(labels), 1),
            hovermode="closest",
            xaxis=_axis(range=[low, 1.02], tickformat=".0%", dtick=0.1 if low >= 0.4 else 0.2),
            yaxis=_axis(
                showgrid=True, gridcolor="#f1f4f8", range=[-0.6, max(len(labels), 1) - 0.4]
            ),
        )
    )
    return fig


def top_categories(table: Table, limit: int = 10) -> go.Figure:
    rows = [r for r in table.rows if r.values[table.index("received")]][:limit][::-1]
    labels = [r.values[table.index("label")] for r in rows]
    received = [r.values[table.index("received")] for r in rows]
    rate_idx = table.index("completion_rate")
    done = [round(n * (r.values[rate_idx] or 0)) for n, r in zip(received, rows, strict=True)]
    open_ = [n - d for n, d in zip(received, done, strict=True)]
    rate_text = [display(r.values[rate_idx], "pct") for r in rows]
    fig = go.Figure(
        [
            go.Bar(
                name="Sudah diselesaikan",
                orientation="h",
                y=labels,
                x=done,
                marker={"color": GREEN},
                customdata=rate_text,
                hovertemplate="%{y}: %{x:,} selesai (%{customdata})<extra></extra>",
            ),
            go.Bar(
                name="Belum selesai",
                orientation="h",
                y=labels,
                x=open_,
                marker={
                    "color": "#f4b4ae",
                    "line": {"color": RED, "width": 1},
                    "pattern": {"shape": "/", "fgcolor": RED, "size": 6, "fillmode": "overlay"},
                },
                hovertemplate="%{y}: %{x:,} belum selesai<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        _layout(
            70 + 30 * max(len(labels), 1),
            barmode="stack",
            bargap=0.3,
            xaxis=_axis(rangemode="tozero", tickformat=",d"),
            yaxis=_axis(showgrid=False),
        )
    )
    return fig


def channels(table: Table, overall: float | None) -> go.Figure:
    """Channel mix beside each channel's response rate; neglected channels hatched red."""
    rows = [r for r in table.rows if r.values[table.index("received")]][::-1]
    labels = [r.values[table.index("label")] for r in rows]
    received = [r.values[table.index("received")] for r in rows]
    rate_idx = table.index("response_rate")
    rates_ = [r.values[rate_idx] for r in rows]
    neglected = [
        v is not None and overall is not None and v < overall - NEGLECT_GAP for v in rates_
    ]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.42, 0.58],
        horizontal_spacing=0.04,
        subplot_titles=(
            "Laporan diterima",
            "Respons ≤ 6 jam"
            + ("" if overall is None else f" (garis: rata-rata {display(overall, 'pct')})"),
        ),
    )
    fig.update_annotations(font={"family": FONT, "size": 12, "color": MUTED})
    fig.add_trace(
        go.Bar(
            name="Diterima",
            orientation="h",
            y=labels,
            x=received,
            marker={"color": BLUE_SOFT},
            text=[f"{n:,}".replace(",", ".") for n in received],
            textposition="auto",
            hovertemplate="%{y}: %{x:,} laporan<extra></extra>",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            name="Respons ≤ 6 jam",
            orientation="h",
            y=labels,
            x=[v or 0 for v in rates_],
            marker={
                "color": [RED if n else GREEN for n in neglected],
                "pattern": {
                    "shape": ["/" if n else "" for n in neglected],
                    "fgcolor": "#ffffff",
                    "size": 7,
                    "fillmode": "overlay",
                },
            },
            text=[
                ("▼ " if n else "") + display(v, "pct")
                for v, n in zip(rates_, neglected, strict=True)
            ],
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
            showlegend=False,
        ),
        row=1,
        col=2,
    )
    if overall is not None:
        fig.add_vline(
            x=overall,
            row=1,
            col=2,
            line={"color": TEXT, "dash": "dash", "width": 1.5},
        )
    fig.update_layout(
        _layout(
            90 + 30 * max(len(labels), 1),
            bargap=0.3,
            margin={"l": 8, "r": 16, "t": 48, "b": 8, "pad": 4},
            xaxis=_axis(rangemode="tozero", tickformat=",d"),
            xaxis2=_axis(range=[0, 1.05], tickformat=".0%", dtick=0.25),
            yaxis=_axis(showgrid=False),
            yaxis2=_axis(showgrid=False),
        )
    )
    return fig
