"""Read side of the maps: the units' shapes, and what each map counts or pins.

Shapes (``domain.geometry``) are computed once per process from the units
table and kept until the table's geometry changes: the cache key is a
fingerprint of every kelurahan's centre and imported boundary (its length),
so an import in another process is seen on the next request without any
signal. Counts are read through the one scope rule (``scope.ticket_scope``,
via ``BoardScope.where()`` for boards) and the lateness rules of
``domain.sla`` — the same ones the board's counters use (``live.js``
``derive()``): *late* = the unit still owes the work and the response
deadline passed without a response or the completion deadline passed;
*unworked* = the unit owes the work and has not acted on the current clock.

Public maps never carry a *rahasia* (confidential) report's point: the
point is not selected for them at all; such a report is shown as its
kelurahan only. Other public points are rounded to 4 decimals (about 11 m).
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, cast, func, select

from ..cache import TTLCache
from ..domain import geometry, sla
from ..domain.workflow import Confidentiality, Status
from ..extensions import db
from ..models import Category, Ticket, Unit
from ..models.reference import unit_display_name
from ..reference.areas import JAKARTA_BBOX
from .tickets import public_stage

LEVELS = ("kota", "kecamatan", "kelurahan")
KOTA_KINDS = ("kota", "kabupaten")
PUBLIC_DECIMALS = 4
PORTAL_DAYS = 30
PORTAL_MAX_POINTS = 2_000
# (min_lon, min_lat, max_lon, max_lat): the cells' outer limit.
MAP_BBOX = (JAKARTA_BBOX[1], JAKARTA_BBOX[0], JAKARTA_BBOX[3], JAKARTA_BBOX[2])


# --- the units' shapes ------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """One unit on a map: its shape, where its label goes, and its place above."""

    id: int
    name: str
    kind: str
    kota_id: int | None
    parent_id: int | None
    shape: geometry.Shape
    label_at: tuple[float, float]  # (lat, lon)
    # In the kabupaten (Kepulauan Seribu): islands 20-80 km out at sea. Maps frame
    # the mainland and name these in their text instead of shrinking everything.
    inset: bool = False

    @property
    def display_name(self) -> str:
        return unit_display_name(self.name, self.kind)


@dataclass(frozen=True)
class Atlas:
    """Every kota, kecamatan and kelurahan with a shape, by level, and the kelurahan's parents."""

    fingerprint: str
    levels: dict[str, dict[int, Area]]
    kecamatan_of: dict[int, int]  # kelurahan id -> kecamatan id
    kota_of: dict[int, int]  # kelurahan id -> kota id

    def unit(self, unit_id: int) -> Area | None:
        for areas in self.levels.values():
            if unit_id in areas:
                return areas[unit_id]
        return None

    def areas(self, level: str, kota_id: int | None = None) -> list[Area]:
        found = self.levels[level].values()
        return [a for a in found if kota_id is None or a.kota_id == kota_id or a.id == kota_id]

    @property
    def approximate(self) -> bool:
        return any(a.shape.approximate for a in self.levels["kelurahan"].values())


_atlas_lock = threading.Lock()
_atlases: dict[tuple[str, str], Atlas] = {}


def _fingerprint() -> str:
    rows = db.session.execute(
        select(
            Unit.id,
            Unit.kind,
            Unit.parent_id,
            Unit.kota_id,
            Unit.lat,
            Unit.lon,
            func.length(cast(Unit.boundary, String)),
        )
        .where(Unit.kind.in_(("kelurahan", "kecamatan", *KOTA_KINDS)))
        .order_by(Unit.id)
    ).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


# The fingerprint reads every unit's centre and the length of its boundary text: a few
# hundred rows and megabytes once real boundaries are imported. Every map request asks
# for the atlas, so the fingerprint is read at most every GEOMETRY_CHECK_SECONDS per
# database; an import in this process forgets it at once (forget_geometry), one in
# another process is seen within that time.
GEOMETRY_CHECK_SECONDS = 30
_fingerprints: TTLCache[str] = TTLCache(GEOMETRY_CHECK_SECONDS)


def forget_geometry() -> None:
    """The units' shapes changed (services.boundaries): read them again on the next map."""
    _fingerprints.clear()


