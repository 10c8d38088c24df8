"""The public transparency portal (no log-in), in Indonesian or English.

``/portal/`` shows the province's figures for the last 30 days and the year so
far — the KPI pages' own numbers (``queries.kpis`` through ``queries.portal``) —
with comparisons per kota, category and channel and a trend chart; that part is
rendered once per language, period and day and kept ``PORTAL_CACHE_SECONDS`` in
each process. ``/portal/laporan`` lists recent tickets (public view only),
filtered by GET arguments; htmx swaps just the list. ``/portal/cari`` finds a
ticket by its tracking number and sends the visitor to its tracking page.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask.wrappers import Response
from flask_babel import gettext as _
from markupsafe import Markup

from .. import clock
from .. import formatting as fmt
from ..cache import TTLCache
from ..domain import kpis, progress
from ..domain.inputs import FIRST_DAY, LAST_DAY, InvalidNumber, parse_id
from ..domain.tracking import parse_tracking
from ..extensions import limiter
from ..i18n import current_language
from ..queries import portal as portal_reads
from ..queries import tickets as ticket_reads
from ..queries.kpis import Period
from . import portal_charts as charts
from .htmx import is_htmx

bp = Blueprint("portal", __name__, url_prefix="/portal")

PERIODS = ("30", "year")
FILTER_ARGS = ("kota", "kecamatan", "kategori", "status", "dari", "sampai")
LATEST_ON_LANDING = 6


def _public_limit() -> str:
    return str(current_app.config["RATE_LIMIT_PUBLIC"])


def _search_limit() -> str:
    return str(current_app.config["RATE_LIMIT_SEARCH"])


@bp.record_once
def _setup(state: Any) -> None:
    """One figures cache per app (so each test app has its own), and template helpers."""
    app = state.app
    app.extensions["portal_cache"] = TTLCache(float(app.config["PORTAL_CACHE_SECONDS"]))
    app.jinja_env.globals.update(
        portal_fmt=display,
        portal_stage_label=stage_label,
        portal_grade=grade_text,
    )


def figures_cache() -> TTLCache[Markup]:
    cache: TTLCache[Markup] = current_app.extensions["portal_cache"]
    return cache


# --- Display in the visitor's language --------------------------------------------------


def display(value: Any, kind: str) -> str:
    """A figure as text in the visitor's language (the KPI pages' text in Indonesian)."""
    return fmt.figure(value, kind, current_language())


def stage_label(stage: str) -> str:
    """The stage's words (domain.progress, shared with the tracking page)."""
    return progress.stage_label(stage, current_language())


def grade_text(figures: kpis.Figures) -> str | None:
    """'B (Baik)' / 'B (Good)': the Skala Mutu grade of the mean rating."""
    g = figures.rating_grade
    if g is None:
        return None
    labels = {
        "A": _("Sangat Baik"),
        "B": _("Baik"),
        "C": _("Kurang Baik"),
        "D": _("Tidak Baik"),
    }
    return f"{g.letter} ({labels.get(g.letter, g.label)})"


def _period_text(period: Period) -> str:
    return fmt.window(period, current_language())


# --- Input ------------------------------------------------------------------------------


class BadFilter(ValueError):
    """A filter value the list cannot use; the message says which and why."""


def _id_arg(name: str, label: str, allowed: dict[int, str]) -> int | None:
    raw = (request.args.get(name) or "").strip()
    try:
        number = parse_id(raw, name)
    except InvalidNumber:
        number = 0
    if number is not None and number not in allowed:
        raise BadFilter(_("%(what)s tidak dikenal: %(value)s", what=label, value=raw[:40]))
    return number


