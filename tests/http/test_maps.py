"""Maps over HTTP: the units' shapes, choropleths scoped like their pages (board, wall
token, KPI summary), and public maps that never carry a rahasia report's point."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from dashboard.services.boundaries import import_boundaries
from tests.conftest import T0, make_app
from tests.factories import later
from tests.http.helpers import (
    AT_SENAYAN,
    Town,
    add_ticket,
    client_as,
    complete_ticket,
    make_town,
    tracking_of,
)

NOW = later(T0, hours=1)
# A rahasia report's point with digits found nowhere else in the test town.
SECRET = {"lat": -6.19917, "lon": 106.86183}  # in Utan Kayu Utara
SECRET_DIGITS = ("6.1991", "6.1992", "106.8618", "106.8619")
OPEN_POINT = {"lat": -6.20734, "lon": 106.85946}  # in Palmeriam, a "biasa" report


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class Places:
    town: Town
    secret: int  # rahasia, Utan Kayu Utara (Jakarta Timur)
    open: int  # biasa (public), Palmeriam (Jakarta Timur)
    senayan: int  # rahasia, Senayan (Jakarta Selatan)


def seed(app: Flask) -> Places:
    town = make_town(app)
    public_reporter = {"name": "Budi", "phone": "0812000111", "confidential": False}
    return Places(
        town=town,
        secret=add_ticket(app, **SECRET),
        open=add_ticket(app, **OPEN_POINT, reporter=public_reporter),
        senayan=add_ticket(app, **AT_SENAYAN),
    )


@pytest.fixture
def places(app: Flask) -> Places:
    return seed(app)


@pytest.fixture
def places_sqlite(sqlite_app: Flask) -> Places:
    return seed(sqlite_app)


def names(collection: dict) -> set[str]:
    return {f["properties"]["name"] for f in collection["features"]}


def counted(client: FlaskClient, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


# --- shapes ---------------------------------------------------------------------------


def test_kota_shapes_are_the_groups_of_their_kelurahan_and_marked_approximate(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    client = sqlite_app.test_client()
    response = client.get("/maps/areas.json?level=kota")
    assert response.status_code == 200
    data = response.get_json()
    assert names(data) == {"Jakarta Timur", "Jakarta Selatan"}
    assert data["approximate"] is True
    assert all(f["properties"]["approximate"] for f in data["features"])
    # Shapes are the same for everyone: cacheable, revalidated by their ETag.
    assert response.cache_control.public and response.headers.get("ETag")
    again = client.get(
        "/maps/areas.json?level=kota", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    kelurahan = client.get(f"/maps/areas.json?level=kelurahan&kota={places_sqlite.town['JKT-TIM']}")
    assert names(kelurahan.get_json()) == {"Kelurahan Utan Kayu Utara", "Kelurahan Palmeriam"}


@pytest.mark.parametrize(
    "query", ["level=provinsi", "level=kota&kota=abc", "level=kota&kota=999999", "level=kota%20"]
)
def test_bad_shape_arguments_are_a_400(
    places_sqlite: Places, sqlite_app: Flask, query: str
) -> None:
    response = sqlite_app.test_client().get(f"/maps/areas.json?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


def test_an_imported_boundary_replaces_the_approximate_cell_at_once(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    client = sqlite_app.test_client()
    before = client.get("/maps/areas.json?level=kelurahan").get_json()
    square = [
        [106.79, -6.235],
        [106.81, -6.235],
        [106.81, -6.22],
        [106.79, -6.22],
        [106.79, -6.235],
    ]
    with sqlite_app.app_context():
        report = import_boundaries(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Senayan"},
                        "geometry": {"type": "Polygon", "coordinates": [square]},
                    }
                ],
            }
        )
    assert report.matched == 1
    after = client.get("/maps/areas.json?level=kelurahan").get_json()
    senayan = next(f for f in after["features"] if f["properties"]["name"] == "Kelurahan Senayan")
    assert senayan["properties"]["approximate"] is False
    assert senayan["geometry"]["coordinates"] == [square]
    assert after["approximate"] is True  # the other two are still cells
    assert before != after
    one = client.get(f"/maps/area/{places_sqlite.town['KEL-SENAYAN']}.json").get_json()
    assert one["geometry"]["coordinates"] == [square]
    missing = client.get("/maps/area/999999.json")
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "not_found"  # a JSON endpoint refuses in JSON


# --- choropleths: scoped like their pages ------------------------------------------------


def test_the_board_map_needs_a_login_or_a_wall_token(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    client = sqlite_app.test_client()
    assert client.get("/maps/board.json").status_code == 401
    assert client.get("/maps/board.json?wall=pw_nope").status_code == 404
    assert client.get("/maps/kpi.json").status_code == 401


def test_the_mro_board_map_counts_every_open_ticket_per_kota(places: Places, app: Flask) -> None:
    data = counted(client_as(app, "mro"), "/maps/board.json?level=kota")
    by_name = {f["properties"]["name"]: f["properties"] for f in data["features"]}
    assert by_name["Jakarta Timur"]["open"] == 2 and by_name["Jakarta Selatan"]["open"] == 1
    # An hour after receipt: nothing is late yet, nobody has acted on any of them.
    assert data["totals"] == {"open": 3, "late": 0, "unworked": 3}


def test_tickets_past_their_response_deadline_are_late_on_the_map(
    places: Places, app: Flask
) -> None:
    client = client_as(app, "mro")
    with time_machine.travel(later(T0, hours=7), tick=False):
        data = counted(client, "/maps/board.json?level=kecamatan")
    by_name = {f["properties"]["name"]: f["properties"] for f in data["features"]}
    assert by_name["Kecamatan Matraman"]["late"] == 2
    assert by_name["Kecamatan Kebayoran Baru"]["late"] == 1
    assert data["classes"]["late"][0] == [0, 0] and data["classes"]["late"][-1][1] is None


@pytest.mark.parametrize("username", ["exec_tim", "validator_tim", "officer_a"])
def test_a_kota_a_user_gets_nothing_of_kota_b_on_the_board_map(
    places: Places, app: Flask, username: str
) -> None:
    client = client_as(app, username)
    for level in ("kota", "kecamatan", "kelurahan"):
        body = client.get(f"/maps/board.json?level={level}").get_data(as_text=True)
        assert "Selatan" not in body and "Senayan" not in body and "Kebayoran" not in body


def test_a_kota_executive_cannot_widen_the_board_map_to_another_kota(
    places: Places, app: Flask
) -> None:
    # As on /board: only province viewers narrow; a walikota keeps their own kota's map.
    own = client_as(app, "exec_tim").get("/maps/board.json?kota=JKT-SEL&level=kelurahan")
    assert own.status_code == 200
    assert "Senayan" not in own.get_data(as_text=True) and names(own.get_json())
    narrowed = counted(client_as(app, "mro"), "/maps/board.json?kota=JKT-SEL&level=kelurahan")
    assert names(narrowed) == {"Kelurahan Senayan"}
    assert narrowed["totals"]["open"] == 1


def test_a_kota_wall_token_map_shows_only_that_kota(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    admin = client_as(sqlite_app, "admin")
    response = admin.post(
        "/board/tokens",
        data={
            "action": "issue",
            "label": "Layar Selatan",
            "kota_id": str(places_sqlite.town["JKT-SEL"]),
        },
    )
    token = re.search(r'value="http://pantau\.test/wall/([^"]+)"', response.get_data(as_text=True))
    assert token
    kiosk = sqlite_app.test_client()
    data = counted(kiosk, f"/maps/board.json?wall={token.group(1)}&level=kelurahan")
    assert names(data) == {"Kelurahan Senayan"}
    assert data["totals"]["open"] == 1
    assert "Timur" not in json.dumps(data)
    # The wall page itself mounts the map on the same token.
    page = kiosk.get(f"/wall/{token.group(1)}").get_data(as_text=True)
    assert 'data-map="choropleth"' in page and f"wall={token.group(1)}" in page
    assert 'data-refresh="60"' in page  # it refreshes itself every minute


def test_the_kpi_map_follows_the_summary_scope(places: Places, app: Flask) -> None:
    exec_tim = client_as(app, "exec_tim")
    data = counted(exec_tim, "/maps/kpi.json?level=kelurahan")
    assert names(data) == {"Kelurahan Utan Kayu Utara", "Kelurahan Palmeriam"}
    assert data["totals"]["open"] == 2
    assert exec_tim.get(f"/maps/kpi.json?kota={places.town['JKT-SEL']}").status_code == 404
    governor = counted(client_as(app, "exec_prov"), f"/maps/kpi.json?kota={places.town['JKT-SEL']}")
    assert governor["totals"]["open"] == 1 and names(governor) == {"Kecamatan Kebayoran Baru"}
    # Officers have no area summary, so no area map either.
    assert client_as(app, "officer_a").get("/maps/kpi.json").status_code == 404


@pytest.mark.parametrize("query", ["level=negara", "kota=x1", "kota=-3"])
def test_bad_choropleth_arguments_are_a_400(
    places_sqlite: Places, sqlite_app: Flask, query: str
) -> None:
    client = client_as(sqlite_app, "exec_prov")
    assert client.get(f"/maps/kpi.json?{query}").status_code == 400
    if query.startswith("level"):
        assert client_as(sqlite_app, "mro").get(f"/maps/board.json?{query}").status_code == 400


# --- public maps: the rahasia point never leaves the server -----------------------------


def test_a_rahasia_tracking_page_shows_the_kelurahan_and_never_the_point(
    places: Places, app: Flask
) -> None:
    client = app.test_client()
    html = client.get(f"/t/{tracking_of(app, places.secret)}").get_data(as_text=True)
    assert 'data-map="area"' in html and "data-lat" not in html
    assert f'data-area-id="{places.town["KEL-UTAN-KAYU-UTARA"]}"' in html
    area = client.get(f"/maps/area/{places.town['KEL-UTAN-KAYU-UTARA']}.json").get_data(
        as_text=True
    )
    for text in (html, area):
        assert not any(digits in text for digits in SECRET_DIGITS)


def test_a_biasa_tracking_page_shows_its_rounded_point(places: Places, app: Flask) -> None:
    html = app.test_client().get(f"/t/{tracking_of(app, places.open)}").get_data(as_text=True)
    assert 'data-map="pin"' in html
    assert 'data-lat="-6.2073"' in html and 'data-lon="106.8595"' in html


def test_the_portal_map_carries_no_rahasia_point_or_tracking_number(
    places: Places, app: Flask
) -> None:
    response = app.test_client().get("/maps/portal.json")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    data = response.get_json()
    assert [p["tracking"] for p in data["points"]] == [tracking_of(app, places.open)]
    assert data["points"][0]["at"] == [-6.2073, 106.8595]
    assert (
        tracking_of(app, places.secret) not in body and tracking_of(app, places.senayan) not in body
    )
    assert not any(digits in body for digits in SECRET_DIGITS)
    counts = {
        f["properties"]["name"]: f["properties"]["confidential"]
        for f in data["confidential"]["features"]
    }
    assert counts == {"Kelurahan Utan Kayu Utara": 1, "Kelurahan Senayan": 1}
    assert {k["name"]: (k["points"], k["confidential"]) for k in data["kotas"]} == {
        "Jakarta Timur": (1, 1),
        "Jakarta Selatan": (0, 1),
    }
    portal = app.test_client().get("/portal/").get_data(as_text=True)
    assert 'data-map="portal"' in portal


def test_staff_pages_mount_their_maps(places_sqlite: Places, sqlite_app: Flask) -> None:
    mro = client_as(sqlite_app, "mro")
    ticket = mro.get(f"/tickets/{places_sqlite.secret}").get_data(as_text=True)
    assert 'data-map="pin"' in ticket and 'data-lat="-6.19917"' in ticket  # staff see the point
    new = mro.get("/tickets/new").get_data(as_text=True)
    assert 'data-map="picker"' in new and 'data-lat-input="lat"' in new and 'id="lat"' in new
    kpi = client_as(sqlite_app, "exec_prov").get("/kpi/").get_data(as_text=True)
    assert 'data-map="choropleth"' in kpi and "/maps/kpi.json" in kpi
    complete_ticket(sqlite_app, places_sqlite.secret)
    review = client_as(sqlite_app, "validator_tim").get(f"/validation/{places_sqlite.secret}")
    assert review.status_code == 200
    assert 'data-map="pin"' in review.get_data(as_text=True)
    board = mro.get("/board").get_data(as_text=True)
    assert 'data-map="choropleth"' in board and "/maps/board.json" in board


# --- tiles: off by default, allowed in the CSP only when configured ----------------------


def test_no_tile_host_is_allowed_or_named_by_default(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    response = sqlite_app.test_client().get(f"/t/{tracking_of(sqlite_app, places_sqlite.open)}")
    assert "img-src 'self' data: blob:;" in response.headers["Content-Security-Policy"]
    assert "data-tiles-url" not in response.get_data(as_text=True)
    assert "geolocation=(self)" in response.headers["Permissions-Policy"]


def test_a_configured_tile_layer_is_allowed_in_img_src(tmp_path: object) -> None:
    tiles = "https://tiles.example.go.id/{z}/{x}/{y}.png"
    for app in make_app("sqlite", tmp_path, {"MAP_TILES": tiles}):
        places = seed(app)
        response = app.test_client().get(f"/t/{tracking_of(app, places.open)}")
        csp = response.headers["Content-Security-Policy"]
        assert "img-src 'self' data: blob: https://tiles.example.go.id;" in csp
        assert "script-src 'self';" in csp
        assert f'data-tiles-url="{tiles}"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "tiles",
    [
        "ftp://tiles.example.go.id/{z}/{x}/{y}.png",
        "https://tiles.example.go.id;script-src *;/{z}/{x}/{y}.png",
        "https:///{z}/{x}/{y}.png",
        "tiles.example.go.id/{z}/{x}/{y}.png",
    ],
)
def test_a_tile_setting_that_is_not_a_plain_url_stops_the_app(tmp_path: object, tiles: str) -> None:
    with pytest.raises(ValueError, match="PANTAU_MAP_TILES"):
        for _app in make_app("sqlite", tmp_path, {"MAP_TILES": tiles}):
            pass


def test_a_tile_host_with_a_subdomain_slot_and_port_becomes_a_wildcard_source() -> None:
    from dashboard.views.maps import tiles_origin

    assert tiles_origin("https://{s}.tile.example.id:8443/{z}/{x}/{y}.png") == (
        "https://*.tile.example.id:8443"
    )
    assert tiles_origin(None) is None and tiles_origin("") is None
