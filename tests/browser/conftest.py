"""Real Chromium (Debian's package) driven by Playwright against a live server.

Never `playwright install`: it downloads a browser, which fails here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import make_app

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("PANTAU_TEST_ARTIFACTS", "test-artifacts"))

# Where the walks' seeded reports are: three kelurahan in two kota.
PLACES = [
    {"lat": -6.1985, "lon": 106.8652, "category": "jalan-rusak"},  # Utan Kayu Utara
    {"lat": -6.2082, "lon": 106.8581, "category": "sampah"},  # Palmeriam
    {"lat": -6.2272, "lon": 106.8021, "category": "sampah", "channel": "kelurahan"},  # Senayan
]


# Draws a throwaway December chart with the trend chart's locale and returns its
# x tick labels: the month names a reader of this page sees.
DECEMBER_TICKS = """async () => {
  const locale = document.getElementById('grafik-trend')._context.locale;
  const div = document.createElement('div');
  div.style.width = '600px';
  document.body.appendChild(div);
  await Plotly.newPlot(div, [{x: ['2026-12-01', '2026-12-20'], y: [1, 2]}],
                       {xaxis: {tickformat: '%-d %b'}}, {locale: locale});
  const ticks = Array.from(div.querySelectorAll('.xtick text'), t => t.textContent);
  Plotly.purge(div);
  div.remove();
  return ticks;
}"""


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[Flask]:
    yield from make_app("sqlite", tmp_path, {"SERVER_NAME": None, "WTF_CSRF_ENABLED": True})


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture
def browser_page() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium): browser test not run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="id-ID")
        # Chromium cancels favicon requests mid-flight; the dev server then leaves the
        # file open and filterwarnings=error fails the test on the ResourceWarning.
        context.route("**/favicon*", lambda route: route.fulfill(status=204, body=""))
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.js_errors = errors  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            context.close()
            browser.close()


def shot(page: object, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
