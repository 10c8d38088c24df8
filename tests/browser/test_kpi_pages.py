"""The KPI pages in real Chromium: a governor opens the executive summary and a unit
page; plotly.js comes from the app's own origin, every chart is drawn, nothing
logs an error (the pages run under the app's Content-Security-Policy), and the
htmx refresh of the summary draws its charts again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import plotly
import pytest
from flask import Flask

from dashboard.domain.workflow import Actor
from dashboard.services import workflow as svc
from tests.browser.conftest import ARTIFACTS, DECEMBER_TICKS, PLACES, shot
from tests.factories import PASSWORD, build_world, new_ticket, photo_bytes

pytestmark = pytest.mark.browser

CHARTS = ("trend", "backlog", "per_kota", "per_kecamatan", "per_category", "per_channel")


def seed(app: Flask) -> dict[str, int]:
    """A small Jakarta with a week of tickets, some of them completed by their kelurahan."""
    now = datetime.now(UTC)
    with app.app_context():
        world = build_world(now - timedelta(days=10))
        officers: dict[str, Actor] = {
            "KEL-UTAN-KAYU-UTARA": world.actor("officer_a"),
            "KEL-PALMERIAM": world.actor("officer_b"),
            "KEL-SENAYAN": world.actor("officer_c"),
        }
        for i in range(18):
            at = now - timedelta(days=i % 7, hours=3 + i)
            place = PLACES[i % len(PLACES)]
            tid = new_ticket(at, external_id=f"KPI-WALK-{i:03d}", **place)
            if i % 3 != 2:
                unit = list(officers)[i % len(PLACES)]
                svc.start_work(
                    tid, actor=officers[unit], now=at + timedelta(hours=1), publish=svc.no_publish
                )
                svc.complete(
                    tid,
                    note="Sudah ditangani.",
                    photos=[photo_bytes()],
                    actor=officers[unit],
                    now=at + timedelta(hours=2 + i),
                    publish=svc.no_publish,
                )
        return dict(world.ids)


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)  # each role lands on its own page


def test_a_governor_reads_the_summary_and_a_unit_page(
    live_app: Flask, live_server: str, browser_page
) -> None:
    ids = seed(live_app)
    page = browser_page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    login(page, live_server, "exec_prov")
    page.wait_for_url(f"{live_server}/kpi/")  # the governor lands on the summary
    for name in CHARTS:
        page.locator(f"#grafik-{name}.js-plotly-plot .main-svg").first.wait_for()
    shot(page, "kpi-summary")

    assert page.locator(".kpi-card").first.is_visible()
    ticks = page.evaluate(DECEMBER_TICKS)  # Indonesian month names on date axes
    assert ticks and all(t.endswith(" Des") for t in ticks), ticks
    plotly_js = [u for u in requested if "/kpi/assets/plotly-" in u]
    assert plotly_js == [f"{live_server}/kpi/assets/plotly-{plotly.__version__}.min.js"]
    origin = urlsplit(live_server).netloc
    assert {urlsplit(u).netloc for u in requested if u.startswith("http")} == {origin}

    # The 60-second refresh swaps the fragment; its charts are drawn again.
    page.evaluate("htmx.ajax('GET', location.href, {target: '#kpi-summary', swap: 'outerHTML'})")
    page.wait_for_function(
        """() => document.querySelectorAll('#kpi-summary .js-plotly-plot .main-svg').length >= 6
            && !document.querySelector('#kpi-summary script[data-chart]:not([data-drawn])')"""
    )

    page.goto(f"{live_server}/kpi/unit/{ids['KEL-UTAN-KAYU-UTARA']}")
    page.locator("#grafik-trend.js-plotly-plot .main-svg").first.wait_for()
    page.locator("#grafik-backlog.js-plotly-plot .main-svg").first.wait_for()
    assert page.locator("table[data-table='score']").is_visible()
    shot(page, "kpi-unit")

    page.goto(f"{live_server}/kpi/rankings?group=kecamatan")
    page.locator("table[data-table='province_terms']").wait_for()
    shot(page, "kpi-rankings")

    assert page.js_errors == []


# --- The executive briefing: one screen on a phone, the top of the summary on a desk ---------

SCREENS = (("phone", 390, 844), ("desk", 1366, 768))
ROLES = {"gubernur": "exec_prov", "walikota": "exec_tim"}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_an_executive_reads_the_briefing_without_scrolling(
    live_app: Flask, live_server: str, browser_page, role: str
) -> None:
    seed(live_app)
    page = browser_page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, ROLES[role])
    page.wait_for_url(f"{live_server}/kpi/")
    for screen, width, height in SCREENS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server}/kpi/")
        box = page.locator("#ringkas").bounding_box()
        assert box is not None and box["y"] >= 0
        bottom = box["y"] + box["height"]
        assert bottom <= height, f"{screen}: the briefing ends at {bottom} px"
        for key in ("open", "late", "unworked", "received", "completed", "worst"):
            assert page.locator(f'[data-brief="{key}"]').is_visible()
        worst = "kota terburuk" if role == "gubernur" else "kecamatan terburuk"
        assert worst in page.locator('[data-brief="worst"]').inner_text().lower()
        if role == "walikota":
            assert "Jakarta Selatan" not in page.locator("main").inner_text()
        page.screenshot(path=str(ARTIFACTS / f"kpi-briefing-{role}-{screen}.png"))

        # The period form waits behind "Ubah periode" and opens without any script of ours.
        date_from = page.locator("#ubah-periode input[name=from]")
        assert not date_from.is_visible()
        page.locator("#ubah-periode > summary").click()
        date_from.wait_for(state="visible")
        assert page.locator("#ubah-periode button[type=submit]").is_visible()
        page.screenshot(path=str(ARTIFACTS / f"kpi-briefing-{role}-{screen}-periode.png"))
    assert page.js_errors == []
