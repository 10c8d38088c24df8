"""The migration that adds ratings.public_comment redacts what is already stored:
rating comments, the notes of rated events and the last_reason taken from them,
and public descriptions made before the reporter's own contact was matched in
every spelling."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from dashboard.extensions import db
from dashboard.services import validation
from dashboard.services import workflow as svc
from tests.conftest import T0, make_app
from tests.factories import build_world, later, new_ticket, photo_bytes
from tests.http.test_staff_redaction import CHANNEL_COMMENT, DESCRIPTION, REPORTER, leaks

BEFORE = "e7a1c3b5d9f0"  # the revision before the redacted comment copy


@pytest.fixture
def migrated_app(backend: str, tmp_path: object) -> Iterator[Flask]:
    for app in make_app(backend, tmp_path, create_schema=False):
        with app.app_context():
            upgrade()
        yield app


def test_upgrade_redacts_the_citizens_words_already_stored(migrated_app: Flask) -> None:
    with migrated_app.app_context():
        world = build_world(T0)
        tid = new_ticket(T0, description=DESCRIPTION, reporter=REPORTER, lat=-6.1985, lon=106.8652)
        officer = world.actor("officer_a")
        svc.start_work(tid, actor=officer, now=later(T0, hours=1), publish=svc.no_publish)
        svc.complete(
            tid,
            note="Beres.",
            photos=[photo_bytes()],
            actor=officer,
            now=later(T0, hours=2),
            publish=svc.no_publish,
        )
        validation.rate_by_channel(
            tid,
            channel_code="jaki",
            rating=1,
            fixed=False,
            comment=CHANNEL_COMMENT,
            now=later(T0, hours=3),
            publish=svc.no_publish,
        )
        # As the code before this change stored it: the comment as written in the
        # history and on the ticket, the description masked by the old rules only.
        for statement in (
            "UPDATE ticket_events SET note = :raw WHERE kind = 'rated'",
            "UPDATE tickets SET last_reason = :raw, public_description = :old",
        ):
            db.session.execute(
                sa.text(statement),
                {"raw": CHANNEL_COMMENT, "old": DESCRIPTION.replace("Zulkarnaen Markowitz", "X")},
            )
        db.session.commit()
        downgrade(revision=BEFORE)

        upgrade()

        note = db.session.execute(
            sa.text("SELECT note FROM ticket_events WHERE kind = 'rated'")
        ).scalar_one()
        ticket = db.session.execute(
            sa.text("SELECT last_reason, public_description FROM tickets")
        ).one()
        comment, public_comment = db.session.execute(
            sa.text("SELECT comment, public_comment FROM ratings")
        ).one()
    assert note.startswith("Belum beres. Hubungi Pak [nama disembunyikan]")
    assert leaks(note) == [] and ticket.last_reason == note
    assert leaks(ticket.public_description) == []
    assert "Got mampet di depan rumah" in ticket.public_description
    assert comment == CHANNEL_COMMENT and leaks(public_comment) == []