def _date_arg(name: str, label: str) -> date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadFilter(
            _("%(what)s tidak valid: %(value)s (pakai YYYY-MM-DD)", what=label, value=raw)
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        # Far dates would overflow the WIB-to-UTC arithmetic; no report is that old or new.
        raise BadFilter(
            _(
                "%(what)s di luar rentang: %(value)s (antara %(first)s dan %(last)s)",
                what=label,
                value=raw,
                first=FIRST_DAY.isoformat(),
                last=LAST_DAY.isoformat(),
            )
        )
    return day


def parse_filters(options: portal_reads.Options) -> portal_reads.ListFilters:
    """The list's GET arguments, checked; BadFilter names the first wrong one."""
    kotas = {k.id: k.name for k in options.kotas}
    kecamatans = {k.id: k.name for k in options.kecamatans}
    kota_id = _id_arg("kota", _("Kota"), kotas)
    kecamatan_id = _id_arg("kecamatan", _("Kecamatan"), kecamatans)
    if kota_id is not None and kecamatan_id is not None:
        kec_kota = next(k.kota_id for k in options.kecamatans if k.id == kecamatan_id)
        if kec_kota != kota_id:
            raise BadFilter(
                _(
                    "Kecamatan %(kecamatan)s tidak berada di %(kota)s.",
                    kecamatan=kecamatans[kecamatan_id],
                    kota=kotas[kota_id],
                )
            )
    category = (request.args.get("kategori") or "").strip() or None
    if category is not None and category not in {code for code, _n in options.categories}:
        raise BadFilter(_("%(what)s tidak dikenal: %(value)s", what=_("Kategori"), value=category))
    stage = (request.args.get("status") or "").strip() or None
    if stage is not None and stage not in portal_reads.STAGES:
        raise BadFilter(_("%(what)s tidak dikenal: %(value)s", what=_("Status"), value=stage))
    start = _date_arg("dari", _("Tanggal awal"))
    end = _date_arg("sampai", _("Tanggal akhir"))
    if start is not None and end is not None and start > end:
        raise BadFilter(_("Tanggal awal harus sebelum atau sama dengan tanggal akhir."))
    raw_page = (request.args.get("halaman") or "1").strip()
    try:
        page = parse_id(raw_page, "halaman", maximum=100_000) or 0
    except InvalidNumber:
        page = 0
    if not page:
        raise BadFilter(
            _("%(what)s tidak valid: %(value)s", what=_("Halaman"), value=raw_page[:40])
        )
    return portal_reads.ListFilters(kota_id, kecamatan_id, category, stage, start, end, page)


# --- Pages ------------------------------------------------------------------------------


def _figures_fragment(now: datetime, which: str) -> Markup:
    """The figures part of the landing page, from the cache while fresh."""
    lang = current_language()
    key = (lang, which, kpis.wib_day(now).isoformat())

    def build() -> Markup:
        data = portal_reads.landing(now, which)
        return Markup(
            render_template(
                "portal/_figures.html",
                data=data,
                which=which,
                period_text=_period_text,
                charts={
                    "trend": charts.to_script_json(charts.trend(data.trend, lang)),
                    "categories": charts.to_script_json(charts.categories(data.categories, lang)),
                    "channels": charts.to_script_json(charts.channels(data.channels, lang)),
                },
            )
        )

    return figures_cache().get_or_set(key, build)


def _message_page(template: str, status: int, **context: Any) -> Response:
    response = make_response(render_template(template, **context), status)
    response.headers["Vary"] = "HX-Request, Cookie"
    return response


@bp.route("/")
@limiter.limit(_public_limit)
def index() -> Response:
    """The landing page: the province's figures, comparisons, trend and the newest reports."""
    which = (request.args.get("periode") or "30").strip()
    if which not in PERIODS:
        return _message_page(
            "portal/index.html",
            400,
            error=_("Periode tidak dikenal: %(value)s (pilih 30 atau year)", value=which),
            figures=None,
            which="30",
            latest=None,
        )
    latest = portal_reads.latest(LATEST_ON_LANDING)
    return _message_page(
        "portal/index.html",
        200,
        figures=_figures_fragment(clock.now(), which),
        which=which,
        latest=latest,
        error=None,
    )


@bp.route("/laporan")
@limiter.limit(_public_limit)
def tickets() -> Response:
    """Recent reports, filtered (kota, kecamatan, category, stage, dates) and paginated;
    htmx swaps the list alone. A wrong filter value: 400 with the reason."""
    reads = portal_reads.ticket_list()
    options = reads.options
    error: str | None = None
    try:
        filters = parse_filters(options)
        page: portal_reads.ListPage | None = reads.page(filters)
    except BadFilter as exc:
        filters, page, error = portal_reads.ListFilters(), None, str(exc)
    # The filters to keep in paging links (only these: url_for reads some names itself).
    args = {k: request.args[k] for k in FILTER_ARGS if request.args.get(k)}
    context = dict(
        page=page,
        filters=filters,
        options=options,
        error=error,
        args=args,
        stages=portal_reads.STAGES,
        max_listed=portal_reads.MAX_LISTED,
    )
    template = "portal/_tickets.html" if is_htmx() else "portal/tickets.html"
    return _message_page(template, 400 if error else 200, **context)


@bp.route("/cari")
@limiter.limit(_search_limit)
def search() -> Response:
    """Find a report by its tracking number: to its tracking page, or say what is wrong."""
    raw = (request.args.get("nomor") or "").strip()
    if not raw:
        return _message_page("portal/search.html", 200, query="", error=None)
    tracking = parse_tracking(raw)
    if tracking is None:
        error = _(
            "“%(value)s” bukan nomor laporan. Nomor laporan berbentuk JKT-2611-7K3QXM.",
            value=raw[:40],
        )
        return _message_page("portal/search.html", 400, query=raw, error=error)
    if ticket_reads.by_tracking(tracking) is None:
        error = _(
            "Laporan %(tracking)s tidak ditemukan. Periksa kembali nomornya.", tracking=tracking
        )
        return _message_page("portal/search.html", 404, query=raw, error=error)
    return redirect(url_for("public.ticket", tracking=tracking), 303)  # type: ignore[return-value]
