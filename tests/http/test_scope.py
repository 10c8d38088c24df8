"""Scope isolation over HTTP: try every door to a ticket outside one's scope.

A ticket outside the scope does not exist for that person: lists, counts,
search, detail pages, partials, photos and actions all answer as if it were
not there (404), and nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Photo
from tests.conftest import T0
from tests.factories import later
from tests.http.helpers import (
    AT_PALMERIAM,
    AT_SENAYAN,
    AT_UTAN_KAYU,
    HTMX,
    Town,
    add_ticket,
    client_as,
    make_town,
    photo_b64,
    snapshot,
    tracking_of,
)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(later(T0, hours=1), tick=False):
        yield


@dataclass
class Seen:
    """One ticket per place: two kelurahan of JKT-TIM, one of JKT-SEL, one province-level."""

    town: Town
    utan_kayu: int
    palmeriam: int
    senayan: int
    pungli: int  # pungutan liar in Utan Kayu: Inspektorat handles it


def seed(app: Flask) -> Seen:
    town = make_town(app)
    return Seen(
        town=town,
        utan_kayu=add_ticket(app, **AT_UTAN_KAYU, photos=[photo_b64()]),
        palmeriam=add_ticket(app, **AT_PALMERIAM),
        senayan=add_ticket(app, **AT_SENAYAN),
        pungli=add_ticket(app, **AT_UTAN_KAYU, category="pungutan-liar"),
    )


@pytest.fixture
def seen(app: Flask) -> Seen:
    return seed(app)


@pytest.fixture
def seen_sqlite(sqlite_app: Flask) -> Seen:
    """For checks that never reach a ticket query (log-in redirects)."""
    return seed(sqlite_app)


def listed(client: FlaskClient, app: Flask, ticket_id: int, **params: str) -> bool:
    response = client.get("/tickets", query_string=params)
    assert response.status_code == 200
    return tracking_of(app, ticket_id) in response.get_data(as_text=True)


def report_photo_id(app: Flask, ticket_id: int) -> int:
    with app.app_context():
        return db.session.scalars(select(Photo.id).where(Photo.ticket_id == ticket_id)).one()


# --- one kelurahan against another ------------------------------------------------


def test_kelurahan_officer_does_not_see_another_kelurahans_ticket_in_the_list(
    app: Flask, seen: Seen
) -> None:
    officer_b = client_as(app, "officer_b")

    assert listed(officer_b, app, seen.palmeriam)
    assert not listed(officer_b, app, seen.utan_kayu)


def test_kelurahan_officer_list_counts_only_their_own_tickets(app: Flask, seen: Seen) -> None:
    officer_b = client_as(app, "officer_b")

    html = officer_b.get("/tickets").get_data(as_text=True)

    assert "1 tiket · halaman 1 dari 1" in html


def test_kelurahan_officer_gets_404_for_another_kelurahans_ticket_by_url(
    app: Flask, seen: Seen
) -> None:
    officer_b = client_as(app, "officer_b")

    response = officer_b.get(f"/tickets/{seen.utan_kayu}")

    assert response.status_code == 404
    assert tracking_of(app, seen.utan_kayu) not in response.get_data(as_text=True)


def test_kelurahan_officer_gets_404_for_another_kelurahans_ticket_partial(
    app: Flask, seen: Seen
) -> None:
    officer_b = client_as(app, "officer_b")

    response = officer_b.get(f"/tickets/{seen.utan_kayu}", headers=HTMX)

    assert response.status_code == 404
    assert tracking_of(app, seen.utan_kayu) not in response.get_data(as_text=True)


def test_kelurahan_officer_list_partial_leaves_out_another_kelurahans_ticket(
    app: Flask, seen: Seen
) -> None:
    officer_b = client_as(app, "officer_b")

    html = officer_b.get("/tickets", headers=HTMX).get_data(as_text=True)

    assert tracking_of(app, seen.palmeriam) in html
    assert tracking_of(app, seen.utan_kayu) not in html


def test_kelurahan_officer_cannot_find_another_kelurahans_ticket_by_tracking_number(
    app: Flask, seen: Seen
) -> None:
    officer_b = client_as(app, "officer_b")
    tracking = tracking_of(app, seen.utan_kayu)

    page = officer_b.get("/tickets", query_string={"q": tracking}).get_data(as_text=True)
    partial = officer_b.get("/tickets", query_string={"q": tracking}, headers=HTMX)

    assert f'href="/tickets/{seen.utan_kayu}"' not in page
    assert tracking not in partial.get_data(as_text=True)  # the search box is not in it
    assert "Tidak ada tiket" in partial.get_data(as_text=True)


def test_kelurahan_officer_gets_404_for_another_kelurahans_photo(app: Flask, seen: Seen) -> None:
    photo_id = report_photo_id(app, seen.utan_kayu)
    assert client_as(app, "officer_a").get(f"/photos/{photo_id}").status_code == 200

    response = client_as(app, "officer_b").get(f"/photos/{photo_id}")

    assert response.status_code == 404
    assert response.mimetype == "text/html"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["form", "htmx"])
def test_kelurahan_officer_cannot_act_on_another_kelurahans_ticket(
    app: Flask, seen: Seen, headers: dict
) -> None:
    before = snapshot(app, seen.utan_kayu)
    officer_b = client_as(app, "officer_b")

    response = officer_b.post(
        f"/tickets/{seen.utan_kayu}/start", data={"version": before.version}, headers=headers
    )

    assert response.status_code == 404
    assert snapshot(app, seen.utan_kayu) == before


# --- one kota against another; province-level tickets ---------------------------------


def test_kota_executive_does_not_see_another_kotas_ticket(app: Flask, seen: Seen) -> None:
    exec_tim = client_as(app, "exec_tim")

    assert listed(exec_tim, app, seen.utan_kayu)
    assert not listed(exec_tim, app, seen.senayan)
    assert exec_tim.get(f"/tickets/{seen.senayan}").status_code == 404
    assert exec_tim.get(f"/tickets/{seen.senayan}", headers=HTMX).status_code == 404


def test_kota_validator_does_not_see_another_kotas_ticket(app: Flask, seen: Seen) -> None:
    validator_tim = client_as(app, "validator_tim")

    assert listed(validator_tim, app, seen.utan_kayu)
    assert not listed(validator_tim, app, seen.senayan)
    assert validator_tim.get(f"/tickets/{seen.senayan}").status_code == 404


def test_kota_validator_does_not_see_a_province_level_ticket_in_their_kota(
    app: Flask, seen: Seen
) -> None:
    validator_tim = client_as(app, "validator_tim")

    assert not listed(validator_tim, app, seen.pungli)
    assert validator_tim.get(f"/tickets/{seen.pungli}").status_code == 404
    assert validator_tim.get(f"/tickets/{seen.pungli}", headers=HTMX).status_code == 404


def test_kota_validator_cannot_act_on_another_kotas_ticket(app: Flask, seen: Seen) -> None:
    before = snapshot(app, seen.senayan)
    validator_tim = client_as(app, "validator_tim")

    response = validator_tim.post(
        f"/tickets/{seen.senayan}/verify", data={"version": before.version}, headers=HTMX
    )

    assert response.status_code == 404
    assert snapshot(app, seen.senayan) == before


# --- scope that follows the workflow ---------------------------------------------------


def test_officer_sees_a_ticket_once_their_unit_is_added_as_supporting_unit(
    app: Flask, seen: Seen
) -> None:
    officer_b = client_as(app, "officer_b")
    assert officer_b.get(f"/tickets/{seen.utan_kayu}").status_code == 404

    response = client_as(app, "officer_a").post(
        f"/tickets/{seen.utan_kayu}/coordinate",
        data={
            "unit_ids": [str(seen.town["KEL-PALMERIAM"])],
            "note": "Saluran di perbatasan kedua kelurahan.",
            "version": snapshot(app, seen.utan_kayu).version,
        },
    )

    assert response.status_code == 302
    assert officer_b.get(f"/tickets/{seen.utan_kayu}").status_code == 200
    assert listed(officer_b, app, seen.utan_kayu)


def test_kelurahan_loses_a_ticket_after_disposing_it_away(app: Flask, seen: Seen) -> None:
    officer_a = client_as(app, "officer_a")

    officer_a.post(
        f"/tickets/{seen.utan_kayu}/dispose",
        data={
            "unit_id": str(seen.town["KEL-PALMERIAM"]),
            "reason": "Lokasi masuk wilayah Palmeriam.",
            "version": snapshot(app, seen.utan_kayu).version,
        },
    )

    assert snapshot(app, seen.utan_kayu).assigned_unit_id == seen.town["KEL-PALMERIAM"]
    assert officer_a.get(f"/tickets/{seen.utan_kayu}").status_code == 404
    assert not listed(officer_a, app, seen.utan_kayu)
    assert listed(client_as(app, "officer_b"), app, seen.utan_kayu)


GIVE_AWAY = {
    "dispose": {"unit_id": "{palmeriam}", "reason": "Lokasi masuk wilayah Palmeriam."},
    "hand-back": {"reason": "Bukan kewenangan kelurahan: jalan nasional."},
}


def give_away(app: Flask, seen: Seen, action: str) -> dict:
    data = {k: v.format(palmeriam=seen.town["KEL-PALMERIAM"]) for k, v in GIVE_AWAY[action].items()}
    return {**data, "version": snapshot(app, seen.utan_kayu).version}


@pytest.mark.parametrize("action", sorted(GIVE_AWAY))
def test_giving_a_ticket_away_sends_the_officer_back_to_perlu_tindakan(
    app: Flask, seen: Seen, action: str
) -> None:
    officer_a = client_as(app, "officer_a")

    response = officer_a.post(
        f"/tickets/{seen.utan_kayu}/{action}",
        data=give_away(app, seen, action),
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert response.request.path == "/tickets/tindakan"
    assert "Tindakan tersimpan" in response.get_data(as_text=True)


@pytest.mark.parametrize("action", sorted(GIVE_AWAY))
def test_giving_a_ticket_away_by_htmx_redirects_the_page_to_perlu_tindakan(
    app: Flask, seen: Seen, action: str
) -> None:
    officer_a = client_as(app, "officer_a")

    response = officer_a.post(
        f"/tickets/{seen.utan_kayu}/{action}", data=give_away(app, seen, action), headers=HTMX
    )

    # The action succeeded: the answer must not be a 404 that htmx silently drops.
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/tickets/tindakan"
    assert snapshot(app, seen.utan_kayu).events == 2


# --- wide scopes -------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["mro", "admin", "validator_prov", "exec_prov"])
def test_province_wide_roles_see_every_ticket(app: Flask, seen: Seen, username: str) -> None:
    client = client_as(app, username)
    html = client.get("/tickets").get_data(as_text=True)

    for ticket_id in (seen.utan_kayu, seen.palmeriam, seen.senayan, seen.pungli):
        assert tracking_of(app, ticket_id) in html
        assert client.get(f"/tickets/{ticket_id}").status_code == 200
    assert "4 tiket" in html


def test_executive_sees_a_ticket_without_any_action_form(app: Flask, seen: Seen) -> None:
    response = client_as(app, "exec_prov").get(f"/tickets/{seen.utan_kayu}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"/tickets/{seen.utan_kayu}/" not in html  # no form posts to an action URL
    assert "Tidak ada tindakan yang dapat Anda lakukan" in html


@pytest.mark.parametrize("action", ["start", "note", "reject", "dispose"])
def test_executive_action_by_htmx_is_refused_and_changes_nothing(
    app: Flask, seen: Seen, action: str
) -> None:
    before = snapshot(app, seen.utan_kayu)

    response = client_as(app, "exec_prov").post(
        f"/tickets/{seen.utan_kayu}/{action}",
        data={
            "version": before.version,
            "text": "Catatan pimpinan.",
            "reason": "Alasan pimpinan.",
            "unit_id": str(seen.town["KEL-PALMERIAM"]),
        },
        headers=HTMX,
    )

    assert response.status_code in (403, 409)
    assert response.headers["HX-Retarget"] == "#alerts"
    assert snapshot(app, seen.utan_kayu) == before


def test_executive_action_by_form_post_is_refused_and_changes_nothing(
    app: Flask, seen: Seen
) -> None:
    before = snapshot(app, seen.utan_kayu)
    client = client_as(app, "exec_prov")

    response = client.post(
        f"/tickets/{seen.utan_kayu}/start", data={"version": before.version}, follow_redirects=True
    )

    assert "flash--error" in response.get_data(as_text=True)
    assert snapshot(app, seen.utan_kayu) == before


# --- no session at all ---------------------------------------------------------------------

STAFF_URLS = [
    ("GET", "/tickets"),
    ("GET", "/tickets?status=waiting"),
    ("GET", "/tickets/{id}"),
    ("GET", "/tickets/new"),
    ("GET", "/photos/{photo}"),
    ("POST", "/tickets/{id}/start"),
    ("POST", "/tickets/{id}/note"),
    ("POST", "/tickets/{id}/reporter"),
    ("POST", "/tickets/new"),
]


@pytest.mark.parametrize(("method", "url"), STAFF_URLS)
def test_anonymous_visitor_is_sent_to_the_login_page(
    sqlite_app: Flask, seen_sqlite: Seen, method: str, url: str
) -> None:
    before = snapshot(sqlite_app, seen_sqlite.utan_kayu)
    target = url.format(
        id=seen_sqlite.utan_kayu, photo=report_photo_id(sqlite_app, seen_sqlite.utan_kayu)
    )

    response = sqlite_app.test_client().open(
        target, method=method, data={"text": "x" * 12, "reason": "x" * 12}
    )

    assert response.status_code == 302
    assert response.location.split("?")[0].endswith("/login")
    assert snapshot(sqlite_app, seen_sqlite.utan_kayu) == before


def test_anonymous_htmx_request_is_not_given_a_partial(
    sqlite_app: Flask, seen_sqlite: Seen
) -> None:
    response = sqlite_app.test_client().get("/tickets", headers=HTMX)

    assert response.status_code == 302
    assert tracking_of(sqlite_app, seen_sqlite.utan_kayu) not in response.get_data(as_text=True)
