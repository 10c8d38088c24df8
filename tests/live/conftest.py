"""A real Socket.IO server in a thread and real python-socketio board clients.

The app is served by werkzeug's threaded server (Engine.IO's threading mode
upgrades to WebSocket through simple-websocket); clients log in over HTTP with
``requests`` and hand the session cookie to ``socketio.Client``.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import socketio
from flask import Flask
from werkzeug.serving import make_server

from dashboard.queries.board import snapshot_cache
from tests.conftest import make_app
from tests.factories import PASSWORD, report_payload
from tests.http.helpers import Town, make_town

_external = itertools.count(1)
REDIS_URL = os.environ.get("TEST_REDIS_URL")


class BoardClient:
    """A python-socketio client that records every ``ticket.changed`` it receives."""

    def __init__(self) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.events: list[dict[str, Any]] = []
        self.arrived: list[float] = []
        self.revoked = threading.Event()
        self._cond = threading.Condition()
        self.sio.on("ticket.changed", self._on_changed)
        self.sio.on("board.revoked", lambda *_: self.revoked.set())

    def _on_changed(self, data: dict[str, Any]) -> None:
        with self._cond:
            self.events.append(data)
            self.arrived.append(time.perf_counter())
            self._cond.notify_all()

    def ids(self) -> set[int]:
        with self._cond:
            return {e["id"] for e in self.events}

    def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 5.0
    ) -> tuple[dict[str, Any], float]:
        """The first event matching ``predicate`` and when it arrived (perf_counter)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for event, at in zip(self.events, self.arrived, strict=True):
                    if predicate(event):
                        return event, at
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching event within {timeout} s: {self.events}")
                self._cond.wait(left)

    def shorten_websocket_close(self) -> None:
        """Don't wait 3 s for a close frame that never comes.

        python-engineio's client sends a WebSocket close and then waits (3 s by
        default) for the server's answer, which its own read loop has usually
        consumed already; a short wait keeps the suite fast and changes nothing
        the tests look at.
        """
        ws = getattr(self.sio.eio, "ws", None)
        if ws is None:
            return
        close = ws.close
        ws.close = lambda *args, **kwargs: close(*args, **{**kwargs, "timeout": 0.2})

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()
        self.sio.shutdown()


@dataclass
class LiveBoard:
    app: Flask
    url: str
    town: Town
    _clients: list[BoardClient] = field(default_factory=list)
    _sessions: list[requests.Session] = field(default_factory=list)

    def session_for(self, username: str) -> requests.Session:
        session = requests.Session()
        self._sessions.append(session)
        response = session.post(
            f"{self.url}/login",
            data={"username": username, "password": PASSWORD},
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:300]
        return session

    def connect(
        self,
        *,
        session: requests.Session | None = None,
        auth: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        transport: str = "websocket",
    ) -> BoardClient:
        """A connected board client; a refusal raises ``socketio.exceptions.ConnectionError``.

        Use ``transport="polling"`` where a refusal is expected: a refused
        WebSocket client waits seconds for a close frame on its way out.
        """
        client = BoardClient()
        self._clients.append(client)
        all_headers = dict(headers or {})
        if session is not None:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        client.sio.connect(
            self.url, headers=all_headers, auth=auth, transports=[transport], wait_timeout=5
        )
        client.shorten_websocket_close()
        return client

    def snapshot(self, session: requests.Session | None = None, **params: str) -> dict[str, Any]:
        getter = session.get if session is not None else requests.get
        response = getter(f"{self.url}/board/snapshot.json", params=params, timeout=5)
        assert response.status_code == 200, response.text[:300]
        return response.json()

    def post_ticket(self, **overrides: Any) -> requests.Response:
        """A report through the channel API, as JAKI would send it."""
        overrides.setdefault("external_id", f"LIVE-{next(_external):05d}")
        response = requests.post(
            f"{self.url}/api/v1/tickets",
            json=report_payload(**overrides),
            headers={"X-API-Key": self.town.api_key},
            timeout=5,
        )
        assert response.status_code == 201, response.text[:300]
        return response

    def close(self) -> None:
        for client in self._clients:
            client.close()
        for session in self._sessions:
            session.close()


def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` (Socket.IO included) on a free loopback port until the test ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def live_board_for(
    backend: str, tmp_path: object, extra: dict | None = None
) -> Iterator[LiveBoard]:
    snapshot_cache.clear()
    for app in make_app(backend, tmp_path, {"SERVER_NAME": None, **(extra or {})}):
        town = make_town(app)
        for url in serve(app):
            board = LiveBoard(app=app, url=url, town=town)
            try:
                yield board
            finally:
                board.close()


@pytest.fixture
def live(backend: str, tmp_path: object) -> Iterator[LiveBoard]:
    """The app on a real Socket.IO server (threading mode), with the test town built."""
    yield from live_board_for(backend, tmp_path)


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set: the cross-process (Redis queue) test is not run")
    return REDIS_URL


@pytest.fixture
def live_redis(backend: str, tmp_path: object, redis_url: str) -> Iterator[LiveBoard]:
    """The web process with a Redis message queue (as in production)."""
    yield from live_board_for(backend, tmp_path, {"REDIS_URL": redis_url})
