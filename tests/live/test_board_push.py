"""Live push end to end: a real Socket.IO server, real board clients, real API calls.

A service call reaches an authenticated socket client of the right room and
no other; a board that reconnects resynchronises to the database's truth.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import socketio
from sqlalchemy import func, select

from dashboard import clock
from dashboard.extensions import db
from dashboard.models import Ticket, TicketEventRow
from dashboard.queries.board import OPEN
from dashboard.services import walls
from dashboard.services import workflow as svc
from dashboard.services.workflow import no_publish
from tests.http.helpers import AT_PALMERIAM, AT_SENAYAN, AT_UTAN_KAYU, actor
from tests.live.conftest import LiveBoard

ROOT = Path(__file__).resolve().parents[2]


def _issue_wall(live: LiveBoard, kota: str | None = None) -> tuple[int, str]:
    admin = actor(live.app, "admin")
    with live.app.app_context():
        issued = walls.issue_wall_token(
            label="Layar uji",
            kota_id=live.town[kota] if kota else None,
            actor=admin,
            now=clock.now(),
        )
        return issued.id, issued.token


def _tracking(response) -> str:
    return response.json()["tracking"]


def _ticket_id(live: LiveBoard, tracking: str) -> int:
    with live.app.app_context():
        found = db.session.scalar(select(Ticket.id).where(Ticket.tracking == tracking))
        assert found is not None
        return found


def test_a_client_without_session_or_token_is_refused(live: LiveBoard) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        live.connect(transport="polling")
    with pytest.raises(socketio.exceptions.ConnectionError):
        live.connect(auth={"wall": "pw_not-a-token"}, transport="polling")


def test_a_foreign_origin_is_refused_even_with_a_session(live: LiveBoard) -> None:
    session = live.session_for("mro")
    # Long-polling, so that the Origin header is exactly the one given (the
    # WebSocket client would add its own).
    with pytest.raises(socketio.exceptions.ConnectionError):
        live.connect(
            session=session, headers={"Origin": "http://evil.example"}, transport="polling"
        )
    # The same session from the page's own origin is accepted.
    same = live.connect(session=session, headers={"Origin": live.url}, transport="polling")
    assert same.sio.connected


def test_board_receives_the_delta_of_an_api_ticket(live: LiveBoard) -> None:
    # How fast it arrives is measured by bench/push.py, not asserted here: a
    # loaded 2-core CI machine once took 1.36 s and failed a timed assertion.
    session = live.session_for("mro")
    client = live.connect(session=session)
    before = live.snapshot(session)
    tracking = _tracking(live.post_ticket(**AT_UTAN_KAYU))
    event, _ = client.wait_for(lambda e: e["row"] and e["row"]["tracking"] == tracking)
    assert event["kind"] == "received"
    assert event["seq"] > before["seq"]
    assert event["ticker"]["label"] == "Laporan baru"
    row = event["row"]
    assert row["id"] == event["id"] and row["version"] == event["version"]
    assert row["status"] == "waiting" and row["status_label"] == "Menunggu"
    assert row["kota"] == "Jakarta Timur" and row["unit"] == "Kel. Utan Kayu Utara"
    assert row["owes_work"] is True and row["clock_stopped_at"] is None
    assert row["received_at"].endswith("+00:00")


def test_a_kota_board_never_receives_another_kotas_events(live: LiveBoard) -> None:
    tim = live.connect(session=live.session_for("exec_tim"))
    _, sel_token = _issue_wall(live, "JKT-SEL")
    sel = live.connect(auth={"wall": sel_token})
    sel_tracking = _tracking(live.post_ticket(**AT_SENAYAN))
    tim_tracking = _tracking(live.post_ticket(**AT_UTAN_KAYU))
    sel_id, tim_id = _ticket_id(live, sel_tracking), _ticket_id(live, tim_tracking)
    # Each socket delivers in order: once Timur's own (later) event is in,
    # Selatan's earlier one would have been too, had it been sent.
    tim.wait_for(lambda e: e["id"] == tim_id)
    sel.wait_for(lambda e: e["id"] == sel_id)
    assert tim.ids() == {tim_id}
    assert sel_id not in tim.ids()
    assert tim_id not in sel.ids()


def test_an_officer_board_gets_only_its_units_events(live: LiveBoard) -> None:
    officer = live.connect(session=live.session_for("officer_a"))  # Kel. Utan Kayu Utara
    neighbour = _ticket_id(live, _tracking(live.post_ticket(**AT_PALMERIAM)))  # same kota
    own = _ticket_id(live, _tracking(live.post_ticket(**AT_UTAN_KAYU)))
    officer.wait_for(lambda e: e["id"] == own)
    assert officer.ids() == {own}
    assert neighbour != own


def test_a_ticket_disposed_away_leaves_the_old_units_board(live: LiveBoard) -> None:
    officer = live.connect(session=live.session_for("officer_a"))
    own = _ticket_id(live, _tracking(live.post_ticket(**AT_UTAN_KAYU)))
    officer.wait_for(lambda e: e["id"] == own and e["row"] is not None)
    mro = actor(live.app, "mro")
    with live.app.app_context():
        from dashboard.live.publisher import publish

        svc.dispose(
            own,
            to_unit_id=live.town["KEL-PALMERIAM"],
            reason="Lokasi masuk wilayah Palmeriam",
            actor=mro,
            now=clock.now(),
            publish=publish,
        )
    event, _ = officer.wait_for(lambda e: e["id"] == own and e["kind"] == "disposed")
    assert event["row"] is None  # the board drops it: no longer this unit's ticket


def test_a_revoked_wall_token_is_refused_and_its_boards_are_closed(live: LiveBoard) -> None:
    token_id, token = _issue_wall(live)
    wall = live.connect(auth={"wall": token})
    assert wall.sio.connected
    admin = live.session_for("admin")
    response = admin.post(
        f"{live.url}/board/tokens", data={"action": "revoke", "token_id": str(token_id)}
    )
    assert response.status_code == 200
    assert wall.revoked.wait(5)
    deadline = time.monotonic() + 5
    while wall.sio.connected and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not wall.sio.connected
    with pytest.raises(socketio.exceptions.ConnectionError):
        live.connect(auth={"wall": token}, transport="polling")


def test_a_users_boards_can_be_closed_when_the_session_ends(live: LiveBoard) -> None:
    board = live.connect(session=live.session_for("exec_tim"))
    other = live.connect(session=live.session_for("mro"))
    with live.app.app_context():
        from dashboard.live.sockets import end_user_boards

        end_user_boards(live.town.user_ids["exec_tim"])
    assert board.revoked.wait(5)
    deadline = time.monotonic() + 5
    while board.sio.connected and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not board.sio.connected
    assert other.sio.connected and not other.revoked.is_set()


def _database_truth(live: LiveBoard) -> tuple[int, dict[int, int]]:
    with live.app.app_context():
        seq = db.session.scalar(select(func.max(TicketEventRow.id))) or 0
        rows = db.session.execute(select(Ticket.id, Ticket.version).where(OPEN)).all()
        return seq, {r[0]: r[1] for r in rows}


def test_the_snapshot_after_a_reconnect_equals_the_database(live: LiveBoard) -> None:
    session = live.session_for("mro")
    client = live.connect(session=session)
    first = live.snapshot(session)
    client.close()  # the network drops; meanwhile the world moves on
    closed = _ticket_id(live, _tracking(live.post_ticket(**AT_UTAN_KAYU)))
    _ticket_id(live, _tracking(live.post_ticket(**AT_SENAYAN)))
    with live.app.app_context():
        svc.reject(
            closed,
            reason="Laporan ganda",
            duplicate_of_id=None,
            actor=actor(live.app, "mro"),
            now=clock.now(),
            publish=no_publish,
        )
    live.connect(session=session)  # reconnect: the board fetches a snapshot first
    again = live.snapshot(session)
    seq, open_versions = _database_truth(live)
    assert again["seq"] == seq > first["seq"]
    assert {t["id"]: t["version"] for t in again["tickets"]} == open_versions
    assert closed not in {t["id"] for t in again["tickets"]}


def test_an_event_published_by_a_job_process_reaches_the_board_through_redis(
    live_redis: LiveBoard, redis_url: str
) -> None:
    live = live_redis
    client = live.connect(session=live.session_for("mro"))
    tid = _ticket_id(live, _tracking(live.post_ticket(**AT_UTAN_KAYU)))
    # The web process itself also emits through the queue.
    client.wait_for(lambda e: e["id"] == tid and e["kind"] == "received")
    job = textwrap.dedent(
        f"""
        from dashboard import clock, create_app
        from dashboard.domain.workflow import Actor, ActorKind, Role
        from dashboard.live.publisher import publish
        from dashboard.services import workflow

        app = create_app({{
            "SQLALCHEMY_DATABASE_URI": {live.app.config["SQLALCHEMY_DATABASE_URI"]!r},
            "SECRET_KEY": "job-process",
            "REDIS_URL": {redis_url!r},
        }})
        mro = Actor(kind=ActorKind.USER, label="MRO", role=Role.MRO)
        with app.app_context():
            workflow.add_note({tid}, text="Teguran dari proses job", kind="warning",
                              actor=mro, now=clock.now(), publish=publish)
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-c", job], cwd=ROOT, env=env, capture_output=True, timeout=30
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    event, _ = client.wait_for(lambda e: e["id"] == tid and e["kind"] == "note")
    assert event["ticker"]["label"] == "Teguran MRO ke unit"
    assert event["row"]["version"] > 1