def atlas() -> Atlas:
    """The shapes of every area, computed once per change of the units' geometry."""
    engine = db.engine.url.render_as_string()
    fingerprint = _fingerprints.get_or_set(engine, _fingerprint)
    key = (engine, fingerprint)
    with _atlas_lock:
        found = _atlases.get(key)
        if found is None:
            found = _build_atlas(fingerprint)
            if len(_atlases) > 8:
                _atlases.clear()
            _atlases[key] = found
        return found


def _build_atlas(fingerprint: str) -> Atlas:
    rows = db.session.execute(
        select(
            Unit.id, Unit.name, Unit.kind, Unit.parent_id, Unit.kota_id, Unit.lat, Unit.lon
        ).where(Unit.kind.in_(("kelurahan", "kecamatan", *KOTA_KINDS)))
    ).all()
    boundaries = {
        uid: b
        for uid, b in db.session.execute(
            select(Unit.id, Unit.boundary).where(
                Unit.kind == "kelurahan", Unit.boundary.is_not(None)
            )
        )
        if isinstance(b, dict)
    }
    kelurahan = [r for r in rows if r.kind == "kelurahan"]
    sites = [geometry.Site(r.id, r.lon, r.lat) for r in kelurahan if r.lat is not None]
    shapes = geometry.kelurahan_shapes(sites, boundaries, MAP_BBOX)
    by_id = {r.id: r for r in rows}
    kecamatan_of = {r.id: r.parent_id for r in kelurahan if r.parent_id in by_id}
    kota_of = {r.id: r.kota_id for r in kelurahan if r.kota_id is not None}
    members: dict[int, list[geometry.Shape]] = defaultdict(list)
    for kel_id, shape in shapes.items():
        for group in (kecamatan_of.get(kel_id), kota_of.get(kel_id)):
            if group is not None:
                members[group].append(shape)
    levels: dict[str, dict[int, Area]] = {level: {} for level in LEVELS}
    islands = {r.id for r in rows if r.kind == "kabupaten"}
    for r in rows:
        level = "kota" if r.kind in KOTA_KINDS else r.kind
        drawn = (
            shapes.get(r.id) if r.kind == "kelurahan" else geometry.group_shape(r.id, members[r.id])
        )
        if drawn is None:
            continue
        label_at = _label_point(r.lat, r.lon, drawn, r.kind)
        inset = r.id in islands or r.kota_id in islands
        levels[level][r.id] = Area(
            r.id, r.name, r.kind, r.kota_id, r.parent_id, drawn, label_at, inset
        )
    return Atlas(fingerprint, levels, kecamatan_of, kota_of)


def _label_point(
    lat: float | None, lon: float | None, shape: geometry.Shape, kind: str
) -> tuple[float, float]:
    """Where a label goes: a kelurahan's centre; a group's (or a shape's) centroid."""
    if kind == "kelurahan" and lat is not None and lon is not None:
        return (lat, lon)
    found = geometry.centroid(shape.geometry)
    if found is not None:
        return (round(found[1], geometry.DECIMALS), round(found[0], geometry.DECIMALS))
    return (lat or 0.0, lon or 0.0)


def feature(area: Area, **properties: Any) -> dict[str, Any]:
    """One area as a GeoJSON Feature (its id, names, kind, approximate flag, label point)."""
    return {
        "type": "Feature",
        "id": area.id,
        "geometry": area.shape.geometry,
        "properties": {
            "id": area.id,
            "name": area.display_name,
            # On the map itself: "Timur" for Jakarta Timur, the bare kecamatan name.
            "short": area.name.removeprefix("Jakarta "),
            "kind": area.kind,
            "kota_id": area.kota_id,
            "approximate": area.shape.approximate,
            "inset": area.inset,
            "label": [area.label_at[0], area.label_at[1]],
            **properties,
        },
    }


def collection(features: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features, **extra}


def area_shapes(level: str, kota_id: int | None = None) -> dict[str, Any]:
    """Every area of ``level`` (in one kota, or all) as a FeatureCollection."""
    a = atlas()
    features = [feature(x) for x in sorted(a.areas(level, kota_id), key=lambda x: x.name)]
    return collection(
        features, level=level, approximate=any(x.shape.approximate for x in a.areas(level, kota_id))
    )


