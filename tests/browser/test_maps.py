"""Maps in real Chromium, with no network beyond the app itself: the citizen's tracking
page (a rahasia report: the kelurahan's shape, no pin; a biasa report: a pin), the staff
ticket page, the intake form's pin picker (a click fills lat/lon), the portal's map, and
the wall's choropleth at 1920x1080. Every request must go to the app's own origin.
Screenshots of the maps go to ARTIFACTS (desk 1366x768, phone 390x844, wall 1920x1080)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from dashboard.extensions import db
from dashboard.models import Ticket
from tests.browser.conftest import PLACES, shot
from tests.factories import PASSWORD, build_world, new_ticket

pytestmark = pytest.mark.browser

DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
WALL = {"width": 1920, "height": 1080}


def seed(app: Flask) -> dict[str, int]:
    """A rahasia and a biasa report, and a few more, received over the last two days."""
    now = datetime.now(UTC)
    made = {}
    with app.app_context():
        build_world(now - timedelta(days=3))
        for i in range(6):
            at = now - timedelta(hours=2 + 7 * i)
            extra = {}
            if i == 1:
                extra = {"reporter": {"name": "Warga", "phone": "0812999", "confidential": False}}
            made[i] = new_ticket(
                at,
                external_id=f"MAP-WALK-{i}",
                reported_at=at.isoformat(),
                **PLACES[i % 3],
                **extra,
            )
    return {"rahasia": made[0], "biasa": made[1]}


def tracking(app: Flask, ticket_id: int) -> str:
    with app.app_context():
        return db.session.get(Ticket, ticket_id).tracking  # type: ignore[union-attr]


def watch_hosts(page, base: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Every request the page makes to anything but the app (there must be none)."""
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((base, "data:", "blob:")) else elsewhere.append(r.url),
    )
    return elsewhere


def map_drawn(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector(f"{selector} path.leaflet-interactive", timeout=10_000)


def login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_tracking_page_maps_draw_offline_and_a_rahasia_report_has_no_pin(
    browser_page, live_app: Flask, live_server: str
) -> None:
    ids = seed(live_app)
    page = browser_page
    elsewhere = watch_hosts(page, live_server)
    for size, tag in ((DESK, "desk"), (PHONE, "phone")):
        page.set_viewport_size(size)
        page.goto(f"{live_server}/t/{tracking(live_app, ids['rahasia'])}")
        map_drawn(page, "#public-map")
        assert page.locator("#public-map .map-pin").count() == 0
        assert "data-lat" not in page.content()
        assert page.locator("#public-map [data-map-approx]").is_visible()
        page.locator("#public-map").screenshot(path=str(shot_path(f"map-tracking-rahasia-{tag}")))
        page.goto(f"{live_server}/t/{tracking(live_app, ids['biasa'])}")
        map_drawn(page, "#public-map")
        page.wait_for_selector("#public-map .map-pin")
        page.locator("#public-map").screenshot(path=str(shot_path(f"map-tracking-pin-{tag}")))
    assert elsewhere == []
    assert page.js_errors == []


def test_ticket_page_portal_and_picker_maps_at_desk_and_phone_sizes(
    browser_page, live_app: Flask, live_server: str
) -> None:
    ids = seed(live_app)
    page = browser_page
    elsewhere = watch_hosts(page, live_server)
    for size, tag in ((DESK, "desk"), (PHONE, "phone")):
        page.set_viewport_size(size)
        page.goto(f"{live_server}/portal/")
        map_drawn(page, "#portal-map")
        page.wait_for_selector("#portal-map [data-map-table] tbody tr")
        page.locator("#portal-map").screenshot(path=str(shot_path(f"map-portal-{tag}")))
    login(page, live_server, "mro")
    for size, tag in ((DESK, "desk"), (PHONE, "phone")):
        page.set_viewport_size(size)
        page.goto(f"{live_server}/tickets/{ids['rahasia']}")
        map_drawn(page, "#ticket-map")
        page.wait_for_selector("#ticket-map .map-pin")
        page.locator("#ticket-map").screenshot(path=str(shot_path(f"map-ticket-{tag}")))
    assert elsewhere == []
    assert page.js_errors == []


def test_the_intake_pin_picker_fills_lat_and_lon_by_click(
    browser_page, live_app: Flask, live_server: str
) -> None:
    seed(live_app)
    page = browser_page
    elsewhere = watch_hosts(page, live_server)
    page.set_viewport_size(DESK)
    login(page, live_server, "mro")
    page.goto(f"{live_server}/tickets/new")
    map_drawn(page, "#pin-picker")
    assert page.input_value("#lat") == "" and page.input_value("#lon") == ""
    page.locator("#pin-picker [data-map-canvas]").click()  # the middle of the map
    lat, lon = float(page.input_value("#lat")), float(page.input_value("#lon"))
    assert -6.40 <= lat <= -5.10 and 106.30 <= lon <= 107.05  # the form's own ranges
    assert re.match(r"-6\.\d{6}$", page.input_value("#lat"))
    assert page.locator("#pin-picker .map-pin").count() == 1
    assert "Titik dipasang" in page.locator("#pin-picker [data-map-status]").inner_text()
    # Typing still works and moves the pin; clearing empties both fields.
    page.fill("#lat", "-6.2082")
    page.fill("#lon", "106.8581")
    page.locator("#lon").dispatch_event("change")
    page.click("#pin-picker [data-map-clear]")
    assert page.input_value("#lat") == "" and page.locator("#pin-picker .map-pin").count() == 0
    page.locator("#pin-picker").screenshot(path=str(shot_path("map-picker-desk")))
    assert elsewhere == []
    assert page.js_errors == []


def test_the_wall_choropleth_is_legible_at_1920(
    browser_page, live_app: Flask, live_server: str
) -> None:
    seed(live_app)
    page = browser_page
    elsewhere = watch_hosts(page, live_server)
    page.set_viewport_size(WALL)
    login(page, live_server, "mro")
    page.goto(f"{live_server}/board")
    map_drawn(page, "#board-map")
    page.wait_for_selector("#board-map .map-label__value")
    # The table stays for screen readers (the board's kota strip shows the same numbers).
    page.wait_for_selector("#board-map [data-map-table] tbody tr", state="attached")
    # From 4 m: map numbers >= 40 px, names and legend >= 28 px.
    sizes = page.evaluate(
        """() => Object.fromEntries(['.map-label__value', '.map-label__name',
             '.map-legend__text', '.map-slot__title'].map(s => [s,
             parseFloat(getComputedStyle(document.querySelector('#board-map ' + s)).fontSize)]))"""
    )
    assert sizes[".map-label__value"] >= 40, sizes
    assert min(v for k, v in sizes.items() if k != ".map-label__value") >= 28, sizes
    legend = page.locator("#board-map .map-legend__item").all_inner_texts()
    assert legend[0].strip() == "0" and len(legend) >= 2
    page.locator("#board-map").screenshot(path=str(shot_path("map-wall-choropleth")))
    shot(page, "map-wall-board")
    assert elsewhere == []
    assert page.js_errors == []


def shot_path(name: str):  # type: ignore[no-untyped-def]
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"
