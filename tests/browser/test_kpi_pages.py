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
from tests.browser.conftest import DECEMBER_TICKS, PLACES, shot
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