def kota_ids() -> set[int]:
    return set(atlas().levels["kota"])


def unit_kota(unit_id: int) -> int | None:
    """The kota a unit belongs to (None for province-level units)."""
    return db.session.scalar(select(Unit.kota_id).where(Unit.id == unit_id))


# --- the choropleth: late and unworked open tickets per area ----------------------------


@dataclass
class Marks:
    open: int = 0
    late: int = 0
    unworked: int = 0

    def add(self, late: bool, unworked: bool) -> None:
        self.open += 1
        self.late += int(late)
        self.unworked += int(unworked)


def marks_of(c: sla.Clocks, now: datetime) -> tuple[bool, bool]:
    """(late, unworked) for one open ticket: the board's counters' rule."""
    owes = sla.owes_work(c)
    unworked = owes and c.clock_stopped_at is None
    late_response = owes and c.first_response_at is None and sla.fallen_due(c.response_due_at, now)
    late_completion = owes and sla.fallen_due(sla.effective_completion_due(c), now)
    return (late_response or late_completion, unworked)


@dataclass
class Choropleth:
    level: str
    kota_id: int | None
    now: datetime
    by_area: dict[int, Marks] = field(default_factory=dict)
    total: Marks = field(default_factory=Marks)
    # Counted but not on this map: no kelurahan (and, at kota level, no kota), or
    # located outside the map's area (a kota desk's ticket reported in another kota).
    unlocated: Marks = field(default_factory=Marks)


def choropleth(
    where: ColumnElement[bool], level: str, kota_id: int | None, now: datetime
) -> tuple[Choropleth, list[Area]]:
    """Open tickets matching ``where`` counted per area of ``level`` (in ``kota_id``, or all)."""
    if level not in LEVELS:
        raise ValueError(level)
    a = atlas()
    areas = a.areas(level, kota_id)
    wanted = {x.id for x in areas}
    rows = db.session.execute(
        select(
            Ticket.kelurahan_id,
            Ticket.kota_id,
            Ticket.status,
            Ticket.assigned_unit_id,
            Ticket.received_at,
            Ticket.response_due_at,
            Ticket.first_response_at,
            Ticket.clock_started_at,
            Ticket.clock_stopped_at,
            Ticket.completion_due_at,
            Ticket.redo_due_at,
            Ticket.reopen_confirmed,
        ).where(Ticket.is_open_clause(), where)
    ).all()
    result = Choropleth(level, kota_id, now, {x: Marks() for x in wanted})
    for r in rows:
        clocks = sla.Clocks(
            status=Status(r.status),
            assigned_unit_id=r.assigned_unit_id,
            received_at=r.received_at,
            response_due_at=r.response_due_at,
            first_response_at=r.first_response_at,
            clock_started_at=r.clock_started_at,
            clock_stopped_at=r.clock_stopped_at,
            completion_due_at=r.completion_due_at,
            redo_due_at=r.redo_due_at,
            reopen_confirmed=bool(r.reopen_confirmed),
        )
        late, unworked = marks_of(clocks, now)
        result.total.add(late, unworked)
        key = _area_key(a, level, r.kelurahan_id, r.kota_id)
        target = result.by_area.get(key) if key is not None else None
        (target if target is not None else result.unlocated).add(late, unworked)
    return result, sorted(areas, key=lambda x: x.name)


def _area_key(a: Atlas, level: str, kelurahan_id: int | None, kota_id: int | None) -> int | None:
    if level == "kota":
        return a.kota_of.get(kelurahan_id, kota_id) if kelurahan_id else kota_id
    if kelurahan_id is None:
        return None
    return kelurahan_id if level == "kelurahan" else a.kecamatan_of.get(kelurahan_id)


# --- public maps: the tracking page and the portal --------------------------------------


def point_is_public(confidentiality: str) -> bool:
    """May a report's point appear on a public page? Never for *rahasia* reports."""
    return Confidentiality(confidentiality) is not Confidentiality.CONFIDENTIAL


def _public_point(lat: float | None, lon: float | None) -> list[float] | None:
    if lat is None or lon is None:
        return None
    return [round(lat, PUBLIC_DECIMALS), round(lon, PUBLIC_DECIMALS)]


