"""A board that missed a delta fetches a fresh snapshot (issue 10, section 5).

Deltas from another process (a job process, another web instance) reach this
web process through Redis pub/sub, which keeps nothing while Redis restarts.
The board sees the next delta's chain link point at one it never got, and
reloads its snapshot: the lost change appears without a page reload.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from dashboard import clock
from dashboard.extensions import db
from dashboard.models import Ticket
from dashboard.queries.board import snapshot_cache
from dashboard.scope import actor_for_user
from dashboard.services import walls
from tests.conftest import make_app
from tests.factories import build_world, new_ticket
from tests.live.publisher_process import PublisherProcess
from tests.live.test_board_chain import wait_for_subscriber
from tests.redis_server import RedisServer, running_redis

pytestmark = pytest.mark.browser

AT_SENAYAN = {"lat": -6.2272, "lon": 106.8021}

# The rule itself, case by case: (known publishers, delta, snapshot seq) -> broken?
RULE_CASES = """() => {
  const broken = (known, d, snap) => pantauBoard.chainBroken(new Map(known), d, "province", snap);
  const link = (src, prev, seq) => ({seq: seq, chain: {src: src, prev: {province: prev}}});
  return [
    broken([], link("a", null, 5), 10),          // a new process's first delta
    broken([], link("a", 8, 12), 10),            // its previous one is in the snapshot
    broken([], link("a", 11, 12), 10),           // its previous one came after the snapshot
    broken([["a", 12]], link("a", 12, 14), 10),  // follows the last one received
    broken([["a", 12]], link("a", 13, 14), 10),  // one in between never arrived
    broken([["a", 12]], link("b", null, 14), 10),// another process starts its chain
    broken([["a", 12]], {seq: 15}, 10),          // a delta without a link (older server)
    broken([["a", 12]], {seq: 15, chain: {src: "a", prev: {"kota:3": 2}}}, 10)  // not our room
  ];
}"""


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    yield from running_redis()


@pytest.fixture
def redis_app(tmp_path: object, own_redis: RedisServer) -> Iterator[Flask]:
    snapshot_cache.clear()
    yield from make_app("sqlite", tmp_path, {"SERVER_NAME": None, "REDIS_URL": own_redis.url})


@pytest.fixture
def url(redis_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, redis_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def version_of(app: Flask, ticket_id: int) -> int:
    with app.app_context():
        version = db.session.scalar(select(Ticket.version).where(Ticket.id == ticket_id))
        assert version is not None
        return version


def wait_shows_version(page, ticket_id: int, version: int) -> None:
    page.wait_for_function(
        f"() => pantauBoard.model.get({ticket_id}).row.version === {version}", timeout=10000
    )


def test_a_board_that_missed_a_delta_while_redis_restarted_fetches_a_fresh_snapshot(
    browser_page, redis_app: Flask, url: str, own_redis: RedisServer
) -> None:
    page = browser_page
    now = clock.now()
    with redis_app.app_context():
        world = build_world(now - timedelta(days=1))
        watched = new_ticket(now - timedelta(hours=2), external_id="GAP-1")
        lost = new_ticket(now - timedelta(hours=1), external_id="GAP-2", **AT_SENAYAN)
        admin = actor_for_user(world.users["admin"])
        token = walls.issue_wall_token(label="Layar MRO", kota_id=None, actor=admin, now=now).token
    channel = redis_app.config.get("SOCKETIO_CHANNEL", "flask-socketio")

    page.goto(f"{url}/wall/{token}")
    page.wait_for_function("() => pantauBoard.synced && pantauBoard.connected", timeout=10000)
    page.evaluate("window.__noReload = true")
    assert page.evaluate(RULE_CASES) == [False, False, True, False, True, False, False, False]

    wait_for_subscriber(own_redis.url, channel)
    other = PublisherProcess(redis_app, own_redis.url)  # a job process, say
    try:
        other.note(watched)
        wait_shows_version(page, watched, version_of(redis_app, watched))
        snapshots = page.evaluate("pantauBoard.snapshots")

        own_redis.stop()
        other.note(lost)  # committed; its delta never reaches the board's web process
        own_redis.start()
        wait_for_subscriber(own_redis.url, channel)
        assert page.evaluate(f"pantauBoard.model.get({lost}).row.version") < version_of(
            redis_app, lost
        )

        other.note(watched)  # the next delta from that process: its link is broken
    finally:
        other.close()
    wait_shows_version(page, lost, version_of(redis_app, lost))
    assert page.evaluate("pantauBoard.gaps") == 1
    assert page.evaluate("pantauBoard.snapshots") == snapshots + 1
    assert page.evaluate("window.__noReload") is True
    assert page.js_errors == []
