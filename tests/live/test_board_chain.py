"""Every delta carries a chain link, so a board can tell it missed one (issue 10, section 5).

The link names the publishing process and, per room, the seq of the previous
delta that process sent there. Over a real Redis queue of the test's own,
a delta published while Redis is down is lost, and the next delta's link
points at it, not at the last one the board received. (The board's reaction,
a fresh snapshot, is tested in a browser: tests/browser/test_board_gaps.py.)
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import select

from dashboard import clock
from dashboard.extensions import db
from dashboard.live.publisher import publish
from dashboard.models import Ticket
from dashboard.services import workflow as svc
from tests.http.helpers import AT_UTAN_KAYU, actor
from tests.live.conftest import LiveBoard, live_board_for
from tests.live.publisher_process import PublisherProcess
from tests.redis_server import RedisServer, running_redis


def _ticket_id(live: LiveBoard, response) -> int:
    with live.app.app_context():
        found = db.session.scalar(
            select(Ticket.id).where(Ticket.tracking == response.json()["tracking"])
        )
        assert found is not None
        return found


def test_each_delta_links_to_the_previous_one_its_process_sent_to_the_room(
    live: LiveBoard,
) -> None:
    province = live.connect(session=live.session_for("mro"))
    first = _ticket_id(live, live.post_ticket(**AT_UTAN_KAYU))
    received, _ = province.wait_for(lambda e: e["id"] == first)
    with live.app.app_context():
        svc.add_note(
            first,
            text="Teguran",
            kind="warning",
            actor=actor(live.app, "mro"),
            now=clock.now(),
            publish=publish,
        )
    note, _ = province.wait_for(lambda e: e["id"] == first and e["kind"] == "note")
    assert note["chain"]["src"] == received["chain"]["src"]
    assert note["chain"]["prev"]["province"] == received["seq"] < note["seq"]
    # Every room the delta went to has its link; a unit's room had none before.
    unit_rooms = [r for r in received["chain"]["prev"] if r.startswith("unit:")]
    assert unit_rooms and all(received["chain"]["prev"][r] is None for r in unit_rooms)


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    yield from running_redis()


def wait_for_subscriber(url: str, channel: str) -> None:
    """Until the web process has subscribed to the queue again (bounded)."""
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 20
    while dict(client.pubsub_numsub(channel)).get(channel.encode(), 0) < 1:
        assert time.monotonic() < deadline, "the web process did not subscribe again"
        time.sleep(0.1)


def test_a_delta_lost_while_redis_restarts_leaves_a_broken_link(
    tmp_path: object, own_redis: RedisServer
) -> None:
    for live in live_board_for("sqlite", tmp_path, {"REDIS_URL": own_redis.url}):
        channel = live.app.config.get("SOCKETIO_CHANNEL", "flask-socketio")
        tid = _ticket_id(live, live.post_ticket(**AT_UTAN_KAYU))
        province = live.connect(session=live.session_for("mro"))
        wait_for_subscriber(own_redis.url, channel)
        other = PublisherProcess(live.app, own_redis.url)  # a job process, say
        try:
            other.note(tid)
            before, _ = province.wait_for(lambda e: e["kind"] == "note")

            own_redis.stop()
            other.note(tid)  # committed; its delta never reaches this web process
            own_redis.start()
            wait_for_subscriber(own_redis.url, channel)

            other.note(tid)
            province.wait_for(lambda e, b=before: e["kind"] == "note" and e is not b)
        finally:
            other.close()
        notes = [e for e in province.events if e["kind"] == "note"]
        assert len(notes) == 2  # one of the three was lost on the way
        after = notes[1]
        # The board's last delta from that process was `before`; the next one's
        # link says another one was sent in between.
        assert after["chain"]["src"] == before["chain"]["src"]
        assert after["chain"]["prev"]["province"] not in (None, before["seq"])
        assert before["seq"] < after["chain"]["prev"]["province"] < after["seq"]
