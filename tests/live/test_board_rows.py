"""Board rows, the snapshot and the publisher's routing, on a real database.

The publisher's emits are captured (no server): which rooms, what payload, and
how many queries one event costs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from dashboard.domain.workflow import Actor
from dashboard.extensions import db, socketio
from dashboard.live import publisher
from dashboard.queries import board as q
from dashboard.services import validation
from dashboard.services import workflow as svc
from tests.conftest import T0
from tests.factories import World, build_world, new_ticket, photo_bytes

AT_PALMERIAM = {"lat": -6.2082, "lon": 106.8581}
AT_SENAYAN = {"lat": -6.2272, "lon": 106.8021}


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    q.snapshot_cache.clear()
    with app.app_context():
        yield build_world(T0)


class Emits(list):
    """Every (event, payload, rooms) the publisher sent."""

    def rooms_of(self, kind: str) -> list[list[str]]:
        return [rooms for name, body, rooms in self if body["kind"] == kind]


@pytest.fixture
def emits(monkeypatch: pytest.MonkeyPatch) -> Emits:
    sent = Emits()

    def capture(name: str, body: dict[str, Any], to: list[str]) -> None:
        sent.append((name, body, sorted(to)))

    monkeypatch.setattr(socketio, "emit", capture)
    return sent


class Statements:
    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.sql.append(statement)


@pytest.fixture
def selects(world: World) -> Iterator[Statements]:
    counter = Statements()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)


def _complete(world: World, tid: int, at: Any) -> None:
    officer = world.actor("officer_a")
    svc.start_work(tid, actor=officer, now=at, publish=svc.no_publish)
    svc.complete(
        tid, note="sudah", photos=[photo_bytes()], actor=officer, now=at, publish=svc.no_publish
    )


def test_a_closed_ticket_has_no_board_row(world: World) -> None:
    tid = new_ticket(T0, external_id="R-1")
    assert q.board_row(tid)["status"] == "waiting"
    svc.reject(
        tid,
        reason="ganda",
        duplicate_of_id=None,
        actor=world.actor("mro"),
        now=T0,
        publish=svc.no_publish,
    )
    assert q.board_row(tid) is None
    assert q.board_row(999_999) is None


def test_after_a_confirmed_reopen_the_row_shows_the_redo_deadline(world: World) -> None:
    tid = new_ticket(T0, external_id="R-2")
    _complete(world, tid, T0 + timedelta(days=1))
    svc.rate(
        tid,
        rating=1,
        fixed=False,
        comment="belum",
        actor=Actor.channel("jaki"),
        now=T0 + timedelta(days=2),
        publish=svc.no_publish,
    )
    validation.reopen_low_rated(now=T0 + timedelta(days=2), publish=svc.no_publish)
    waiting_for_validator = q.board_row(tid)
    assert waiting_for_validator["status"] == "reopened"
    assert waiting_for_validator["owes_work"] is False  # the unit cannot act yet
    assert waiting_for_validator["completion_due_at"] == (T0 + timedelta(days=14)).isoformat()
    svc.reopen(
        tid,
        reason="foto lokasi lain",
        actor=world.actor("validator_tim"),
        now=T0 + timedelta(days=3),
        publish=svc.no_publish,
    )
    row = q.board_row(tid)
    assert row["owes_work"] is True and row["clock_stopped_at"] is None
    assert row["completion_due_at"] == (T0 + timedelta(days=6)).isoformat()  # redo: 3 days


def test_the_snapshot_costs_a_fixed_number_of_queries_however_many_tickets(
    world: World, selects: Statements
) -> None:
    for i in range(12):
        new_ticket(T0, external_id=f"N-{i}", **(AT_SENAYAN if i % 2 else AT_PALMERIAM))
    selects.sql.clear()
    snap = q.board_snapshot(q.BoardScope("province", None, "Provinsi"), now=T0)
    assert len(snap["tickets"]) == 12
    # seq, rows, completed today, kota tiles, ticker: no query per ticket.
    assert len(selects.sql) == 5


def test_completed_today_counts_first_completions_since_midnight_in_jakarta(world: World) -> None:
    # T0 is 08:00 WIB; 16:59 UTC the day before is 23:59 WIB: yesterday in Jakarta.
    yesterday, today = new_ticket(T0, external_id="C-1"), new_ticket(T0, external_id="C-2")
    _complete(world, yesterday, T0 - timedelta(hours=8, minutes=1))
    _complete(world, today, T0 - timedelta(hours=7, minutes=59))
    snap = q.board_snapshot(q.BoardScope("province", None, "Provinsi"), now=T0 + timedelta(hours=1))
    assert snap["completed_today"] == [{"kota_id": world["JKT-TIM"], "count": 1}]


def test_publish_reads_one_query_per_event_and_emits_to_the_tickets_rooms(
    world: World, emits: Emits, selects: Statements
) -> None:
    events: list[Any] = []
    tid = new_ticket(T0, external_id="P-1")
    svc.add_note(
        tid,
        text="Mohon segera",
        kind="warning",
        actor=world.actor("mro"),
        now=T0,
        publish=events.append,
    )
    selects.sql.clear()
    publisher.publish(events[0])
    assert len(selects.sql) == 1
    ((name, body, rooms),) = emits
    assert name == "ticket.changed"
    assert rooms == sorted(
        [
            "province",
            f"kota:{world['JKT-TIM']}",
            f"validation:{world['JKT-TIM']}",
            f"unit:{world['KEL-UTAN-KAYU-UTARA']}",
        ]
    )
    assert body["seq"] == events[0].event_id and body["version"] == body["row"]["version"]
    assert body["ticker"]["label"] == "Teguran MRO ke unit"


def test_a_disposition_tells_the_old_units_room_to_drop_the_row(world: World, emits: Emits) -> None:
    tid = new_ticket(T0, external_id="P-2")
    svc.dispose(
        tid,
        to_unit_id=world["DINAS-BINA-MARGA"],
        reason="Jalan provinsi",
        actor=world.actor("mro"),
        now=T0,
        publish=publisher.publish,
    )
    (_, seen, rooms), (_, gone, gone_rooms) = emits
    assert f"unit:{world['DINAS-BINA-MARGA']}" in rooms
    assert f"validation:{world['JKT-TIM']}" not in rooms  # a province agency now handles it
    assert seen["row"]["unit"] == "Dinas Bina Marga"
    assert gone_rooms == sorted(
        [f"unit:{world['KEL-UTAN-KAYU-UTARA']}", f"validation:{world['JKT-TIM']}"]
    )
    assert gone["row"] is None and gone["seq"] == seen["seq"]


def test_a_closing_event_sends_a_null_row(world: World, emits: Emits) -> None:
    tid = new_ticket(T0, external_id="P-3")
    svc.reject(
        tid,
        reason="ganda",
        duplicate_of_id=None,
        actor=world.actor("mro"),
        now=T0,
        publish=publisher.publish,
    )
    ((_, body, _rooms),) = emits
    assert body["row"] is None and body["status"] == "rejected"
    assert body["ticker"]["label"] == "Ditolak"


def test_a_first_completion_is_flagged_for_the_completed_today_counter(
    world: World, emits: Emits
) -> None:
    tid = new_ticket(T0, external_id="P-4")
    officer = world.actor("officer_a")
    svc.start_work(tid, actor=officer, now=T0, publish=svc.no_publish)
    svc.complete(
        tid, note="ok", photos=[photo_bytes()], actor=officer, now=T0, publish=publisher.publish
    )
    ((_, body, _rooms),) = emits
    assert body["kind"] == "completed" and body["first_completion"] is True
    assert body["row"]["status"] == "awaiting_validation"


def test_a_row_says_who_last_warned_or_acknowledged_it_and_when(
    world: World, emits: Emits, selects: Statements
) -> None:
    tid = new_ticket(T0, external_id="W-1")
    other = new_ticket(T0, external_id="W-2", **AT_SENAYAN)
    mro, admin = world.actor("mro"), world.actor("admin")
    assert q.board_row(tid)["touch"] is None
    svc.add_note(
        tid, text="Mohon segera", kind="warning", actor=mro, now=T0, publish=svc.no_publish
    )
    # A plain note is not a warning: the row keeps the warning.
    svc.add_note(
        tid,
        text="Sudah ditelepon",
        kind="note",
        actor=mro,
        now=T0 + timedelta(minutes=5),
        publish=svc.no_publish,
    )
    assert q.board_row(tid)["touch"] == {
        "kind": "warning",
        "at": T0.isoformat(),
        "by": mro.label,
    }
    events: list[Any] = []
    svc.add_note(
        tid,
        text="Eskalasi diterima",
        kind="acknowledge",
        actor=admin,
        now=T0 + timedelta(minutes=30),
        publish=events.append,
    )
    # The snapshot reads the latest mark of every row in the same statements as before.
    selects.sql.clear()
    snap = q.board_snapshot(q.BoardScope("province", None, "Provinsi"), now=T0 + timedelta(hours=1))
    assert len(selects.sql) == 5
    rows = {row["id"]: row for row in snap["tickets"]}
    assert rows[tid]["touch"] == {
        "kind": "acknowledge",
        "at": (T0 + timedelta(minutes=30)).isoformat(),
        "by": admin.label,
    }
    assert rows[other]["touch"] is None
    # The pushed row carries the same mark, still in one query.
    selects.sql.clear()
    publisher.publish(events[0])
    assert len(selects.sql) == 1
    ((_name, body, _rooms),) = emits
    assert body["row"]["touch"] == rows[tid]["touch"]
