"""Redis going away never takes the site down (issue 10, section 5).

With ``REDIS_URL`` set, rate limits count in Redis and ticket changes are
published through it. The test runs its own redis-server, stops it, and then
uses the public portal, Open311 POST, the channel API and a staff action:
each still answers (no 500), the changes are stored, the limits still hold
(in this process's memory) and the log says so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import redis
from flask import Flask

from dashboard.extensions import limiter
from tests.conftest import make_app
from tests.factories import report_payload
from tests.http.helpers import (
    AT_UTAN_KAYU,
    Town,
    add_ticket,
    client_as,
    make_town,
    open311_body,
    snapshot,
)
from tests.redis_server import RedisServer, running_redis

OPEN311_FORM = {
    "service_code": "jalan-rusak",
    "lat": "-6.1985",
    "long": "106.8652",
    "description": "Jalan berlubang besar di depan sekolah, membahayakan pengendara.",
}


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    yield from running_redis()


@pytest.fixture
def redis_app(tmp_path: object, own_redis: RedisServer) -> Iterator[Flask]:
    yield from make_app(
        "sqlite",
        tmp_path,
        {
            "RATELIMIT_ENABLED": True,
            "REDIS_URL": own_redis.url,
            "RATE_LIMIT_PUBLIC": "4 per minute",
        },
    )
    # The limiter is one object for the whole test process: leave it on its
    # main storage for the apps of the tests that follow.
    limiter._storage_dead = False


def test_with_redis_down_the_public_site_ingest_and_staff_actions_still_answer(
    redis_app: Flask,
    own_redis: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    town: Town = make_town(redis_app)
    tid = add_ticket(redis_app, category="jalan-rusak")
    web = redis_app.test_client()
    assert web.get("/portal/").status_code == 200
    # While Redis is up the limits count there, shared by every process.
    assert any(b"LIMITS" in key for key in redis.Redis.from_url(own_redis.url).scan_iter())

    own_redis.stop()
    caplog.set_level(logging.WARNING)

    assert web.get("/portal/").status_code == 200
    posted = web.post("/open311/v2/requests.json", data={"api_key": town.api_key, **OPEN311_FORM})
    assert posted.status_code == 201, posted.get_data(as_text=True)[:300]
    assert open311_body(posted)[0]["service_request_id"]
    ingest = web.post(
        "/api/v1/tickets",
        json=report_payload(external_id="REDIS-DOWN-1", **AT_UTAN_KAYU),
        headers={"X-API-Key": town.api_key},
    )
    assert ingest.status_code == 201, ingest.get_data(as_text=True)[:300]
    # A staff action commits and answers although its publish cannot reach Redis.
    before = snapshot(redis_app, tid)
    officer = client_as(redis_app, "mro")
    noted = officer.post(f"/tickets/{tid}/note", data={"text": "Redis mati", "kind": "warning"})
    assert noted.status_code == 302, noted.get_data(as_text=True)[:300]
    assert snapshot(redis_app, tid).events == before.events + 1

    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("in-memory" in m for m in warnings), warnings
    assert any("Cannot publish to redis" in m for m in warnings), warnings
    # The limits still hold, counted in this process meanwhile.
    statuses = [web.get("/portal/").status_code for _ in range(5)]
    assert 429 in statuses and 500 not in statuses
