"""A year of demo data, then every job twice: the core loop holds at the README's size.

The demo year is made by the real state machine, so it carries what a year
of use leaves behind: thousands of low ratings handled long ago, completions
sampled in past weeks, escalations raised on old clocks. A new low rating
must still reach its validator, and a second run of every job must find
nothing to do: no rows read again, no writes. SQLite only: the jobs' logic
runs on both engines in tests/services/test_validation.py and
tests/jobs/test_escalate.py; this test is about volume.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import Flask
from sqlalchemy import func, select

from dashboard.demo import generate, seed
from dashboard.demo.commands import DEFAULT_TICKETS
from dashboard.domain.intake import parse_report
from dashboard.domain.workflow import Actor, ActorKind, Role
from dashboard.extensions import db
from dashboard.models import Ticket, Unit, User
from dashboard.queries import validation_queue as queue_queries
from dashboard.scope import actor_for_user
from dashboard.services import intake, kpi, validation
from dashboard.services import workflow as svc
from jobs import JOBS
from tests.conftest import make_app
from tests.factories import photo_bytes, report_payload
from tests.sql_spy import count_writes

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB: last week's sample is due
H = timedelta(hours=1)


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The default demo year, generated once for this module."""
    for app in make_app("sqlite", tmp_path_factory.mktemp("year")):
        with app.app_context():
            seed.seed_reference(NOW)
            seed.create_demo_accounts(NOW)
            stats = generate.generate_tickets(DEFAULT_TICKETS, seed=2024, now=NOW)
            kpi.rebuild()
            print(f"demo year: {stats.tickets:,} tickets, {stats.events:,} events")
            db.session.remove()
        yield app


def run_every_job(app: Flask, at: datetime, caplog: pytest.LogCaptureFixture) -> list[str]:
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="jobs"), time_machine.travel(at, tick=False):
        for job in JOBS:
            job.func(app)
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("jobs.")]
    print(f"jobs at {at:%Y-%m-%d %H:%M}Z:", *lines, sep="\n  ")
    return lines


def validator_for(ticket: Ticket) -> Actor:
    user = db.session.scalar(
        select(User).where(
            User.role == Role.VALIDATOR.value,
            User.kota_id.is_(None)
            if ticket.handling_kota_id is None
            else User.kota_id == ticket.handling_kota_id,
        )
    )
    assert user is not None, "the demo has a validator for every body"
    return actor_for_user(user)


def completed_by_its_unit(external_id: str, at: datetime) -> tuple[int, str]:
    """A new JAKI report in Jakarta Timur, completed by its unit; (id, rating token)."""
    kelurahan = db.session.scalars(
        select(Unit).where(Unit.kind == "kelurahan", Unit.lat.is_not(None)).order_by(Unit.code)
    ).first()
    assert kelurahan is not None and kelurahan.lat is not None and kelurahan.lon is not None
    payload = report_payload(
        external_id=external_id,
        lat=kelurahan.lat,
        lon=kelurahan.lon,
        reported_at=(at - H).isoformat(),
    )
    result = intake.receive_report(
        parse_report(payload, now=at),
        payload_hash=None,
        actor=Actor.channel("jaki"),
        now=at,
        publish=svc.no_publish,
        rating_link=True,
    )
    ticket = db.session.get(Ticket, result.ticket_id)
    assert ticket is not None and ticket.assigned_unit_id is not None
    officer = Actor(
        kind=ActorKind.USER, label="Petugas", role=Role.OFFICER, unit_id=ticket.assigned_unit_id
    )
    svc.start_work(ticket.id, actor=officer, now=at, publish=svc.no_publish)
    svc.complete(
        ticket.id,
        note="sudah diperbaiki",
        photos=[photo_bytes()],
        actor=officer,
        now=at + H,
        publish=svc.no_publish,
    )
    assert result.rating_token is not None
    return ticket.id, result.rating_token


def in_low_rating_queue(ticket_id: int, at: datetime) -> bool:
    db.session.rollback()
    ticket = db.session.get(Ticket, ticket_id)
    assert ticket is not None
    page = queue_queries.queue(
        validator_for(ticket), queue_queries.QueueFilters(reason="low_rating"), now=at
    )
    return ticket.tracking in {row.tracking for row in page.rows}


def test_a_year_then_every_job_twice(year: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with year.app_context():
        handled = db.session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.first_validation.is_not(None))
        )
        pending = db.session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.low_rated_at.is_not(None))
        )
        print(f"validated completions: {handled:,}; low ratings waiting: {pending}")
        assert pending == 0  # every low rating of the year was handled by the real flow

        first = run_every_job(year, NOW, caplog)
        assert any(line.startswith("sample-completions:") for line in first)

        # The second run finds nothing: no candidate read, no row written.
        writes = count_writes(year)
        second = run_every_job(year, NOW, caplog)
        assert writes() == []
        assert second == ["sample-completions: read 0 not yet flagged, flagged 0, skipped 0"]

        # A new "not fixed" rating reaches the right validator at once...
        at = NOW + 2 * H
        tid, token = completed_by_its_unit("YEAR-NEW-1", at)
        validation.rate_with_token(
            token,
            rating=1,
            fixed=False,
            comment="lubangnya masih ada",
            now=at + 2 * H,
            publish=svc.no_publish,
        )
        assert in_low_rating_queue(tid, at + 2 * H)

        # ...and one whose follow-up was lost is sent on by the job's next run.
        lost, _ = completed_by_its_unit("YEAR-NEW-2", at)
        svc.rate(
            lost,
            rating=1,
            fixed=True,
            comment="",
            actor=Actor.channel("jaki"),
            now=at + 3 * H,
            publish=svc.no_publish,
        )
        assert not in_low_rating_queue(lost, at + 3 * H)
        after = run_every_job(year, at + 3 * H + timedelta(minutes=1), caplog)
        assert "reopen-low-rated: read 1, {'low_rating': 1}, retired 0, skipped 0" in after
        assert in_low_rating_queue(lost, at + 4 * H)
