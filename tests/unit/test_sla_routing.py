"""Clocks, routing and tracking numbers, without a database."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.domain import routing, sla
from dashboard.domain.tracking import ALPHABET, make_tracking

T = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("weight", "days"), [(1, 7), (2, 14), (3, 21)])
def test_completion_deadline_is_seven_days_times_the_weight_factor(weight: int, days: int) -> None:
    assert sla.completion_due(T, weight) == T + timedelta(days=days)


def test_unknown_weight_is_refused() -> None:
    with pytest.raises(ValueError, match="bobot"):
        sla.completion_due(T, 4)


def test_response_deadline_uses_the_category_hours() -> None:
    assert sla.response_due(T, 6) == T + timedelta(hours=6)


@pytest.mark.parametrize(
    ("age", "level"),
    [
        (timedelta(hours=23, minutes=59), 0),
        (timedelta(hours=24), 1),
        (timedelta(hours=47, minutes=59), 1),
        (timedelta(hours=48), 2),
    ],
)
def test_unworked_levels_at_their_exact_boundaries(age: timedelta, level: int) -> None:
    assert sla.unworked_level(T, T + age) == level


def test_margin_is_positive_when_early_and_negative_when_late() -> None:
    due = T + timedelta(hours=6)
    assert sla.margin_minutes(due, T + timedelta(hours=5)) == 60
    assert sla.margin_minutes(due, due) == 0
    assert sla.margin_minutes(due, T + timedelta(hours=6, minutes=30)) == -30


SQUARE = [[[106.80, -6.30], [106.90, -6.30], [106.90, -6.20], [106.80, -6.20], [106.80, -6.30]]]
HOLE = [[106.84, -6.26], [106.86, -6.26], [106.86, -6.24], [106.84, -6.24], [106.84, -6.26]]


def test_point_in_polygon_respects_holes() -> None:
    assert routing.polygon_contains(SQUARE, -6.25, 106.82)
    assert not routing.polygon_contains(SQUARE, -6.35, 106.82)
    assert not routing.polygon_contains([SQUARE[0], HOLE], -6.25, 106.85)


def places() -> list[routing.KelurahanPlace]:
    return [
        routing.KelurahanPlace(1, "A", -6.21, 106.81, (tuple(SQUARE),)),
        routing.KelurahanPlace(2, "B", -6.25, 106.95),
    ]


def test_location_report_goes_to_the_kelurahan_whose_polygon_contains_it() -> None:
    # Nearer B's centre, but inside A's boundary: the boundary wins.
    r = routing.route(
        location_based=True,
        category_agency_id=99,
        lat=-6.25,
        lon=106.89,
        named_kelurahan_id=None,
        places=places(),
    )
    assert (r.unit_id, r.routed_by) == (1, "polygon")


def test_without_a_containing_polygon_the_nearest_centre_wins() -> None:
    r = routing.route(
        location_based=True,
        category_agency_id=99,
        lat=-6.26,
        lon=106.96,
        named_kelurahan_id=None,
        places=places(),
    )
    assert (r.unit_id, r.routed_by) == (2, "nearest")


def test_the_kelurahan_named_by_the_channel_wins() -> None:
    r = routing.route(
        location_based=True,
        category_agency_id=99,
        lat=-6.25,
        lon=106.89,
        named_kelurahan_id=2,
        places=places(),
    )
    assert (r.unit_id, r.routed_by) == (2, "channel")


def test_non_location_report_goes_to_the_category_agency() -> None:
    r = routing.route(
        location_based=False,
        category_agency_id=99,
        lat=-6.25,
        lon=106.89,
        named_kelurahan_id=None,
        places=places(),
    )
    assert (r.unit_id, r.kelurahan_id, r.routed_by) == (99, None, "category")


def test_multipolygon_geometry_is_read() -> None:
    geom = {"type": "MultiPolygon", "coordinates": [SQUARE, [HOLE]]}
    assert len(routing.polygons_from_geojson_geometry(geom)) == 2
    with pytest.raises(ValueError):
        routing.polygons_from_geojson_geometry({"type": "Point", "coordinates": [1, 2]})


def test_haversine_distance_of_a_known_pair() -> None:
    # Monas to Bundaran HI is about 2.3 km.
    assert 2000 < routing.haversine_m(-6.1754, 106.8272, -6.1950, 106.8230) < 2500


def test_tracking_numbers_are_readable_and_reproducible_from_a_seed() -> None:
    a = make_tracking(T, random.Random(1))
    assert a == make_tracking(T, random.Random(1))
    assert a.startswith("JKT-2611-") and len(a) == 15
    assert set(a[-6:]) <= set(ALPHABET) and not set("ILOU") & set(a[-6:])


@pytest.mark.parametrize(
    ("score", "letter"),
    [
        (100, "A"),
        (88.31, "A"),
        (88.30, "B"),
        (76.61, "B"),
        (76.60, "C"),
        (65.0, "C"),
        (64.99, "D"),
        (25, "D"),
    ],
)
def test_quality_scale_grades_at_its_published_floors(score: float, letter: str) -> None:
    from dashboard.domain.kpis import grade

    assert grade(score).letter == letter


def test_jakarta_2019_satisfaction_converts_to_the_published_scales() -> None:
    from dashboard.domain.kpis import rating_to_scale4, rating_to_scale100

    # DESIGN.md: 3.09 / 4 ≈ 77.23 / 100 (from the unrounded mean); 3.09 × 25 = 77.25.
    mean = 1 + (3.09 - 1) / 0.75
    assert round(rating_to_scale4(mean), 2) == 3.09
    assert round(rating_to_scale100(mean), 2) == 77.25
