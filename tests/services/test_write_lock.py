"""Write transactions hold SQLite's lock only for writing (issue 10, section 5).

On the embedded default every write transaction starts with BEGIN IMMEDIATE,
so whatever runs inside it makes every other writer wait. Re-encoding a photo
(Pillow) takes far longer than the inserts: it must happen before the lock is
taken. The probe is a second, real writer: while the photo is being cleaned,
it tries to take the write lock itself without waiting.
"""

from __future__ import annotations

import sqlite3

import pytest
from flask import Flask

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
