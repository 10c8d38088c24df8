"""Maps as JSON: the units' shapes, the choropleths of late and unworked tickets
(a board's, a wall token's, a KPI summary's), and the portal's recent reports.

``static/map.js`` mounts every map from data attributes and fetches these.
Shapes are public (the units' areas are no secret) and cached by browsers;
everything with ticket counts is ``no-store`` and scoped exactly like the
page it sits on: the board by ``BoardScope`` (log-in, or the wall token the
snapshot accepts), the KPI summary by the area the reader may see.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, jsonify, request
from flask.wrappers import Response
from flask_login import current_user
from sqlalchemy import and_

from .. import clock
from ..cache import TTLCache
from ..domain.inputs import InvalidNumber, parse_id
from ..extensions import limiter
from ..queries import board as board_reads
from ..queries import maps as map_reads
from ..queries.kpis import NotVisible, area_scope
from ..scope import actor_for_user, ticket_scope
from .board import requested_scope

bp = Blueprint("maps", __name__, url_prefix="/maps")

SHAPES_MAX_AGE = 3600
CHOROPLETH_SECONDS = 20  # a wall refreshes every minute; many walls share one count
PORTAL_SECONDS = 60
CLASSES = 4  # colour classes above zero
LEVEL_LABELS = {"kota": "Kota", "kecamatan": "Kecamatan", "kelurahan": "Kelurahan"}
METRIC_LABELS = {"late": "Terlambat", "unworked": "Belum dikerjakan"}


@bp.record_once
def _setup(state: Any) -> None:
    """Per-app caches of counted maps, and the template helpers the map partials call."""
    app: Flask = state.app
    app.extensions["map_counts"] = TTLCache(CHOROPLETH_SECONDS)
    app.extensions["map_portal"] = TTLCache(PORTAL_SECONDS)
    # security.py adds this origin to the CSP's img-src (tiles are images).
    app.config["MAP_TILES_ORIGIN"] = tiles_origin(app.config.get("MAP_TILES"))
    app.jinja_env.globals.update(
        map_public_pin=map_reads.public_pin,
        map_tiles=tiles_config,
        map_levels=LEVEL_LABELS,
        map_metrics=METRIC_LABELS,
    )


def tiles_config() -> dict[str, str] | None:
    """The optional tile layer (``PANTAU_MAP_TILES``, a URL template), else None."""
    url = current_app.config.get("MAP_TILES")
    if not url:
        return None
    return {
        "url": str(url),
        "attribution": str(current_app.config.get("MAP_TILES_ATTRIBUTION") or ""),
    }


# A tile server's host as a CSP source may hold: names, a {s} subdomain slot, a port.
_TILE_HOST = re.compile(r"(\{s\}\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?")


def tiles_origin(url: str | None) -> str | None:
    """The scheme and host of a tile URL template, for the CSP's img-src. A value that is
    not an http(s) URL template with a plain host stops the app, naming the setting (it
    would otherwise leave the maps without tiles, or write into the CSP)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not _TILE_HOST.fullmatch(parts.netloc):
        raise ValueError(
            f"PANTAU_MAP_TILES: {url[:200]!r} bukan templat URL http(s) dengan nama host biasa "
            "(contoh: https://tiles.example.go.id/{z}/{x}/{y}.png)"
        )
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


# --- arguments and answers ------------------------------------------------------------


def _bad(message: str) -> Response:
    response = jsonify(error="bad_request", message=message)
    response.status_code = 400
    response.headers["Cache-Control"] = "no-store"
    return response


def _level(default: str) -> str | None:
    level = request.args.get("level") or default
    return level if level in map_reads.LEVELS else None


def _level_and_kota(default: str) -> tuple[str, int | None] | Response:
    """``?level=`` and ``?kota=<id>``, or the 400 naming what is wrong."""
    level = _level(default)
    if level is None:
        return _bad("level harus kota, kecamatan atau kelurahan")
    try:
        return level, parse_id(request.args.get("kota"), "kota")
    except InvalidNumber as exc:
        return _bad(str(exc))


def _json(data: Any, *, private: bool = True) -> Response:
    response = jsonify(data)
    if private:
        response.headers["Cache-Control"] = "no-store"
    return response


def classes(maximum: int) -> list[list[int | None]]:
    """Colour classes [low, high] of counts: 0 alone, then up to four equal steps."""
    out: list[list[int | None]] = [[0, 0]]
    if maximum <= 0:
        return out
    step = max(1, math.ceil(maximum / CLASSES))
    low = 1
    while low <= maximum:
        out.append([low, low + step - 1])
        low += step
    out[-1][1] = None  # the top class is open-ended: "N and more"
    return out


