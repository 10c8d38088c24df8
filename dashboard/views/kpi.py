"""KPI pages: the executive summary of an area, a unit's KPIs, the rankings, and the
tickets behind any figure; every table also as CSV / XLSX (``?export=csv&table=…``),
through the same view and so through the same scope checks.

Views parse arguments, make one call for the page's read model
(``queries.kpi_pages``: 404 when the reader may not see the scope), and hand a
book of its tables (``kpi_books``) to the template or to ``exports``.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import plotly
from flask import Blueprint, abort, make_response, render_template, request, send_file, url_for
from flask.wrappers import Response
from flask_login import current_user, login_required

from .. import clock
from .. import formatting as fmt
from ..domain import cohorts, kpis
from ..domain.inputs import MAX_ID, MAX_PAGE, InvalidNumber, parse_id
from ..domain.states import UNIT_KIND_LABELS
from ..domain.workflow import Actor, Role
from ..queries import kpi_pages
from ..queries.kpi_rankings import RANK_GROUPS
from ..queries.kpi_tickets import FIGURES
from ..queries.kpis import KpiInputError, NotVisible, Period, Scope
from ..scope import actor_for_user
from . import exports
from . import kpi_charts as charts
from .htmx import is_htmx, render_page_or_partial
from .kpi_books import Book, RankingBook, SummaryBook, TicketBook, UnitBook
from .kpi_briefing import briefing_view
from .kpi_metrics import HERO_METRICS, METRIC_GROUPS
from .kpi_sections import TOP_CATEGORIES, scope_arg

bp = Blueprint("kpi", __name__, url_prefix="/kpi")

PLOTLY_VERSION = plotly.__version__
CACHE_YEAR = 365 * 24 * 3600
QUICK_RANGES = (7, 30, 90, 365)
T = TypeVar("T")


def _actor() -> Actor:
    return actor_for_user(current_user._get_current_object())


def _visible(find: Callable[[], T]) -> T:
    """The scope ``find`` resolves, or 404: a scope the reader may not see does not exist."""
    try:
        return find()
    except NotVisible:
        abort(404)


def _int_arg(name: str, maximum: int = MAX_ID) -> int | None:
    try:
        return parse_id(request.args.get(name), name, maximum=maximum)
    except InvalidNumber as exc:
        raise KpiInputError(str(exc)) from None


def _export(book: Book) -> Response | None:
    """The requested table as a download, if ``?export=`` asks for one."""
    fmt = (request.args.get("export") or "").strip().lower()
    if not fmt:
        return None
    if fmt not in exports.FORMATS:
        raise KpiInputError(f"format unduhan tidak dikenal: {fmt!r}; pilih csv atau xlsx")
    return exports.response(book.table((request.args.get("table") or "").strip()), fmt)


def _period_args(period: Period) -> dict[str, str]:
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


def _quick_ranges(now: Any) -> list[tuple[str, dict[str, str]]]:
    today = kpis.wib_day(now)
    return [
        (
            f"{days} hari",
            {"from": (today - timedelta(days=days - 1)).isoformat(), "to": today.isoformat()},
        )
        for days in QUICK_RANGES
    ]


# Names ``url_for`` reads itself (and the unit page's path argument): never passed on.
_NOT_PASSED_ON = frozenset(
    {"export", "table", "page", "endpoint", "unit_id", "_anchor", "_method", "_scheme", "_external"}
)


def _page_args(**extra: Any) -> dict[str, Any]:
    """The current query arguments (minus export/paging), for links that keep them."""
    args = {k: v for k, v in request.args.items() if k not in _NOT_PASSED_ON}
    args.update({k: v for k, v in extra.items() if v is not None})
    return args


@bp.errorhandler(KpiInputError)
def bad_input(exc: KpiInputError) -> Any:
    """A date range, figure, table or scope argument that cannot be used: 400 with the reason."""
    if is_htmx():
        # Into the page's alert slot, like the domain error handler; the fragment stays.
        headers = {"Vary": "HX-Request", "HX-Retarget": "#alerts", "HX-Reswap": "innerHTML"}
        return render_template("errors/409.html", message=str(exc)), 400, headers
    return render_template("kpi/error.html", message=str(exc)), 400


@bp.before_request
def htmx_session_expired() -> Response | None:
    """A summary left open polls after its session ended: send the browser to the log-in
    page instead of swapping the log-in form into the fragment."""
    if is_htmx() and not current_user.is_authenticated:
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url_for("auth.login", next=request.full_path)
        return response
    return None


def _home_url() -> str:
    """Where a reader's KPI link leads: the summary, or an officer's own unit."""
    if current_user.role in (Role.OFFICER, Role.VALIDATOR) and current_user.unit_id:
        # A validator's own page is their body's: its decisions, on time or late.
        return url_for("kpi.unit", unit_id=current_user.unit_id)
    return url_for("kpi.summary")


@bp.record_once
def _template_globals(state: Any) -> None:
    """Globals (not context) so that imported macros see them too."""
    state.app.jinja_env.globals.update(
        kpi_home_url=_home_url,
        kpi_display=fmt.figure,
        kpi_number=fmt.number,
        kpi_period=lambda p: fmt.window(p),
        plotly_version=PLOTLY_VERSION,
    )


@bp.route("/")
@login_required
def summary() -> Response:
    """Executive summary of the province or one kota: headline figures beside the previous
    period, trend, backlog, comparisons, channels, worst-late tickets; htmx polls the fragment."""
    actor, now = _actor(), clock.now()
    period = Period.from_args(request.args, now)
    kota_id = _int_arg("kota")
    reads = _visible(lambda: kpi_pages.summary(actor, kota_id, period, now))
    book = SummaryBook(reads)
    download = _export(book)
    if download is not None:
        return download
    return render_page_or_partial(
        "kpi/summary.html",
        "kpi/_summary.html",
        charts=_summary_charts(book),
        kotas=reads.kotas,
        kota_id=kota_id,
        briefing=briefing_view(reads.briefing, reads.scope, may_open_kota=bool(reads.kotas)),
        cohort_days=cohorts.COHORT_DAYS,
        min_sample=cohorts.MIN_SAMPLE,
        **_area_context(book),
    )


def _area_context(book: SummaryBook) -> dict[str, Any]:
    """What the summary and a unit's page both pass to their template."""
    return {
        "book": book,
        "scope": book.scope,
        "period": book.period,
        "now": book.now,
        "quick_ranges": _quick_ranges(book.now),
        "period_args": _period_args(book.period),
        "page_args": _page_args(),
        "scope_arg": scope_arg(book.scope),
        "hero": HERO_METRICS,
        "groups": METRIC_GROUPS,
        "figures_named": FIGURES,
    }