@dataclass(frozen=True)
class PublicPin:
    """What the tracking page's map shows: a rounded point, or only the kelurahan."""

    kelurahan_id: int | None
    kelurahan_name: str | None
    point: list[float] | None  # [lat, lon]; None for rahasia reports
    confidential: bool


def public_pin(tracking: str) -> PublicPin | None:
    """The tracking page's map. A rahasia report's point is not even selected."""
    row = db.session.execute(
        select(Ticket.kelurahan_id, Ticket.confidentiality, Unit.name)
        .outerjoin(Unit, Unit.id == Ticket.kelurahan_id)
        .where(Ticket.tracking == tracking)
    ).first()
    if row is None:
        return None
    name = f"Kelurahan {row.name}" if row.name else None
    if not point_is_public(row.confidentiality):
        return PublicPin(row.kelurahan_id, name, None, True)
    lat, lon = db.session.execute(
        select(Ticket.lat, Ticket.lon).where(Ticket.tracking == tracking)
    ).one()
    return PublicPin(row.kelurahan_id, name, _public_point(lat, lon), False)


def _portal_reads(now: datetime) -> tuple[datetime, list[Any], list[Any], int]:
    """The newest reports of the window: (since, non-rahasia points, rahasia counts per
    kelurahan, how many could not be placed). Rahasia reports' points are not selected."""
    since = now - timedelta(days=PORTAL_DAYS)
    base = (
        select(Ticket.id)
        .where(Ticket.received_at >= since)
        .order_by(Ticket.received_at.desc(), Ticket.id.desc())
        .limit(PORTAL_MAX_POINTS)
        .subquery()
    )
    confidential = Ticket.confidentiality == Confidentiality.CONFIDENTIAL.value
    public = db.session.execute(
        select(
            Ticket.tracking,
            Ticket.lat,
            Ticket.lon,
            Ticket.status,
            Ticket.reopen_confirmed,
            Ticket.kota_id,
            Category.name.label("category"),
        )
        .join(base, base.c.id == Ticket.id)
        .join(Category, Category.id == Ticket.category_id)
        .where(~confidential, Ticket.lat.is_not(None), Ticket.lon.is_not(None))
    ).all()
    hidden = db.session.execute(
        select(Ticket.kelurahan_id, func.count())
        .join(base, base.c.id == Ticket.id)
        .where(confidential, Ticket.kelurahan_id.is_not(None))
        .group_by(Ticket.kelurahan_id)
    ).all()
    unplaced = db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .join(base, base.c.id == Ticket.id)
        .where(
            (~confidential & (Ticket.lat.is_(None) | Ticket.lon.is_(None)))
            | (confidential & Ticket.kelurahan_id.is_(None))
        )
    )
    return since, list(public), list(hidden), int(unplaced or 0)


def portal_reports(now: datetime) -> dict[str, Any]:
    """Recent reports for the portal's map: rounded points of non-rahasia reports
    (category, stage, tracking number), and rahasia ones counted per kelurahan."""
    since, public, hidden, unplaced = _portal_reads(now)
    a = atlas()
    points = [
        {
            "at": _public_point(r.lat, r.lon),
            "tracking": r.tracking,
            "category": r.category,
            "stage": public_stage(Status(r.status), bool(r.reopen_confirmed)),
        }
        for r in public
    ]
    per_kota: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for r in public:
        per_kota[r.kota_id][0] += 1
    areas = []
    for kel_id, n in hidden:
        per_kota[a.kota_of.get(kel_id)][1] += n
        area = a.levels["kelurahan"].get(kel_id)
        if area is not None:
            areas.append(feature(area, confidential=n))
    kotas = sorted(a.levels["kota"].values(), key=lambda k: (k.kind == "kabupaten", k.name))
    return {
        "since": since.isoformat(),
        "days": PORTAL_DAYS,
        "points": points,
        "confidential": collection(areas),
        "unplaced": unplaced,
        "kotas": [
            {"name": k.display_name, "points": per_kota[k.id][0], "confidential": per_kota[k.id][1]}
            for k in kotas
        ],
    }