def _counted(key: tuple[Any, ...], where: Any, level: str, kota_id: int | None) -> dict[str, Any]:
    """The choropleth of ``where`` at ``level`` as JSON, briefly cached per scope."""
    now = clock.now()

    def build() -> dict[str, Any]:
        counted, areas = map_reads.choropleth(where, level, kota_id, now)
        features = [
            map_reads.feature(
                a,
                late=counted.by_area[a.id].late,
                unworked=counted.by_area[a.id].unworked,
                open=counted.by_area[a.id].open,
            )
            for a in areas
        ]
        return map_reads.collection(
            features,
            level=level,
            level_label=LEVEL_LABELS[level],
            generated_at=now.isoformat(),
            approximate=any(a.shape.approximate for a in areas),
            totals=vars(counted.total),
            unlocated=vars(counted.unlocated),
            classes={
                m: classes(max((f["properties"][m] for f in features), default=0))
                for m in METRIC_LABELS
            },
            metric_labels=METRIC_LABELS,
        )

    cache: TTLCache[dict[str, Any]] = current_app.extensions["map_counts"]
    return cache.get_or_set((*key, level), build)


# --- shapes (public) ------------------------------------------------------------------


@bp.route("/areas.json")
@limiter.limit(lambda: str(current_app.config["RATE_LIMIT_PUBLIC"]))
def areas() -> Response:
    """The areas of one level (``?level=kota|kecamatan|kelurahan``, ``&kota=<id>``) as GeoJSON."""
    args = _level_and_kota("kelurahan")
    if isinstance(args, Response):
        return args
    level, kota_id = args
    if kota_id is not None and kota_id not in map_reads.kota_ids():
        return _bad("kota tidak dikenal")
    response = _json(map_reads.area_shapes(level, kota_id), private=False)
    response.cache_control.public = True
    response.cache_control.max_age = SHAPES_MAX_AGE
    response.set_etag(map_reads.atlas().fingerprint + level + str(kota_id))
    response.make_conditional(request)  # 304 when the browser's copy is current
    return response


@bp.route("/area/<int:unit_id>.json")
@limiter.limit(lambda: str(current_app.config["RATE_LIMIT_PUBLIC"]))
def area(unit_id: int) -> Response:
    """One kelurahan, kecamatan or kota as a GeoJSON Feature."""
    found = map_reads.atlas().unit(unit_id)
    if found is None:
        abort(404)
    response = _json(map_reads.feature(found), private=False)
    response.cache_control.public = True
    response.cache_control.max_age = SHAPES_MAX_AGE
    return response


# --- choropleths (scoped) -------------------------------------------------------------


def _json_error(status: int, message: str) -> Response:
    response = jsonify(error="not_found" if status == 404 else "unauthorized", message=message)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _map_kota(scope: board_reads.BoardScope) -> int | None:
    """Which kota a board's map covers: its kota, an officer's unit's kota, else all."""
    if scope.kind in ("kota", "validation"):
        return scope.ref_id
    if scope.kind == "unit" and scope.ref_id is not None:
        return map_reads.unit_kota(scope.ref_id)
    return None


@bp.route("/board.json")
def board() -> Response:
    """Late and unworked open tickets per area of the board's scope (``?level=``;
    ``?wall=<token>`` for a wall screen)."""
    level = _level("kota")
    if level is None:
        return _bad("level harus kota, kecamatan atau kelurahan")
    scope = requested_scope("peta")  # the snapshot's rule (views/board.py)
    if isinstance(scope, Response):
        return scope
    kota_id = _map_kota(scope)
    data = _counted(("board", scope.key), scope.where(), level, kota_id)
    response = _json(data)
    if request.args.get("wall") is not None:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/kpi.json")
def kpi() -> Response:
    """The KPI summary's choropleth: the province or the one kota the reader may see
    (``?kota=<id>``), counted through the reader's own ticket scope."""
    if not current_user.is_authenticated:
        return _json_error(401, "Silakan masuk untuk membuka peta.")
    args = _level_and_kota("kecamatan")
    if isinstance(args, Response):
        return args
    level, kota_arg = args
    actor = actor_for_user(current_user._get_current_object())
    try:
        area_ = area_scope(actor, kota_arg)
    except NotVisible:
        abort(404)
    key = ("kpi", actor.role, actor.kota_id, actor.unit_id, area_.id)
    where = and_(ticket_scope(actor), area_.ticket_filter())
    return _json(_counted(key, where, level, area_.id))


# --- the portal (public) --------------------------------------------------------------


@bp.route("/portal.json")
@limiter.limit(lambda: str(current_app.config["RATE_LIMIT_PUBLIC"]))
def portal() -> Response:
    """Recent reports for the portal's map: points of non-rahasia reports, rounded;
    rahasia reports only as counts per kelurahan."""
    cache: TTLCache[dict[str, Any]] = current_app.extensions["map_portal"]
    data = cache.get_or_set("portal", lambda: map_reads.portal_reports(clock.now()))
    response = _json(data, private=False)
    response.cache_control.public = True
    response.cache_control.max_age = PORTAL_SECONDS
    return response
