"""Demo data: reference seeding, accounts, keys and the generated year of tickets."""

from __future__ import annotations

import stat
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from dashboard.demo import generate, seed
from dashboard.demo.commands import CREDENTIALS_FILE
from dashboard.domain.workflow import Role, Status
from dashboard.extensions import db
from dashboard.models import (
    ApiKey,
    Category,
    Channel,
    Reporter,
    Ticket,
    TicketEventRow,
    Unit,
    User,
)
from dashboard.services import accounts

NOW = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 08:00 WIB


@pytest.fixture
def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 costs ~0.1 s a hash; the demo creates ~40 accounts."""
    monkeypatch.setattr(accounts, "hash_password", lambda password: "fast$" + password)


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _units_by_kind() -> dict[str, int]:
    return dict(db.session.execute(select(Unit.kind, func.count()).group_by(Unit.kind)).all())


def _generate(n: int, seed_value: int = 7) -> generate.GenerateStats:
    seed.seed_reference(NOW)
    return generate.generate_tickets(n, seed=seed_value, now=NOW)


def test_seeding_reference_data_twice_creates_each_row_once(app: Flask) -> None:
    with app.app_context():
        first = seed.seed_reference(NOW)
        counts = (_units_by_kind(), _count(Category), _count(Channel))
        second = seed.seed_reference(NOW)
        assert not any(second.values())
        assert (_units_by_kind(), _count(Category), _count(Channel)) == counts
        kinds = counts[0]
        assert kinds["province"] == 1
        assert kinds.get("kota", 0) + kinds.get("kabupaten", 0) == 6
        assert (kinds["kecamatan"], kinds["kelurahan"]) == (44, 267)
        assert first["kelurahan"] == 267 and counts[1:] == (33, 14)
        kota = db.session.scalar(select(Unit).where(Unit.code == "JKT-TIM"))
        assert kota.kota_id == kota.id and kota.population == 2_937_859
        kel = db.session.scalar(select(Unit).where(Unit.kind == "kelurahan").limit(1))
        assert kel.kota_id is not None and kel.postal_code and kel.lat is not None


def test_generating_with_the_same_seed_gives_the_same_tickets(app: Flask) -> None:
    with app.app_context():
        first = _generate(600)
        trackings = db.session.scalars(select(Ticket.tracking).order_by(Ticket.id)).all()
        statuses = dict(
            db.session.execute(select(Ticket.status, func.count()).group_by(Ticket.status)).all()
        )
        db.session.remove()
        db.drop_all()
        db.create_all()
        second = _generate(600)
        again = db.session.scalars(select(Ticket.tracking).order_by(Ticket.id)).all()
        assert len(trackings) == 600 and len(set(trackings)) == 600
        assert again == trackings
        assert first.status_counts == second.status_counts == statuses
        assert first.events == second.events


def test_every_history_starts_received_and_chains_to_the_ticket_status(app: Flask) -> None:
    with app.app_context():
        stats = _generate(600, seed_value=11)
        tickets = {t.id: t for t in db.session.scalars(select(Ticket))}
        events = db.session.scalars(
            select(TicketEventRow).order_by(
                TicketEventRow.ticket_id, TicketEventRow.at, TicketEventRow.id
            )
        ).all()
        assert len(events) == stats.events
        history: dict[int, list[TicketEventRow]] = {}
        for e in events:
            history.setdefault(e.ticket_id, []).append(e)
        assert history.keys() == tickets.keys()
        for tid, rows in history.items():
            ticket = tickets[tid]
            assert rows[0].kind == "received" and rows[0].from_status is None
            for before, after in zip(rows, rows[1:], strict=False):
                assert after.from_status == before.to_status
                assert after.at >= before.at
            assert rows[-1].to_status == ticket.status
            assert rows[-1].at <= NOW and ticket.updated_at == rows[-1].at
            assert ticket.version == ticket.event_count == len(rows)


def test_anonymous_tickets_have_no_reporter_and_confidential_ones_do(app: Flask) -> None:
    with app.app_context():
        _generate(600)
        rows = db.session.execute(
            select(Ticket.confidentiality, Ticket.reporter_id, Ticket.reporter_hash)
        ).all()
        anonymous = [r for r in rows if r.confidentiality == "anonymous"]
        confidential = [r for r in rows if r.confidentiality == "confidential"]
        assert anonymous and confidential
        assert all(r.reporter_id is None and r.reporter_hash is None for r in anonymous)
        assert all(r.reporter_id is not None and r.reporter_hash for r in confidential)
        # Reporters are reused: fewer people than confidential tickets.
        assert _count(Reporter) < len(confidential)


def test_a_sample_year_reproduces_the_jakarta_baseline(app: Flask) -> None:
    with app.app_context():
        stats = _generate(3000, seed_value=2024)
        tickets = db.session.scalars(select(Ticket)).all()
        n = len(tickets)
        completed = [t for t in tickets if t.first_completed_at is not None]
        assert 0.95 <= len(completed) / n <= 0.985  # 96.8 % in 2024
        hours = [(t.completed_at - t.received_at).total_seconds() / 3600 for t in completed]
        assert sum(h <= 168 for h in hours) / len(hours) >= 0.92  # ~95 % within 7 days
        assert 30 <= statistics.mean(hours) <= 50  # 39.87 h
        assert statistics.median(hours) < 0.6 * statistics.mean(hours)  # skewed
        # Response within 6 h: responded in time ÷ (responded + open and already late).
        on_time = sum(
            t.first_response_at is not None
            and t.first_response_at - t.received_at <= timedelta(hours=6)
            for t in tickets
        )
        late_open = sum(
            t.first_response_at is None
            and Status(t.status).is_open
            and NOW - t.received_at > timedelta(hours=6)
            for t in tickets
        )
        responded = sum(t.first_response_at is not None for t in tickets)
        assert 0.68 <= on_time / (responded + late_open) <= 0.80  # 74 %
        distinct = len({t.reporter_hash for t in tickets if t.reporter_hash})
        assert 0.17 <= distinct / n <= 0.27  # 41,528 / 185,852
        ratings = [t.rating for t in tickets if t.rating is not None]
        assert 0.28 <= len(ratings) / len(completed) <= 0.42
        assert 3.5 <= statistics.mean(ratings) <= 4.1
        rejected = stats.status_counts.get("rejected", 0)
        assert 0.003 <= rejected / n <= 0.02
        assert stats.busiest_day >= 1.4 * stats.average_day


def test_unworked_tickets_past_24_and_48_hours_exist_at_now(app: Flask) -> None:
    with app.app_context():
        _generate(3000, seed_value=2024)
        unworked = db.session.scalars(
            select(Ticket).where(
                Ticket.status.in_((Status.WAITING.value, Status.DISPOSITIONED.value)),
                Ticket.first_response_at.is_(None),
            )
        ).all()
        ages = [(NOW - t.clock_started_at, t.escalation_level) for t in unworked]
        assert any(age >= timedelta(hours=48) and level == 2 for age, level in ages)
        assert any(
            timedelta(hours=24) <= age < timedelta(hours=48) and level == 1 for age, level in ages
        )
        escalations = db.session.scalars(
            select(TicketEventRow).where(TicketEventRow.kind == "escalated")
        ).all()
        assert escalations and all(e.actor_kind == "system" for e in escalations)


def test_demo_accounts_cover_every_role_and_are_created_once(
    app: Flask, fast_passwords: None
) -> None:
    with app.app_context():
        seed.seed_reference(NOW)
        created = seed.create_demo_accounts(NOW)
        assert seed.create_demo_accounts(NOW) == []
        names = {c[0] for c in created}
        assert {"admin", "mro1", "mro2", "gubernur", "biro.pemerintahan"} <= names
        assert {"walikota.jakarta-timur", "bagpem.jakarta-timur", "dinas.bina-marga"} <= names
        assert all(len(c[1]) >= 16 for c in created)
        roles = Counter(u.role for u in db.session.scalars(select(User)))
        assert set(roles) == {r.value for r in Role}
        lurah = [u for u in db.session.scalars(select(User)) if u.username.startswith("lurah.")]
        assert len(lurah) == 18 and all(u.unit.kind == "kelurahan" for u in lurah)
        validators = db.session.scalars(select(User).where(User.role == "validator")).all()
        assert sorted(v.kota_id is None for v in validators) == [False] * 6 + [True]


def test_channel_keys_are_issued_once_per_online_channel(app: Flask) -> None:
    with app.app_context():
        seed.seed_reference(NOW)
        keys = seed.issue_channel_keys(NOW)
        online = db.session.scalars(select(Channel.code).where(Channel.online.is_(True))).all()
        assert sorted(code for code, _ in keys) == sorted(online)
        assert accounts.channel_for_key(keys[0][1]).code == keys[0][0]
        assert seed.issue_channel_keys(NOW) == []
        assert _count(ApiKey) == len(online)


def test_generated_actions_use_the_demo_accounts(app: Flask, fast_passwords: None) -> None:
    with app.app_context():
        seed.seed_reference(NOW)
        seed.create_demo_accounts(NOW)
        generate.generate_tickets(1500, seed=3, now=NOW)
        users = {u.id: u for u in db.session.scalars(select(User))}
        rows = db.session.execute(
            select(TicketEventRow.kind, TicketEventRow.actor_user_id).where(
                TicketEventRow.actor_user_id.is_not(None)
            )
        ).all()
        by_role = Counter(users[uid].role for _, uid in rows)
        assert by_role["validator"] and by_role["officer"]
        assert all(users[uid].role == "validator" for kind, uid in rows if kind == "verified")


def test_rows_added_after_generation_get_fresh_ids(app: Flask) -> None:
    with app.app_context():
        _generate(200)
        before = db.session.scalar(select(func.max(TicketEventRow.id)))
        ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()).limit(1))
        row = TicketEventRow(
            ticket_id=ticket.id, kind="note", at=NOW, actor_kind="system", actor_label="x",
            from_status=ticket.status, to_status=ticket.status, note="n", data={},
        )  # fmt: skip
        db.session.add(row)
        db.session.commit()
        assert row.id > before


def test_demo_load_writes_private_credentials_and_respects_if_empty(
    app: Flask, fast_passwords: None, tmp_path: object
) -> None:
    app.instance_path = str(tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load", "--tickets", "300", "--seed", "5"])
    assert result.exit_code == 0, result.output
    path = Path(str(tmp_path)) / CREDENTIALS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert "admin" in text and "pk_jaki_" in text
    again = runner.invoke(args=["demo", "load", "--tickets", "300", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    with app.app_context():
        assert _count(Ticket) == 300
