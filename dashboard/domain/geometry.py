"""Map geometry without a tile server: the units' shapes as GeoJSON.

A kelurahan is drawn by its imported boundary (``flask units import-boundaries``)
when there is one. Otherwise it gets an *approximate* cell around its centre:
the part of the plane nearer to its centre than to any other kelurahan centre
(a Voronoi cell), cut to the map's bounding box and to a disc of ``radius_km``
around the centre, so a lone island or a coastal kelurahan does not swallow
the sea. A kecamatan and a kota are the union of their kelurahan: shared edges
cancel, the outline remains (``dissolve``).

Everything here is plain Python on (lon, lat) pairs in GeoJSON order; cells
are computed in a local flat projection in kilometres (good to a few metres
across Jakarta) and rounded to 5 decimals (about 1 m), which also makes
the vertices two neighbouring cells share exactly equal.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

LonLat = tuple[float, float]
Ring = list[LonLat]  # closed: first == last
Polygon = list[Ring]  # outer ring (counter-clockwise), then holes (clockwise)

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQUATOR = 111.320
DECIMALS = 5
DEFAULT_RADIUS_KM = 2.5
ARC_STEP = math.radians(12)  # an approximate cell's rounded edge: a vertex every 12 degrees


@dataclass(frozen=True)
class Site:
    """A kelurahan centre."""

    unit_id: int
    lon: float
    lat: float


@dataclass(frozen=True)
class Shape:
    """One unit's geometry: a GeoJSON Polygon/MultiPolygon, and whether it is approximate."""

    unit_id: int
    geometry: dict[str, Any]
    approximate: bool


# --- the flat projection ---------------------------------------------------------------


@dataclass(frozen=True)
class _Projection:
    lat0: float

    @property
    def kx(self) -> float:
        return KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(self.lat0))

    def to_xy(self, lon: float, lat: float) -> tuple[float, float]:
        return lon * self.kx, lat * KM_PER_DEG_LAT

    def to_lonlat(self, x: float, y: float) -> LonLat:
        return round(x / self.kx, DECIMALS), round(y / KM_PER_DEG_LAT, DECIMALS)


XY = tuple[float, float]


