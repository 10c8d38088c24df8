"""Where a new ticket goes (SOP step 2).

Location-based reports go to the kelurahan of the reported place: the one the
channel names, else the one whose imported boundary polygon contains the
point, else the one whose centre is nearest. Non-location-based reports go
to the agency responsible for the category.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Ring = Sequence[Sequence[float]]  # GeoJSON order: [lon, lat]


@dataclass(frozen=True)
class KelurahanPlace:
    unit_id: int
    name: str
    lat: float
    lon: float
    polygons: tuple[tuple[Ring, ...], ...] = ()  # each polygon: outer ring, then holes


@dataclass(frozen=True)
class Route:
    unit_id: int
    kelurahan_id: int | None
    routed_by: str  # "channel", "polygon", "nearest", "category"


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def _in_ring(lat: float, lon: float, ring: Ring) -> bool:
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def polygon_contains(polygon: Sequence[Ring], lat: float, lon: float) -> bool:
    if not polygon or not _in_ring(lat, lon, polygon[0]):
        return False
    return not any(_in_ring(lat, lon, hole) for hole in polygon[1:])


def polygons_from_geojson_geometry(geometry: dict) -> tuple[tuple[Ring, ...], ...]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        return (tuple(coords),)
    if kind == "MultiPolygon":
        return tuple(tuple(p) for p in coords)
    raise ValueError(f"geometry type {kind!r} is not a Polygon or MultiPolygon")


def locate_kelurahan(
    lat: float, lon: float, places: Iterable[KelurahanPlace]
) -> tuple[KelurahanPlace, str]:
    """The kelurahan containing the point, else the nearest centre."""
    places = list(places)
    if not places:
        raise ValueError("no kelurahan known")
    for place in places:
        if any(polygon_contains(poly, lat, lon) for poly in place.polygons):
            return place, "polygon"
    nearest = min(places, key=lambda p: haversine_m(lat, lon, p.lat, p.lon))
    return nearest, "nearest"


def route(
    *,
    location_based: bool,
    category_agency_id: int,
    lat: float | None,
    lon: float | None,
    named_kelurahan_id: int | None,
    places: Iterable[KelurahanPlace],
) -> Route:
    if not location_based:
        return Route(unit_id=category_agency_id, kelurahan_id=None, routed_by="category")
    if named_kelurahan_id is not None:
        return Route(named_kelurahan_id, named_kelurahan_id, "channel")
    if lat is None or lon is None:
        # A location-based report without a location cannot reach a kelurahan.
        return Route(unit_id=category_agency_id, kelurahan_id=None, routed_by="category")
    place, how = locate_kelurahan(lat, lon, places)
    return Route(place.unit_id, place.unit_id, how)