def _summary_charts(book: SummaryBook) -> dict[str, Any]:
    out = {
        "trend": charts.trend(book.t_trend),
        "backlog": charts.backlog(book.t_backlog),
        "per_kecamatan": charts.rates(book.t_per_kecamatan),
        "per_category": charts.top_categories(book.t_per_category, TOP_CATEGORIES),
        "per_channel": charts.channels(book.t_per_channel, book.figures.response_rate),
    }
    if book.province:
        out["per_kota"] = charts.rates(book.t_per_kota)
    return {name: charts.to_script_json(fig) for name, fig in out.items()}


@bp.route("/unit/<int:unit_id>")
@login_required
def unit(unit_id: int) -> Response:
    """One unit's KPIs (with the units below it): headline figures, trend, its rank and
    score breakdown, categories, channels, backlog, and links to the units below."""
    actor, now = _actor(), clock.now()
    period = Period.from_args(request.args, now)
    reads = _visible(lambda: kpi_pages.unit(actor, unit_id, period, now))
    book = UnitBook(reads)
    download = _export(book)
    if download is not None:
        return download
    return render_page_or_partial(
        "kpi/unit.html",
        "kpi/_unit.html",
        charts={
            "trend": charts.to_script_json(charts.trend(book.t_trend)),
            "backlog": charts.to_script_json(charts.backlog(book.t_backlog)),
        },
        **_area_context(book),
        kind_labels=UNIT_KIND_LABELS,
        min_volume=kpis.RANK_MIN_VOLUME,
    )


@bp.route("/rankings")
@login_required
def rankings() -> Response:
    """League tables of kelurahan, kecamatan or agencies by the published formula (figures
    only: no ticket is listed here, so every staff role may see it)."""
    actor, now = _actor(), clock.now()
    group = (request.args.get("group") or "kelurahan").strip()
    kota_id = _int_arg("kota")
    book = RankingBook(kpi_pages.rankings(actor, group, kota_id, now))
    download = _export(book)
    if download is not None:
        return download
    return render_page_or_partial(
        "kpi/rankings.html",
        "kpi/_rankings.html",
        book=book,
        group=group,
        groups=RANK_GROUPS,
        kotas=book.reads.kotas,
        kota_id=kota_id,
        page_args=_page_args(),
        now=now,
        terms=kpis.RANK_TERMS,
        grades=kpis.QUALITY_SCALE,
    )


@bp.route("/tickets")
@login_required
def tickets() -> Response:
    """The tickets a figure counts, in the reader's ticket scope, 50 a page (no reporter data)."""
    actor, now = _actor(), clock.now()
    period = Period.from_args(request.args, now)
    figure = (request.args.get("figure") or "").strip()
    kpi_pages.figure_label(figure)  # 400 before any query for an unknown figure
    category_id, channel_id = _int_arg("category"), _int_arg("channel")
    reads = _visible(
        lambda: kpi_pages.tickets(
            actor,
            request.args.get("scope") or "province",
            figure,
            period,
            now,
            category_id=category_id,
            channel_id=channel_id,
        )
    )
    book = TicketBook(reads)
    scope = reads.scope
    download = _export(book)
    if download is not None:
        return download
    page = book.page(_int_arg("page", MAX_PAGE) or 1)
    return render_page_or_partial(
        "kpi/tickets.html",
        "kpi/_tickets.html",
        book=book,
        page=page,
        scope=scope,
        period=period,
        figure=figure,
        page_args=_page_args(),
        back_url=_back_url(scope),
    )


def _back_url(scope: Scope) -> str:
    args: dict[str, Any] = {k: request.args[k] for k in ("from", "to") if request.args.get(k)}
    if scope.kind == "unit":
        return url_for("kpi.unit", unit_id=scope.id, **args)
    if scope.kind == "kota":
        return url_for("kpi.summary", kota=scope.id, **args)
    return url_for("kpi.summary", **args)


def plotly_js_path() -> Path:
    return Path(str(importlib.resources.files("plotly") / "package_data" / "plotly.min.js"))


@bp.route("/assets/plotly-<version>.min.js")
def plotly_js(version: str) -> Response:
    """plotly.js from the installed Python package (never a CDN), cached for a year:
    the version in the URL changes when the package does."""
    if version != PLOTLY_VERSION:
        abort(404)
    response = send_file(
        plotly_js_path(), mimetype="text/javascript", max_age=CACHE_YEAR, conditional=True
    )
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
