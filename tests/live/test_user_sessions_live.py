"""Boards of a deactivated user are disconnected by the server, on every process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
import redis
import requests
import socketio

from tests.live.conftest import BoardClient, LiveBoard


def wait_disconnected(client: BoardClient, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while client.sio.connected and time.monotonic() < deadline:
        time.sleep(0.02)
    return not client.sio.connected


def deactivate(admin: requests.Session, base: str, user_id: int) -> None:
    response = admin.post(
        f"{base}/admin/users/{user_id}", data={"action": "deactivate"}, allow_redirects=False
    )
    assert response.status_code == 302, response.text[:300]


def test_a_deactivated_users_board_is_disconnected_and_refused(live: LiveBoard) -> None:
    session = live.session_for("exec_tim")
    board = live.connect(session=session)
    bystander = live.connect(session=live.session_for("mro"))

    deactivate(live.session_for("admin"), live.url, live.town.user_ids["exec_tim"])

    assert board.revoked.wait(5)
    assert wait_disconnected(board)
    assert bystander.sio.connected and not bystander.revoked.is_set()
    with pytest.raises(socketio.exceptions.ConnectionError):
        live.connect(session=session, transport="polling")


def test_log_out_closes_the_boards_of_that_session_only(live: LiveBoard) -> None:
    desk = live.session_for("mro")
    phone = live.session_for("mro")
    desk_board = live.connect(session=desk)
    phone_board = live.connect(session=phone)

    desk.post(f"{live.url}/logout", allow_redirects=False)

    assert wait_disconnected(desk_board)
    assert phone_board.sio.connected and not phone_board.revoked.is_set()
    with pytest.raises(socketio.exceptions.ConnectionError):
        live.connect(session=desk, transport="polling")


# Run in another Python process: deactivate a user and close their boards, as a
# second web worker would after the admin's request.
OTHER_PROCESS = """
import json, sys
from dashboard import create_app, clock
from dashboard.live.sockets import end_user_boards
from dashboard.services import accounts
config, user_id = json.loads(sys.argv[1]), int(sys.argv[2])
app = create_app(config)
with app.app_context():
    change = accounts.set_active(user_id, active=False, actor=None, now=clock.now())
    assert change.ended_sessions
    end_user_boards(user_id)
"""


def test_deactivation_disconnects_boards_on_another_process(live_redis: LiveBoard) -> None:
    board = live_redis.connect(session=live_redis.session_for("exec_tim"))
    config = live_redis.app.config
    # This process listens on the queue once a client has connected to it.
    queue = redis.Redis.from_url(config["REDIS_URL"])
    channel = config.get("SOCKETIO_CHANNEL", "flask-socketio")
    deadline = time.monotonic() + 5
    while dict(queue.pubsub_numsub(channel)).get(channel.encode(), 0) < 1:
        assert time.monotonic() < deadline, "the web process never subscribed"
        time.sleep(0.02)
    other = {
        key: config[key]
        for key in ("SQLALCHEMY_DATABASE_URI", "REDIS_URL", "SECRET_KEY", "PASSWORD_HASH_FAST")
    }
    other["SOCKETIO_CHANNEL"] = channel
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            OTHER_PROCESS,
            json.dumps(other),
            str(live_redis.town.user_ids["exec_tim"]),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert done.returncode == 0, done.stderr[-2000:]

    assert board.revoked.wait(5)
    assert wait_disconnected(board)
