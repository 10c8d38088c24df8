"""The wall board in real Chromium: a kiosk opened by a wall token shows a new
ticket pushed over Socket.IO without reloading, turns it late on screen at its
deadline with no server traffic, and shows the connection banner while the
server is down, resynchronising when it comes back."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import requests
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import BaseWSGIServer, make_server

from dashboard import clock
from dashboard.extensions import db, socketio
from dashboard.models import Ticket
from dashboard.queries.board import snapshot_cache
from dashboard.scope import actor_for_user
from dashboard.services import walls
from dashboard.services import workflow as svc
from tests.browser.conftest import shot
from tests.conftest import make_app
from tests.factories import build_world, new_ticket, photo_bytes, report_payload

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}
AT_SENAYAN = {"lat": -6.2272, "lon": 106.8021}


@dataclass
class Kiosk:
    app: Flask
    url: str
    token: str
    api_key: str
    due_soon: int  # its response deadline is a minute away


class Server:
    """A werkzeug server for the app that can be stopped and started again on its port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.port = 0
        self.server: BaseWSGIServer | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop listening, then drop every open Socket.IO connection, as a crash would."""
        if self.server is None:
            return
        self.server.shutdown()
        assert self.thread is not None
        self.thread.join(5)
        self.server = None
        for sock in list(socketio.server.eio.sockets.values()):
            sock.close(wait=False, abort=True)


@pytest.fixture
def kiosk_app(tmp_path) -> Iterator[Flask]:
    snapshot_cache.clear()
    yield from make_app("sqlite", tmp_path, {"SERVER_NAME": None, "WTF_CSRF_ENABLED": True})


@pytest.fixture
def server(kiosk_app: Flask) -> Iterator[Server]:
    srv = Server(kiosk_app)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def kiosk(kiosk_app: Flask, server: Server) -> Kiosk:
    now = clock.now()
    with kiosk_app.app_context():
        world = build_world(now - timedelta(days=3))
        # A little history: one old unworked ticket, one being worked, one waiting validation.
        new_ticket(now - timedelta(days=3), external_id="OLD-1")
        worked = new_ticket(now - timedelta(hours=30), external_id="OLD-2", category="sampah")
        done = new_ticket(now - timedelta(hours=20), external_id="OLD-3", **AT_SENAYAN)
        due_soon = new_ticket(now - timedelta(hours=6) + timedelta(seconds=60), external_id="SOON")
        officer_a, officer_c = world.actor("officer_a"), world.actor("officer_c")
        svc.start_work(
            worked, actor=officer_a, now=now - timedelta(hours=2), publish=svc.no_publish
        )
        svc.start_work(done, actor=officer_c, now=now - timedelta(hours=5), publish=svc.no_publish)
        svc.complete(
            done,
            note="Sudah dibersihkan.",
            photos=[photo_bytes()],
            actor=officer_c,
            now=now - timedelta(hours=1),
            publish=svc.no_publish,
        )
        admin = actor_for_user(world.users["admin"])
        token = walls.issue_wall_token(
            label="Ruang MRO layar 1", kota_id=None, actor=admin, now=now
        ).token
        api_key = world.api_key
    return Kiosk(kiosk_app, f"http://127.0.0.1:{server.port}", token, api_key, due_soon)


def _open_board(page, kiosk: Kiosk) -> None:
    page.set_viewport_size(FULL_HD)
    page.goto(f"{kiosk.url}/wall/{kiosk.token}")
    page.wait_for_function(
        "() => window.pantauBoard && pantauBoard.synced && pantauBoard.connected", timeout=5000
    )
    page.evaluate("window.__noReload = true")


def _post_ticket(kiosk: Kiosk, external_id: str) -> int:
    response = requests.post(
        f"{kiosk.url}/api/v1/tickets",
        json=report_payload(external_id=external_id, reported_at=clock.now().isoformat()),
        headers={"X-API-Key": kiosk.api_key},
        timeout=5,
    )
    assert response.status_code == 201, response.text
    with kiosk.app.app_context():
        return db.session.scalar(
            select(Ticket.id).where(Ticket.tracking == response.json()["tracking"])
        )


def test_the_wall_board_shows_a_new_ticket_without_a_reload(browser_page, kiosk: Kiosk) -> None:
    page = browser_page
    _open_board(page, kiosk)
    assert page.locator("#board-banner").is_hidden()
    before = page.evaluate("pantauBoard.lastSeq")

    tid = _post_ticket(kiosk, "BROWSER-1")
    # A new report heads Segera (time left to its deadlines; new arrivals on top).
    row = page.locator(f'#board-segera [data-id="{tid}"]')
    row.wait_for(timeout=5000)
    assert page.evaluate("window.__noReload") is True
    assert page.evaluate(f"pantauBoard.model.has({tid})")
    assert page.evaluate("pantauBoard.lastSeq") > before
    assert "Baru" in row.inner_text()
    assert page.locator("#board-ticker .tick__label").first.inner_text() == "Laporan baru"

    # The wall never scrolls at 1920×1080.
    overflow = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert overflow == [1920, 1080]

    # Lateness is derived on the client from the stored deadline: move the
    # board's clock 70 s ahead, past the response deadline of a ticket that
    # falls due in 60 s, and it leaves Segera for Terlambat on its own, with no event.
    soon = page.locator(f'#board-segera [data-id="{kiosk.due_soon}"]')
    assert "Batas respons" in soon.inner_text()
    late = page.locator('[data-counter="late_response"] .ctile__value')
    late_before = int(late.inner_text())
    deltas = page.evaluate("pantauBoard.deltas")
    page.evaluate("pantauBoard.offset += 70e3")
    now_late = page.locator(f'#board-late [data-id="{kiosk.due_soon}"]')
    now_late.locator(".lmark--2").wait_for(timeout=3000)
    assert "Lewat respons" in now_late.inner_text()
    assert soon.count() == 0
    assert page.evaluate("pantauBoard.deltas") == deltas
    assert int(late.inner_text()) == late_before + 1

    path = shot(page, "board")
    assert path.exists()
    assert page.js_errors == []


def test_the_board_shows_a_banner_while_the_server_is_down_and_resyncs_after(
    browser_page, kiosk: Kiosk, server: Server
) -> None:
    page = browser_page
    _open_board(page, kiosk)
    server.stop()
    page.locator("#board-banner").wait_for(state="visible", timeout=5000)
    assert "Koneksi terputus" in page.locator("#board-banner").inner_text()
    assert page.evaluate("pantauBoard.connected") is False
    shot(page, "board-disconnected")

    # While the board is away a ticket arrives; it must be there after the reconnect.
    with kiosk.app.app_context():
        missed = new_ticket(clock.now(), external_id="MISSED-1", **AT_SENAYAN)
    server.start()
    page.locator("#board-banner").wait_for(state="hidden", timeout=5000)
    page.locator(f'#board-segera [data-id="{missed}"]').wait_for(timeout=5000)
    assert page.evaluate("window.__noReload") is True
    assert page.evaluate("pantauBoard.snapshots") == 2