def test_validator_decisions_reach_the_boards_of_their_scope(live: LiveBoard) -> None:
    """Reopen and verify go through the service layer and show on every board that may see them."""
    from dashboard.live.publisher import publish
    from tests.factories import photo_bytes

    mro = live.connect(session=live.session_for("mro"))
    tim = live.connect(session=live.session_for("exec_tim"))
    sel = live.connect(session=live.session_for("validator_sel"))
    tid = _ticket_id(live, _tracking(live.post_ticket(**AT_UTAN_KAYU)))
    officer, validator = actor(live.app, "officer_a"), actor(live.app, "validator_tim")
    with live.app.app_context():
        svc.start_work(tid, actor=officer, now=clock.now(), publish=publish)
        svc.complete(
            tid,
            note="ditambal",
            photos=[photo_bytes()],
            actor=officer,
            now=clock.now(),
            publish=publish,
        )
        svc.reopen(
            tid, reason="foto lokasi lain", actor=validator, now=clock.now(), publish=publish
        )
        svc.start_work(tid, actor=officer, now=clock.now(), publish=publish)
        svc.complete(
            tid,
            note="ditambal ulang",
            photos=[photo_bytes()],
            actor=officer,
            now=clock.now(),
            publish=publish,
        )
        svc.verify(
            tid, note="", field_verified=False, actor=validator, now=clock.now(), publish=publish
        )
    for board in (mro, tim):
        reopened, _ = board.wait_for(lambda e: e["id"] == tid and e["kind"] == "reopened")
        assert reopened["row"]["status"] == "reopened"
        verified, _ = board.wait_for(lambda e: e["id"] == tid and e["kind"] == "verified")
        assert verified["row"] is None  # closed: it leaves the board
    assert tid not in sel.ids()  # another kota's validator never hears of it
