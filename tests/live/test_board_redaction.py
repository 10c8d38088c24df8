"""Boards of the handling unit, its validators and its walikota never receive what a
rahasia reporter typed about themselves: not in the snapshot, not in a pushed delta."""

from __future__ import annotations

import json

import requests
from sqlalchemy import select

from dashboard import clock
from dashboard.extensions import db
from dashboard.live.publisher import publish
from dashboard.models import Ticket
from dashboard.services import workflow as svc
from tests.factories import photo_bytes
from tests.http.helpers import AT_UTAN_KAYU, actor
from tests.http.test_staff_redaction import CHANNEL_COMMENT, DESCRIPTION, REPORTER, leaks
from tests.live.conftest import LiveBoard

BOARDS = ("officer_a", "validator_tim", "exec_tim", "mro")


def test_snapshots_and_deltas_carry_no_reporter_text(live: LiveBoard) -> None:
    sessions = {name: live.session_for(name) for name in BOARDS}
    clients = {name: live.connect(session=s) for name, s in sessions.items()}
    tracking = live.post_ticket(**AT_UTAN_KAYU, description=DESCRIPTION, reporter=REPORTER).json()[
        "tracking"
    ]
    with live.app.app_context():
        tid = db.session.scalar(select(Ticket.id).where(Ticket.tracking == tracking))
        officer = actor(live.app, "officer_a")
        svc.start_work(tid, actor=officer, now=clock.now(), publish=publish)
        svc.complete(
            tid,
            note="Saluran dibersihkan.",
            photos=[photo_bytes()],
            actor=officer,
            now=clock.now(),
            publish=publish,
        )
    rated = requests.post(
        f"{live.url}/api/v1/tickets/{tracking}/rating",
        json={"rating": 1, "fixed": False, "comment": CHANNEL_COMMENT},
        headers={"X-API-Key": live.town.api_key},
        timeout=5,
    )
    assert rated.status_code == 200, rated.text[:300]

    for name, client in clients.items():
        client.wait_for(lambda e: e["id"] == tid and e["kind"] == "rated")
        assert leaks(json.dumps(client.events)) == [], name
        assert leaks(json.dumps(live.snapshot(sessions[name]))) == [], name


def test_the_pushed_rated_event_carries_the_comment_only_redacted(live: LiveBoard) -> None:
    pushed = []

    def recording(event: object) -> None:
        pushed.append(event)
        publish(event)  # type: ignore[arg-type]

    tracking = live.post_ticket(**AT_UTAN_KAYU, description=DESCRIPTION, reporter=REPORTER).json()[
        "tracking"
    ]
    with live.app.app_context():
        from dashboard.services import validation

        tid = db.session.scalar(select(Ticket.id).where(Ticket.tracking == tracking))
        officer = actor(live.app, "officer_a")
        svc.start_work(tid, actor=officer, now=clock.now(), publish=publish)
        svc.complete(
            tid,
            note="Beres.",
            photos=[photo_bytes()],
            actor=officer,
            now=clock.now(),
            publish=publish,
        )
        validation.rate_by_channel(
            tid,
            channel_code="jaki",
            rating=1,
            fixed=False,
            comment=CHANNEL_COMMENT,
            now=clock.now(),
            publish=recording,
        )
        last_reason = db.session.scalar(select(Ticket.last_reason).where(Ticket.id == tid))

    # The rating, then (a low one) its return to the validator, at once.
    assert [e.kind for e in pushed] == ["rated", "returned_for_review"]
    event = pushed[0]
    assert event.note.startswith("Belum beres. Hubungi Pak [nama disembunyikan]")
    assert all(leaks(e.note) == [] for e in pushed) and leaks(last_reason or "") == []