def _clip_half_plane(poly: list[XY], a: XY, b: XY) -> list[XY]:
    """The part of convex ``poly`` nearer to ``a`` than to ``b`` (Sutherland-Hodgman)."""
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    nx, ny = b[0] - a[0], b[1] - a[1]

    def side(p: XY) -> float:  # <= 0: on a's side
        return (p[0] - mx) * nx + (p[1] - my) * ny

    out: list[XY] = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        sp, sq = side(p), side(q)
        if sp <= 0:
            out.append(p)
        if (sp < 0 < sq) or (sq < 0 < sp):
            t = sp / (sp - sq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def _arc(c: XY, r: float, start: float, end: float) -> list[XY]:
    """Points strictly between angles ``start`` and ``end``, counter-clockwise."""
    delta = (end - start) % (2 * math.pi)
    steps = max(1, math.ceil(delta / ARC_STEP))
    return [
        (
            c[0] + r * math.cos(start + delta * k / steps),
            c[1] + r * math.sin(start + delta * k / steps),
        )
        for k in range(1, steps)
    ]


def _crossings(p: XY, q: XY, c: XY, r: float) -> tuple[float, float] | None:
    """Parameters t1 <= t2 where the line p + t (q - p) meets the circle, if it does."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    fx, fy = p[0] - c[0], p[1] - c[1]
    a = dx * dx + dy * dy
    b = 2 * (fx * dx + fy * dy)
    cc = fx * fx + fy * fy - r * r
    disc = b * b - 4 * a * cc
    if a == 0 or disc <= 0:
        return None
    root = math.sqrt(disc)
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


def _clip_disc(poly: list[XY], c: XY, r: float) -> list[XY]:
    """Convex ``poly`` (containing ``c``, counter-clockwise) cut to the disc of radius ``r``.

    Walking the ring, each edge contributes its start when inside, the point
    where it enters the circle and the point where it leaves; between a leaving
    point and the next entering one the circle's own arc is the edge.
    """

    def inside(p: XY) -> bool:
        return math.hypot(p[0] - c[0], p[1] - c[1]) <= r

    if all(inside(p) for p in poly):
        return poly
    items: list[tuple[XY, str]] = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        p_in = inside(p)
        if p_in:
            items.append((p, "vertex"))
        ts = _crossings(p, q, c, r)
        if ts is None:
            continue
        for t, tag in ((ts[0], "entry"), (ts[1], "exit")):
            if 0 < t < 1 and (tag == "exit" or not p_in):
                items.append(((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])), tag))
    if not items:  # the disc lies wholly inside the polygon
        steps = math.ceil(2 * math.pi / ARC_STEP)
        return [
            (
                c[0] + r * math.cos(2 * math.pi * k / steps),
                c[1] + r * math.sin(2 * math.pi * k / steps),
            )
            for k in range(steps)
        ]
    out: list[XY] = []
    for k, (pt, tag) in enumerate(items):
        out.append(pt)
        if tag == "exit":
            nxt = items[(k + 1) % len(items)][0]
            start = math.atan2(pt[1] - c[1], pt[0] - c[0])
            out.extend(_arc(c, r, start, math.atan2(nxt[1] - c[1], nxt[0] - c[0])))
    return out


def voronoi_cells(
    sites: Sequence[Site],
    bbox: tuple[float, float, float, float],
    *,
    radius_km: float = DEFAULT_RADIUS_KM,
) -> dict[int, Ring]:
    """Each site's approximate cell (a closed ring, counter-clockwise), by unit id.

    ``bbox`` is (min_lon, min_lat, max_lon, max_lat). Sites sharing a position
    get the same cell.
    """
    if not sites:
        return {}
    proj = _Projection(sum(s.lat for s in sites) / len(sites))
    points = [proj.to_xy(s.lon, s.lat) for s in sites]
    x0, y0 = proj.to_xy(bbox[0], bbox[1])
    x1, y1 = proj.to_xy(bbox[2], bbox[3])
    box: list[XY] = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    cells: dict[int, Ring] = {}
    for i, site in enumerate(sites):
        here = points[i]
        others = sorted(
            (math.hypot(p[0] - here[0], p[1] - here[1]), j) for j, p in enumerate(points) if j != i
        )
        poly = box
        for dist, j in others:
            if dist == 0:
                continue
            reach = max(math.hypot(p[0] - here[0], p[1] - here[1]) for p in poly)
            if dist / 2 > min(reach, radius_km):
                break  # no farther site can cut this cell any more
            poly = _clip_half_plane(poly, here, points[j])
            if not poly:
                break
        if len(poly) >= 3 and _inside_convex(poly, here):
            poly = _clip_disc(poly, here, radius_km)
        if len(poly) < 3:
            continue
        ring = [proj.to_lonlat(x, y) for x, y in poly]
        ring = _without_repeats(ring)
        if len(ring) >= 3:
            cells[site.unit_id] = [*ring, ring[0]]
    return cells


def _inside_convex(poly: list[XY], p: XY) -> bool:
    n = len(poly)
    for i in range(n):
        a, b = poly[i], poly[(i + 1) % n]
        if (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) < -1e-9:
            return False
    return True


def _without_repeats(ring: list[LonLat]) -> list[LonLat]:
    out: list[LonLat] = []
    for p in ring:
        if not out or out[-1] != p:
            out.append(p)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


# --- shapes and their unions -----------------------------------------------------------


def signed_area(ring: Sequence[Sequence[float]]) -> float:
    """The shoelace area of a closed ring in square degrees; positive when counter-clockwise."""
    total = 0.0
    for i in range(len(ring) - 1):
        total += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
    return total / 2


def polygons_of(geometry: dict[str, Any]) -> list[Polygon]:
    """A Polygon/MultiPolygon geometry as a list of polygons of (lon, lat) tuples."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    raw = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    out: list[Polygon] = []
    for poly in raw:
        rings: Polygon = []
        for ring in poly:
            pts = [(round(float(p[0]), DECIMALS), round(float(p[1]), DECIMALS)) for p in ring]
            if len(pts) >= 4:
                rings.append(pts)
        if rings:
            out.append(rings)
    return out


def _oriented(polygon: Polygon) -> Polygon:
    """Outer ring counter-clockwise, holes clockwise (RFC 7946)."""
    out: Polygon = []
    for k, ring in enumerate(polygon):
        ccw = signed_area(ring) > 0
        out.append(ring if ccw == (k == 0) else list(reversed(ring)))
    return out


def geometry_of(polygons: list[Polygon]) -> dict[str, Any]:
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": [[list(p) for p in r] for r in polygons[0]]}
    return {
        "type": "MultiPolygon",
        "coordinates": [[[list(p) for p in r] for r in poly] for poly in polygons],
    }


def _point_in_ring(p: LonLat, ring: Ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        (xi, yi), (xj, yj) = ring[i], ring[j]
        if (yi > p[1]) != (yj > p[1]) and p[0] < (xj - xi) * (p[1] - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def dissolve(members: Iterable[list[Polygon]]) -> list[Polygon]:
    """The union of polygons that meet along shared edges (the group's outline).

    Edges two members share run in opposite directions and cancel; the rest
    are chained into rings. Where the edges do not chain up (members that
    overlap, or edges that meet only partly), the members are returned as
    they are: a MultiPolygon draws the same area, with inner lines.
    """
    polygons = [_oriented(p) for m in members for p in m]
    edges: dict[tuple[LonLat, LonLat], int] = defaultdict(int)
    for poly in polygons:
        for ring in poly:
            for a, b in zip(ring, ring[1:], strict=False):
                if a != b:
                    edges[(a, b)] += 1
    for a, b in list(edges):
        if edges.get((a, b), 0) > 0 and edges.get((b, a), 0) > 0:
            n = min(edges[(a, b)], edges[(b, a)])
            edges[(a, b)] -= n
            edges[(b, a)] -= n
    outgoing: dict[LonLat, list[LonLat]] = defaultdict(list)
    for (a, b), n in edges.items():
        outgoing[a].extend([b] * n)
    rings: list[Ring] = []
    while any(outgoing.values()):
        start = next(a for a, bs in outgoing.items() if bs)
        ring = [start]
        at = start
        while True:
            if not outgoing[at]:
                return polygons  # does not close: keep the members
            at = outgoing[at].pop()
            ring.append(at)
            if at == start:
                break
            if len(ring) > len(edges) + 1:
                return polygons
        rings.append(ring)
    outers = [r for r in rings if signed_area(r) > 0]
    holes = [r for r in rings if signed_area(r) <= 0]
    if not outers:
        return polygons
    result: list[Polygon] = [[r] for r in outers]
    for hole in holes:
        owner = next((p for p in result if _point_in_ring(hole[0], p[0])), None)
        if owner is None:
            return polygons
        owner.append(hole)
    return result


def kelurahan_shapes(
    sites: Sequence[Site],
    boundaries: dict[int, dict[str, Any]],
    bbox: tuple[float, float, float, float],
    *,
    radius_km: float = DEFAULT_RADIUS_KM,
) -> dict[int, Shape]:
    """Every kelurahan's shape: its imported boundary, else its approximate cell."""
    cells = voronoi_cells(sites, bbox, radius_km=radius_km)
    shapes: dict[int, Shape] = {}
    for uid, geometry in boundaries.items():
        polygons = polygons_of(geometry)
        if polygons:
            shapes[uid] = Shape(uid, geometry_of([_oriented(p) for p in polygons]), False)
    for uid, ring in cells.items():
        if uid not in shapes:
            shapes[uid] = Shape(
                uid, {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}, True
            )
    return shapes


def group_shape(unit_id: int, members: Sequence[Shape]) -> Shape | None:
    """A kecamatan or kota: the union of its kelurahan; approximate if any of them is."""
    if not members:
        return None
    polygons = dissolve(polygons_of(m.geometry) for m in members)
    return Shape(unit_id, geometry_of(polygons), any(m.approximate for m in members))


def centroid(geometry: dict[str, Any]) -> tuple[float, float] | None:
    """(lon, lat) of the centroid of the geometry's largest polygon (its outer ring)."""
    rings = [poly[0] for poly in polygons_of(geometry)]
    if not rings:
        return None
    ring = max(rings, key=lambda r: abs(signed_area(r)))
    area = signed_area(ring)
    if area == 0:
        return ring[0]
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return cx / (6 * area), cy / (6 * area)


def bounds(geometries: Iterable[dict[str, Any]]) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) over the geometries' outer rings."""
    xs: list[float] = []
    ys: list[float] = []
    for g in geometries:
        for poly in polygons_of(g):
            xs.extend(p[0] for p in poly[0])
            ys.extend(p[1] for p in poly[0])
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)
