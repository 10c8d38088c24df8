"""Map geometry without a database: approximate cells, imported boundaries, unions."""

from __future__ import annotations

import math

from dashboard.domain import geometry as g
from dashboard.domain.routing import polygon_contains
from dashboard.reference.areas import JAKARTA_BBOX, jakarta_areas

BBOX = (JAKARTA_BBOX[1], JAKARTA_BBOX[0], JAKARTA_BBOX[3], JAKARTA_BBOX[2])  # lon/lat order


def _jakarta_sites() -> tuple[list[g.Site], dict[str, list[int]]]:
    sites, by_kota, uid = [], {}, 0
    for kota in jakarta_areas():
        for kec in kota.kecamatan:
            for kel in kec.kelurahan:
                uid += 1
                sites.append(g.Site(uid, kel.lon, kel.lat))
                by_kota.setdefault(kota.name, []).append(uid)
    return sites, by_kota


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dx = (a[0] - b[0]) * g.KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(a[1]))
    return math.hypot(dx, (a[1] - b[1]) * g.KM_PER_DEG_LAT)


def test_every_kelurahan_centre_lies_in_its_own_approximate_cell() -> None:
    sites, _ = _jakarta_sites()
    shapes = g.kelurahan_shapes(sites, {}, BBOX)
    assert len(shapes) == len(sites) == 267
    for site in sites:
        shape = shapes[site.unit_id]
        assert shape.approximate
        assert polygon_contains(shape.geometry["coordinates"], site.lat, site.lon)


def test_approximate_cells_do_not_reach_beyond_the_radius() -> None:
    sites = [g.Site(1, 106.60, -5.70)]  # a lone island: no neighbour cuts it
    ring = g.voronoi_cells(sites, BBOX, radius_km=2.0)[1]
    distances = [_km((lon, lat), (106.60, -5.70)) for lon, lat in ring]
    assert max(distances) <= 2.001
    assert min(distances) >= 1.99  # a disc: every vertex on the circle
    assert ring[0] == ring[-1] and g.signed_area(ring) > 0  # closed, counter-clockwise


def test_neighbouring_cells_split_the_space_between_their_centres() -> None:
    a, b = g.Site(1, 106.80, -6.20), g.Site(2, 106.82, -6.20)
    cells = g.voronoi_cells([a, b], BBOX, radius_km=3.0)
    west, east = cells[1], cells[2]
    assert max(lon for lon, _ in west) <= 106.81 + 1e-6
    assert min(lon for lon, _ in east) >= 106.81 - 1e-6
    # The shared edge's ends are the very same points in both cells.
    shared = set(west) & set(east)
    assert len(shared) == 2 and all(abs(lon - 106.81) < 1e-6 for lon, _ in shared)


def test_imported_boundary_is_used_and_not_approximate() -> None:
    sites = [g.Site(1, 106.80, -6.20), g.Site(2, 106.82, -6.20)]
    square = {
        "type": "Polygon",
        "coordinates": [
            [[106.79, -6.21], [106.805, -6.21], [106.805, -6.19], [106.79, -6.19], [106.79, -6.21]]
        ],
    }
    shapes = g.kelurahan_shapes(sites, {1: square}, BBOX)
    assert shapes[1].approximate is False
    assert shapes[1].geometry["coordinates"][0][1] == [106.805, -6.21]
    assert shapes[2].approximate is True


def test_clockwise_boundary_is_turned_counter_clockwise() -> None:
    cw = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}
    shapes = g.kelurahan_shapes([], {5: cw}, BBOX)
    assert g.signed_area(shapes[5].geometry["coordinates"][0]) > 0


def test_a_group_of_adjacent_cells_dissolves_into_one_outline() -> None:
    sites = [g.Site(i, 106.80 + 0.01 * (i % 3), -6.20 + 0.01 * (i // 3)) for i in range(9)]
    shapes = g.kelurahan_shapes(sites, {}, BBOX, radius_km=5.0)
    group = g.group_shape(100, list(shapes.values()))
    assert group is not None and group.approximate
    assert group.geometry["type"] == "Polygon"
    assert len(group.geometry["coordinates"]) == 1  # no holes, no inner lines
    # The centre kelurahan's own vertices are all inside: none is on the outline.
    outline = {tuple(p) for p in group.geometry["coordinates"][0]}
    inner = shapes[4].geometry["coordinates"][0]
    assert not outline & {tuple(p) for p in inner}


def test_every_jakarta_kota_is_drawn_and_contains_its_centres() -> None:
    sites, by_kota = _jakarta_sites()
    shapes = g.kelurahan_shapes(sites, {}, BBOX)
    by_id = {s.unit_id: s for s in sites}
    for ids in by_kota.values():
        group = g.group_shape(0, [shapes[i] for i in ids])
        assert group is not None
        polys = g.polygons_of(group.geometry)
        for i in ids:
            s = by_id[i]
            assert any(polygon_contains(p, s.lat, s.lon) for p in polys)


def test_group_with_an_imported_member_keeps_the_approximate_flag_of_the_rest() -> None:
    imported = g.Shape(
        1, {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}, False
    )
    approx = g.Shape(
        2, {"type": "Polygon", "coordinates": [[[2, 0], [3, 0], [3, 1], [2, 0]]]}, True
    )
    assert g.group_shape(9, [imported]).approximate is False  # type: ignore[union-attr]
    both = g.group_shape(9, [imported, approx])
    assert both is not None and both.approximate
    assert both.geometry["type"] == "MultiPolygon"  # apart: two polygons


def test_no_sites_no_cells() -> None:
    assert g.voronoi_cells([], BBOX) == {}
    assert g.group_shape(1, []) is None
    assert g.bounds([]) is None
