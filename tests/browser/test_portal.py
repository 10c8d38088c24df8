"""The public portal in real Chromium, as a citizen without an account: the landing page
in Indonesian with its charts drawn (plotly.js from the app's own origin, no console
error under the CSP), the switch to English (kept on the next page), the list of
reports narrowed by its filters, a tracking-number search that lands on the report's
page, and the same landing page at a phone's width. Screenshots go to ARTIFACTS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from dashboard.domain.workflow import Actor
from dashboard.extensions import db
from dashboard.models import Ticket
from dashboard.services import validation
from dashboard.services import workflow as svc
from tests.browser.conftest import DECEMBER_TICKS, PLACES, shot
from tests.factories import build_world, new_ticket, photo_bytes

pytestmark = pytest.mark.browser

CHARTS = ("trend", "categories", "channels")
BIASA = "Got di Jl. Pramuka tersumbat sampah, air meluap ke jalan setiap hujan."


def seed(app: Flask) -> str:
    """Three weeks of tickets in a small Jakarta, most completed, some verified and rated;
    one *biasa* report whose description is public. Returns a tracking number."""
    now = datetime.now(UTC)
    with app.app_context():
        world = build_world(now - timedelta(days=30))
        officers: dict[str, Actor] = {
            "KEL-UTAN-KAYU-UTARA": world.actor("officer_a"),
            "KEL-PALMERIAM": world.actor("officer_b"),
            "KEL-SENAYAN": world.actor("officer_c"),
        }
        validators = {"KEL-UTAN-KAYU-UTARA": "validator_tim", "KEL-PALMERIAM": "validator_tim"}
        # Intake first, oldest first, then the work: every history reads in time order.
        made = []
        for i in sorted(range(24), key=lambda i: -(i % 20) * 24 - 5 - i):
            at = now - timedelta(days=i % 20, hours=5 + i)
            place = PLACES[i % len(PLACES)]
            extra = {}
            if i == 0:
                extra = {
                    "description": BIASA,
                    "reporter": {"name": "Warga", "phone": "081200001111", "confidential": False},
                }
            made.append(
                (
                    i,
                    at,
                    new_ticket(
                        at,
                        external_id=f"PORTAL-WALK-{i:03d}",
                        reported_at=at.isoformat(),
                        **place,
                        **extra,
                    ),
                )
            )
        for i, at, tid in made:
            if i % 4 == 3:
                continue  # still waiting
            unit = list(officers)[i % len(PLACES)]
            svc.start_work(
                tid, actor=officers[unit], now=at + timedelta(hours=1), publish=svc.no_publish
            )
            svc.complete(
                tid,
                note="Sudah ditangani.",
                photos=[photo_bytes()],
                actor=officers[unit],
                now=at + timedelta(hours=2),
                publish=svc.no_publish,
            )
            if unit in validators and i % 2 == 0:
                svc.verify(
                    tid,
                    note="Sesuai.",
                    field_verified=False,
                    actor=world.actor(validators[unit]),
                    now=at + timedelta(hours=3),
                    publish=svc.no_publish,
                )
                validation.rate_by_channel(
                    tid,
                    channel_code="jaki",
                    rating=4 + i % 2,
                    fixed=True,
                    comment="",
                    now=at + timedelta(hours=4),
                    publish=svc.no_publish,
                )
        tracking = db.session.scalar(
            select(Ticket.tracking).where(Ticket.external_id == "PORTAL-WALK-000")
        )
        assert tracking is not None
        return tracking


def charts_drawn(page) -> None:
    for name in CHARTS:
        page.locator(f"#grafik-{name}.js-plotly-plot .main-svg").first.wait_for()


def test_a_citizen_reads_the_portal_in_both_languages_and_finds_a_report(
    live_app: Flask, live_server: str, browser_page
) -> None:
    tracking = seed(live_app)
    page = browser_page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    # Anonymous at / lands on the portal, in Indonesian.
    page.goto(f"{live_server}/")
    page.wait_for_url(f"{live_server}/portal/")
    assert page.locator("html").get_attribute("lang") == "id"
    charts_drawn(page)
    assert page.locator("h1").inner_text() == "Bagaimana laporan warga ditangani?"
    assert page.locator("[data-figure='received'] dd[data-period='30']").inner_text() == "24"
    shot(page, "portal-id")

    origin = urlsplit(live_server).netloc
    assert {urlsplit(u).netloc for u in requested if u.startswith("http")} == {origin}

    # Switch to English: the page and the next one speak English.
    page.click("[data-lang-switch='en']")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    charts_drawn(page)
    assert page.locator("h1").inner_text() == "How are citizens' reports handled?"
    ticks = page.evaluate(DECEMBER_TICKS)  # English month names on the English page
    assert ticks and all(t.endswith(" Dec") for t in ticks), ticks
    assert "Key figures" in page.locator("#judul-angka").inner_text()
    assert page.locator("[data-figure='received'] h3").text_content() == "Reports received"
    shot(page, "portal-en")
    page.click("nav >> text=Reports")
    page.wait_for_url(f"{live_server}/portal/laporan")
    assert page.locator("h1").inner_text().startswith("Citizens' reports")
    assert "Confidential report" in page.locator("#portal-list").inner_text()
    # The biasa report shows its (redacted) description.
    assert BIASA in page.locator(f"[data-tracking='{tracking}']").inner_text()

    # Filters: only the kecamatan of the chosen kota are offered; htmx swaps the list.
    page.select_option("#pf-kota", label="Jakarta Selatan")
    visible = page.locator("#pf-kecamatan option:not([hidden])").all_inner_texts()
    assert visible == ["All kecamatan", "Kecamatan Kebayoran Baru"]
    page.click("#pf-filters button[type=submit]")
    page.wait_for_function(
        "() => location.search.includes('kota=') && "
        "document.querySelectorAll('#portal-list .pf-ticket').length === 8"
    )
    areas = page.locator("#portal-list .pf-ticket__area").all_inner_texts()
    assert areas and all("Jakarta Selatan" in a for a in areas)
    shot(page, "portal-list-en")

    # Back to Indonesian, then search a tracking number typed loosely.
    page.click("[data-lang-switch='id']")
    page.wait_for_function("() => document.documentElement.lang === 'id'")
    page.goto(f"{live_server}/portal/")
    page.fill("#pf-nomor", tracking.lower().replace("-", " "))
    page.click(".pf-hero__search button[type=submit]")
    page.wait_for_url(f"{live_server}/t/{tracking}")
    assert page.locator("h1").inner_text() == tracking
    shot(page, "portal-search-result")

    assert page.js_errors == []

    # An unknown number: a clear message on the search page (its HTTP status is 404,
    # which Chromium logs as a failed resource; nothing else may be logged).
    page.goto(f"{live_server}/portal/cari?nomor=JKT-0101-ZZZZZZ")
    assert "tidak ditemukan" in page.locator("[data-error='search']").inner_text()
    assert [e for e in page.js_errors if "status of 404" not in e] == []


def test_the_portal_reads_well_at_a_phone_width(
    live_app: Flask, live_server: str, browser_page
) -> None:
    seed(live_app)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server}/portal/")
    charts_drawn(page)
    # Nothing wider than the screen: no sideways scrolling of the whole page.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(page, "portal-phone")
    page.goto(f"{live_server}/portal/laporan")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(page, "portal-list-phone")

    assert page.js_errors == []
