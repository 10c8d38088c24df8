"""Walk-in reporters get a printable receipt: tracking number, time, category, the unit
it went to, the public tracking link and their one rating link — never their identity."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Ticket
from tests.conftest import T0
from tests.factories import later
from tests.http.helpers import Town, add_ticket, client_as, make_town

NOW = later(T0, hours=1)
NAME, PHONE, EMAIL = "Budi Santoso Wirawan", "081277778888", "budi.wirawan@contoh.id"


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def town(sqlite_app: Flask) -> Town:
    return make_town(sqlite_app)


def intake_form(**overrides: str) -> dict[str, str]:
    form = {
        "channel": "kelurahan",
        "category": "sampah",
        "description": f"Sampah menumpuk tiga hari. Hubungi saya {NAME} di {PHONE}.",
        "address": "Jl. Utan Kayu Raya",
        "kelurahan": "KEL-UTAN-KAYU-UTARA",
        "lat": "",
        "lon": "",
        "privacy": "confidential",
        "reporter_name": NAME,
        "reporter_phone": PHONE,
        "reporter_email": EMAIL,
    }
    form.update(overrides)
    return form


def _only_ticket(app: Flask) -> Ticket:
    with app.app_context():
        t = db.session.scalars(select(Ticket).order_by(Ticket.id.desc())).first()
        assert t is not None
        db.session.expunge(t)
        return t


def test_intake_leads_to_a_receipt_with_number_links_and_no_identity(
    sqlite_app: Flask, town: Town
) -> None:
    client = client_as(sqlite_app, "officer_a")
    response = client.post("/tickets/new", data=intake_form())
    t = _only_ticket(sqlite_app)
    assert response.status_code == 302 and response.location == f"/tickets/{t.id}/receipt"

    page = client.get(response.location)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert t.tracking in html
    assert "Sampah" in html and "Kelurahan Utan Kayu Utara" in html
    assert "2 Nov 2026 09:00 WIB" in html  # received at T0 + 1 h, in Jakarta time
    assert f"http://pantau.test/t/{t.tracking}" in html
    assert "RAHASIA" in html
    for secret in (NAME, "Budi", PHONE, "0812", EMAIL, "wirawan"):
        assert secret not in html
    # The printed rating link works, once, for this ticket.
    rating = re.search(r"http://pantau\.test(/r/[A-Za-z0-9_-]+)", html)
    assert rating is not None
    assert sqlite_app.test_client().get(rating.group(1)).status_code == 200
    # Print: a button wired by a static script; no inline script anywhere on the page.
    assert "data-print" in html and "/static/receipt.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    # A reprint shows the same link.
    assert rating.group(1) in client.get(response.location).get_data(as_text=True)


def test_absolute_links_use_public_base_url_when_set(sqlite_app: Flask, town: Town) -> None:
    sqlite_app.config["PUBLIC_BASE_URL"] = "https://pantau.jakarta.go.id/"
    client = client_as(sqlite_app, "officer_a")
    location = client.post("/tickets/new", data=intake_form()).location
    html = client.get(location).get_data(as_text=True)
    t = _only_ticket(sqlite_app)
    assert f"https://pantau.jakarta.go.id/t/{t.tracking}" in html
    assert "https://pantau.jakarta.go.id/r/" in html
    assert "http://pantau.test" not in html


def test_a_report_routed_elsewhere_still_gets_its_receipt_and_only_its_own(
    sqlite_app: Flask, town: Town
) -> None:
    client = client_as(sqlite_app, "officer_a")
    location = client.post("/tickets/new", data=intake_form(kelurahan="KEL-SENAYAN")).location
    t = _only_ticket(sqlite_app)
    assert t.assigned_unit_id == town["KEL-SENAYAN"]
    html = client.get(location).get_data(as_text=True)
    assert t.tracking in html and "Kelurahan Senayan" in html and "/r/" in html
    assert "Buka tiket" not in html  # officer_a may not open it
    # Nobody else gets that receipt; and the officer's session opens no other ticket.
    assert client_as(sqlite_app, "officer_b").get(location).status_code == 404
    other = add_ticket(sqlite_app, channel="kelurahan", kelurahan="KEL-SENAYAN")
    assert client.get(f"/tickets/{other}/receipt").status_code == 404


def test_the_rating_link_is_printed_only_for_the_latest_intake(
    sqlite_app: Flask, town: Town
) -> None:
    client = client_as(sqlite_app, "officer_a")
    first = client.post("/tickets/new", data=intake_form()).location
    second = client.post("/tickets/new", data=intake_form(privacy="anonymous")).location
    html = client.get(first).get_data(as_text=True)
    assert "/r/" not in html and "hanya dicetak sekali" in html
    second_html = client.get(second).get_data(as_text=True)
    assert "/r/" in second_html and "ANONIM" in second_html


def test_online_reports_and_roles_without_intake_have_no_receipt(
    sqlite_app: Flask, town: Town
) -> None:
    online = add_ticket(sqlite_app)  # JAKI: the channel gives the reporter their links
    assert client_as(sqlite_app, "officer_a").get(f"/tickets/{online}/receipt").status_code == 404
    client = client_as(sqlite_app, "officer_a")
    location = client.post("/tickets/new", data=intake_form()).location
    assert client_as(sqlite_app, "exec_prov").get(location).status_code == 404
    assert client_as(sqlite_app, "officer_a").get("/tickets/999999/receipt").status_code == 404
    huge = "/tickets/99999999999999999999999/receipt"  # beyond 64 bits
    assert client_as(sqlite_app, "officer_a").get(huge).status_code == 404
