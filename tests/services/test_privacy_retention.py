"""Data retention erases reporter data of long-verified tickets and keeps the
statistics; the reporter access log cannot be changed or emptied."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import Rating, Reporter, ReporterAccess, Ticket
from dashboard.services import kpi, privacy
from dashboard.services import workflow as svc
from tests.conftest import T0
from tests.factories import build_world, new_ticket, photo_bytes

H = timedelta(hours=1)
NAME, PHONE, EMAIL = "Wulandari Kusumastuti", "081377770001", "wulan.k@example.id"
DESCRIPTION = (
    f"Saya {NAME}, hubungi 0813-7777-0001 atau {EMAIL}. Got mampet di depan rumah sejak "
    "seminggu, air meluap ke jalan setiap hujan."
)


@pytest.fixture
def world(app: Flask):
    with app.app_context():
        yield build_world(T0)


def verified_ticket(world, at: datetime, *, confidential: bool = True, comment: str = "") -> int:
    tid = new_ticket(
        at,
        external_id=f"RET-{at:%Y%m%d%H%M%S}-{confidential}",
        description=DESCRIPTION,
        reported_at=(at - H).isoformat(),
        lat=-6.1985,
        lon=106.8652,
        reporter={"name": NAME, "phone": PHONE, "email": EMAIL, "confidential": confidential},
    )
    officer = world.actor("officer_a")
    svc.start_work(tid, actor=officer, now=at + H, publish=svc.no_publish)
    svc.complete(
        tid,
        note="selesai",
        photos=[photo_bytes()],
        actor=officer,
        now=at + 2 * H,
        publish=svc.no_publish,
    )
    if comment:
        from dashboard.services import validation

        validation.rate_by_channel(
            tid,
            channel_code="jaki",
            rating=4,
            fixed=True,
            comment=comment,
            now=at + 3 * H,
            publish=svc.no_publish,
        )
    svc.verify(
        tid,
        note="cek administrasi",
        field_verified=False,
        actor=world.actor("validator_tim"),
        now=at + 4 * H,
        publish=svc.no_publish,
    )
    return tid


def test_months_before_is_calendar_months_clamped_to_the_month_end() -> None:
    now = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
    assert privacy.months_before(now, 1) == datetime(2026, 2, 28, 10, 0, tzinfo=UTC)
    assert privacy.months_before(now, 24) == datetime(2024, 3, 31, 10, 0, tzinfo=UTC)
    assert privacy.months_before(now, 13) == datetime(2025, 2, 28, 10, 0, tzinfo=UTC)


def test_retention_erases_old_reporter_data_and_keeps_the_statistics(world, app: Flask) -> None:
    old_at = T0 - timedelta(days=800)  # verified about 26 months before T0
    old = verified_ticket(world, old_at, comment=f"Terima kasih, salam {NAME} ({PHONE})")
    recent = verified_ticket(world, T0 - timedelta(days=30))
    db.session.rollback()
    old_hash = db.session.get(Ticket, old).reporter_hash
    reporters_before = db.session.scalar(select(func.count()).select_from(Reporter))
    assert old_hash is not None

    dry = privacy.anonymise_old_reporters(months=24, now=T0, dry_run=True)
    db.session.rollback()
    assert (dry.tickets, dry.dry_run) == (1, True)
    assert db.session.get(Ticket, old).reporter_id is not None  # nothing changed

    result = privacy.anonymise_old_reporters(months=24, now=T0)
    assert (result.tickets, result.ratings_redacted) == (1, 1)
    db.session.rollback()
    t = db.session.get(Ticket, old)
    assert t.reporter_id is None
    for secret in (NAME, "Wulandari", "0813-7777-0001", EMAIL, PHONE):
        assert secret not in t.description
        assert secret not in (t.public_description or "")
    assert "Got mampet" in t.description  # the problem itself stays
    comment = db.session.scalar(select(Rating.comment).where(Rating.ticket_id == old))
    assert NAME not in comment and PHONE not in comment
    # The statistics: the ticket, its pseudonymous hash and the KPI rollup are intact.
    assert t.reporter_hash == old_hash and t.status == "verified"
    assert kpi.verify().ok
    # The recent ticket keeps its reporter; the reporters table lost only a row
    # nobody points at any more.
    assert db.session.get(Ticket, recent).reporter_id is not None
    reporters_after = db.session.scalar(select(func.count()).select_from(Reporter))
    assert reporters_after == reporters_before - result.reporters_deleted
    assert result.reporters_deleted == 1
    # Running it again finds nothing more to do.
    assert privacy.anonymise_old_reporters(months=24, now=T0).tickets == 0


def test_retention_refuses_less_than_a_month(world, app: Flask) -> None:
    from dashboard.services.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        privacy.anonymise_old_reporters(months=0, now=T0)
    assert "months" in err.value.errors


def test_retention_command(world, app: Flask) -> None:
    verified_ticket(world, T0 - timedelta(days=800))
    db.session.commit()
    runner = app.test_cli_runner()
    import time_machine

    with time_machine.travel(T0, tick=False):
        dry = runner.invoke(args=["privacy", "retention", "--months", "24", "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert "Would anonymise the reporter data of 1 tickets" in dry.output
        real = runner.invoke(args=["privacy", "retention", "--months", "24"])
        assert real.exit_code == 0, real.output
        assert "Anonymised the reporter data of 1 tickets" in real.output
        bad = runner.invoke(args=["privacy", "retention", "--months", "0"])
        assert bad.exit_code != 0 and "--months" in bad.output


def test_the_access_log_is_append_only_in_the_database(world, app: Flask) -> None:
    tid = new_ticket(T0, reporter={"name": NAME, "phone": PHONE, "confidential": True})
    privacy.view_reporter(
        tid, reason="Pelapor minta dihubungi kembali", actor=world.actor("mro"), now=T0
    )
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ReporterAccess)) == 1
    for statement in (
        sa.update(ReporterAccess).values(reason="diubah"),
        sa.delete(ReporterAccess),
    ):
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(statement)
            db.session.flush()
        db.session.rollback()
    rows = db.session.execute(select(ReporterAccess.reason)).scalars().all()
    assert rows == ["Pelapor minta dihubungi kembali"]
