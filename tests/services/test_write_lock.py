"""Write transactions hold SQLite's lock only for writing (issue 10, section 5).

On the embedded default every write transaction starts with BEGIN IMMEDIATE,
so whatever runs inside it makes every other writer wait. Re-encoding a photo
(Pillow) takes far longer than the inserts: it must happen before the lock is
taken. The probe is a second, real writer: while the photo is being cleaned,
it tries to take the write lock itself without waiting.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from flask import Flask

from dashboard.database import WriterQueue, _queue_for, begin_write
from dashboard.domain.workflow import InvalidTransition
from dashboard.extensions import db
from dashboard.services import photos
from dashboard.services import workflow as svc
from tests.conftest import T0
from tests.factories import later, photo_bytes, report_payload
from tests.http.helpers import AT_UTAN_KAYU, actor, add_ticket, make_town, photo_b64, row_counts


def another_writer_can_write(path: str) -> bool:
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        probe.close()


@pytest.fixture
def probed(sqlite_app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each photo cleaned records whether another writer could write meanwhile."""
    with sqlite_app.app_context():
        path = db.engine.url.database
    assert path
    seen: list[bool] = []
    clean = photos.clean_photo

    def clean_and_probe(data: bytes, **limits: int) -> photos.CleanPhoto:
        seen.append(another_writer_can_write(path))
        return clean(data, **limits)

    monkeypatch.setattr(photos, "clean_photo", clean_and_probe)
    return seen


def test_an_ingested_photo_is_cleaned_before_the_write_lock_is_taken(
    sqlite_app: Flask, probed: list[bool]
) -> None:
    town = make_town(sqlite_app)
    response = sqlite_app.test_client().post(
        "/api/v1/tickets",
        json=report_payload(
            external_id="LOCK-1", photos=[photo_b64(), photo_b64()], **AT_UTAN_KAYU
        ),
        headers={"X-API-Key": town.api_key},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert probed == [True, True]
    assert row_counts(sqlite_app)["Photo"] == 2


def test_an_evidence_photo_is_cleaned_before_the_write_lock_is_taken(
    sqlite_app: Flask, probed: list[bool]
) -> None:
    make_town(sqlite_app)
    tid = add_ticket(sqlite_app)
    officer = actor(sqlite_app, "officer_a")
    with sqlite_app.app_context():
        svc.start_work(tid, actor=officer, now=later(T0, hours=1), publish=svc.no_publish)
        svc.complete(
            tid,
            note="Sudah diperbaiki.",
            photos=[photo_bytes()],
            actor=officer,
            now=later(T0, hours=2),
            publish=svc.no_publish,
        )
    assert probed == [True]
    assert row_counts(sqlite_app)["Photo"] == 1


def test_a_bad_photo_is_refused_before_the_write_lock_and_stores_nothing(
    sqlite_app: Flask, probed: list[bool]
) -> None:
    town = make_town(sqlite_app)
    before = row_counts(sqlite_app)
    response = sqlite_app.test_client().post(
        "/api/v1/tickets",
        json=report_payload(external_id="LOCK-2", photos=[photo_b64(), "bm90IGFuIGltYWdl"]),
        headers={"X-API-Key": town.api_key},
    )
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "photos[1]" in response.get_data(as_text=True)
    assert row_counts(sqlite_app) == before


# --- writers of one process queue first come, first served -----------------------------------


def test_the_writer_queue_serves_waiters_in_arrival_order() -> None:
    queue = WriterQueue()
    assert queue.acquire(timeout=1)
    served: list[int] = []

    def writer(n: int) -> None:
        assert queue.acquire(timeout=10)
        served.append(n)
        queue.release()

    threads = []
    for n in range(5):
        thread = threading.Thread(target=writer, args=(n,))
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 5
        while len(queue._waiters) < n + 1:  # bounded wait until this one has queued
            assert time.monotonic() < deadline
            time.sleep(0.001)
    queue.release()
    for thread in threads:
        thread.join(10)
    assert served == [0, 1, 2, 3, 4]
    assert queue.acquire(timeout=0)  # free again


def test_a_writer_that_gives_up_waiting_leaves_the_queue() -> None:
    queue = WriterQueue()
    assert queue.acquire(timeout=1)
    assert not queue.acquire(timeout=0.01)
    assert len(queue._waiters) == 0
    queue.release()
    assert queue.acquire(timeout=0)


def test_every_end_of_a_write_transaction_frees_the_queue(sqlite_app: Flask) -> None:
    make_town(sqlite_app)
    with sqlite_app.app_context():
        queue = _queue_for(db.engine)
        begin_write()
        db.session.commit()
        assert queue.acquire(timeout=0)
        queue.release()
        begin_write()
        db.session.rollback()
        assert queue.acquire(timeout=0)
        queue.release()
        begin_write()  # a request that fails half-way: the app context's teardown ends it
    assert queue.acquire(timeout=0)
    queue.release()
    # Refused input inside a write rolls back and frees it too.
    with sqlite_app.app_context():
        before = row_counts(sqlite_app)
        with pytest.raises(InvalidTransition):
            svc.add_note(
                add_ticket(sqlite_app),
                text="",
                kind="note",
                actor=actor(sqlite_app, "officer_a"),
                now=T0,
                publish=svc.no_publish,
            )
        assert queue.acquire(timeout=0)
        queue.release()
        assert row_counts(sqlite_app)["Ticket"] == before["Ticket"] + 1
