"""Ratings, review flags, the weekly sample, field checks and repeat reports, on a real database."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from dashboard.domain import validation as rules
from dashboard.domain.intake import parse_report
from dashboard.domain.workflow import Actor, InvalidTransition, NotPermitted
from dashboard.extensions import db
from dashboard.models import Photo, Rating, Ticket, TicketEventRow, ValidationFlag
from dashboard.services import intake, validation
from dashboard.services import workflow as svc
from dashboard.services.errors import Conflict, InvalidInput, NotFound
from tests.conftest import T0
from tests.factories import build_world, new_ticket, photo_bytes, report_payload
from tests.sql_spy import count_writes

H = timedelta(hours=1)


@pytest.fixture
def world(app: Flask):
    with app.app_context():
        yield build_world(T0)


def fresh(ticket_id: int) -> Ticket:
    db.session.rollback()
    t = db.session.get(Ticket, ticket_id)
    assert t is not None
    return t


_spot = iter(range(1, 10_000))


def completed_ticket(world, at=T0, **overrides) -> int:
    """A completed ticket of kelurahan A, each at its own spot (300 m apart) unless placed."""
    if "lat" not in overrides:
        overrides.update(lat=-6.19 - 0.003 * next(_spot), lon=106.8652)
    overrides.setdefault("kelurahan", "KEL-UTAN-KAYU-UTARA")
    tid = new_ticket(at, **overrides)
    officer = world.actor("officer_a")
    svc.start_work(tid, actor=officer, now=at, publish=svc.no_publish)
    svc.complete(
        tid,
        note="sudah ditangani",
        photos=[photo_bytes()],
        actor=officer,
        now=at + H,
        publish=svc.no_publish,
    )
    return tid


def flags(ticket_id: int) -> list[str]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(ValidationFlag.reason)
            .where(ValidationFlag.ticket_id == ticket_id)
            .order_by(ValidationFlag.id)
        )
    )


def intake_with_token(now, **overrides) -> intake.IntakeResult:
    payload = report_payload(**overrides)
    return intake.receive_report(
        parse_report(payload, now=now),
        payload_hash=None,
        actor=Actor.channel("jaki"),
        now=now,
        publish=svc.no_publish,
        rating_link=True,
    )


def rated_but_not_sent_on(ticket_id: int, *, now, rating: int = 1) -> None:
    """A low rating stored while its follow-up was lost (the process died after
    the commit): only the reopen-low-rated job can still send it on."""
    svc.rate(
        ticket_id,
        rating=rating,
        fixed=True,
        comment="",
        actor=Actor.channel("jaki"),
        now=now,
        publish=svc.no_publish,
    )
    assert fresh(ticket_id).low_rated_at == now


def handled_low_rating(world, ticket_id: int, *, now) -> None:
    """Rated low, sent back, and the validator accepted the completion anyway."""
    validation.rate_by_channel(
        ticket_id,
        channel_code="jaki",
        rating=1,
        fixed=True,
        comment="",
        now=now,
        publish=svc.no_publish,
    )
    svc.verify(
        ticket_id,
        note="sudah dicek, memang selesai",
        field_verified=False,
        actor=world.actor("validator_tim"),
        now=now + H,
        publish=svc.no_publish,
    )


def test_a_new_low_rating_never_waits_behind_handled_ones(world, app: Flask) -> None:
    # Twelve low ratings handled (returned, then verified), each is history now.
    old = [completed_ticket(world, external_id=f"OLD-{i}") for i in range(12)]
    for i, tid in enumerate(old):
        handled_low_rating(world, tid, now=T0 + 2 * H + i * timedelta(minutes=1))
    assert all(fresh(tid).status == "verified" for tid in old)
    new = completed_ticket(world, at=T0 + 5 * H, external_id="NEW-1")
    rated_but_not_sent_on(new, now=T0 + 7 * H)
    # A job that reads ten at a time still finds the new one first.
    result = validation.reopen_low_rated(now=T0 + 8 * H, publish=svc.no_publish, limit=10)
    assert (result.read, result.total) == (1, 1)
    assert fresh(new).status == "reopened" and flags(new) == ["low_rating"]
    assert all(fresh(tid).status == "verified" for tid in old)


def test_a_run_with_nothing_new_reads_and_writes_nothing(world, app: Flask) -> None:
    tid = completed_ticket(world)
    rated_but_not_sent_on(tid, now=T0 + 2 * H)
    assert validation.reopen_low_rated(now=T0 + 2 * H, publish=svc.no_publish).total == 1
    writes = count_writes(app)
    again = validation.reopen_low_rated(now=T0 + 3 * H, publish=svc.no_publish)
    assert (again.read, again.total, again.skipped, again.retired) == (0, 0, 0, 0)
    assert writes() == []


def test_a_low_rating_of_a_completion_under_review_joins_the_review_once(world, app: Flask) -> None:
    tid = completed_ticket(world)
    svc.verify(
        tid,
        note="",
        field_verified=False,
        actor=world.actor("validator_tim"),
        now=T0 + 2 * H,
        publish=svc.no_publish,
    )
    rated_but_not_sent_on(tid, now=T0 + 3 * H)
    # The weekly sample sends it back first; the low rating then joins that review.
    assert validation.return_for_review(tid, "sample", now=T0 + 4 * H, publish=svc.no_publish)
    first = validation.reopen_low_rated(now=T0 + 5 * H, publish=svc.no_publish)
    second = validation.reopen_low_rated(now=T0 + 6 * H, publish=svc.no_publish)
    assert first.done == {"low_rating_joined": 1} and second.read == 0
    assert flags(tid) == ["sample", "low_rating"]
    assert fresh(tid).low_rated_at is None


def test_a_low_rating_after_the_validator_sent_it_back_is_retired(world, app: Flask) -> None:
    tid = completed_ticket(world)
    rated_but_not_sent_on(tid, now=T0 + 2 * H)
    svc.reopen(
        tid,
        reason="foto bukan lokasi ini",
        actor=world.actor("validator_tim"),
        now=T0 + 3 * H,
        publish=svc.no_publish,
    )
    version = fresh(tid).version
    result = validation.reopen_low_rated(now=T0 + 4 * H, publish=svc.no_publish)
    assert (result.read, result.total, result.retired) == (1, 0, 1)
    t = fresh(tid)
    assert t.low_rated_at is None and t.reopen_confirmed and flags(tid) == []
    assert t.version == version  # settling a mark is no event: open forms stay valid


def test_a_one_star_rating_is_returned_to_the_right_validator_once(world, app: Flask) -> None:
    result = intake_with_token(T0)
    officer = world.actor("officer_a")
    svc.start_work(result.ticket_id, actor=officer, now=T0, publish=svc.no_publish)
    svc.complete(
        result.ticket_id,
        note="beres",
        photos=[photo_bytes()],
        actor=officer,
        now=T0 + H,
        publish=svc.no_publish,
    )
    assert result.rating_token
    validation.rate_with_token(
        result.rating_token,
        rating=1,
        fixed=False,
        comment="lubangnya masih ada",
        now=T0 + 2 * H,
        publish=svc.no_publish,
    )
    # Returned at once, by the rating itself: the job finds nothing left to do.
    t = fresh(result.ticket_id)
    assert t.status == "reopened" and t.low_rated_at is None
    first = validation.reopen_low_rated(now=T0 + 2 * H, publish=svc.no_publish)
    second = validation.reopen_low_rated(now=T0 + 3 * H, publish=svc.no_publish)
    assert (first.read, first.total, second.read, second.total) == (0, 0, 0, 0)
    assert t.status == "reopened" and not t.reopen_confirmed
    assert t.handling_kota_id == world["JKT-TIM"]  # Bagian Pemerintahan Jakarta Timur's queue
    assert flags(result.ticket_id) == ["low_rating"]
    rating = db.session.scalars(select(Rating)).one()
    assert (rating.rating, rating.fixed, rating.source) == (1, False, "reporter")
    # The right body decides.
    with pytest.raises(NotFound):
        svc.verify(
            t.id,
            note="",
            field_verified=False,
            actor=world.actor("validator_sel"),
            now=T0 + 4 * H,
            publish=svc.no_publish,
        )
    svc.reopen(
        t.id,
        reason="foto bukan lokasi ini",
        actor=world.actor("validator_tim"),
        now=T0 + 4 * H,
        publish=svc.no_publish,
    )
    assert fresh(t.id).reopen_confirmed


def test_a_four_star_rating_is_not_returned(world, app: Flask) -> None:
    result = intake_with_token(T0)
    officer = world.actor("officer_a")
    svc.start_work(result.ticket_id, actor=officer, now=T0, publish=svc.no_publish)
    svc.complete(
        result.ticket_id,
        note="beres",
        photos=[photo_bytes()],
        actor=officer,
        now=T0 + H,
        publish=svc.no_publish,
    )
    validation.rate_with_token(
        result.rating_token,
        rating=4,
        fixed=True,
        comment="",
        now=T0 + 2 * H,
        publish=svc.no_publish,
    )
    assert validation.reopen_low_rated(now=T0 + 2 * H, publish=svc.no_publish).total == 0
    assert fresh(result.ticket_id).status == "awaiting_validation"
    assert flags(result.ticket_id) == []


def test_the_rating_token_works_once_and_only_for_its_ticket(world, app: Flask) -> None:
    mine = intake_with_token(T0)
    other = completed_ticket(world, external_id="OTHER-1")
    officer = world.actor("officer_a")
    svc.start_work(mine.ticket_id, actor=officer, now=T0, publish=svc.no_publish)
    svc.complete(
        mine.ticket_id,
        note="beres",
        photos=[photo_bytes()],
        actor=officer,
        now=T0 + H,
        publish=svc.no_publish,
    )
    validation.rate_with_token(
        mine.rating_token, rating=5, fixed=True, comment="", now=T0 + 2 * H, publish=svc.no_publish
    )
    with pytest.raises(Conflict):
        validation.rate_with_token(
            mine.rating_token,
            rating=1,
            fixed=True,
            comment="",
            now=T0 + 3 * H,
            publish=svc.no_publish,
        )
    with pytest.raises(NotFound):
        validation.rate_with_token(
            "guessed-token",
            rating=1,
            fixed=True,
            comment="",
            now=T0 + 3 * H,
            publish=svc.no_publish,
        )
    assert fresh(mine.ticket_id).rating == 5 and fresh(other).rating is None
    # A reporter actor reaches its own ticket only, through the one scope rule.
    with pytest.raises(NotFound):
        svc.rate(
            other,
            rating=1,
            fixed=True,
            comment="",
            actor=Actor.reporter(mine.ticket_id),
            now=T0,
            publish=svc.no_publish,
        )


def test_a_token_cannot_rate_before_completion(world, app: Flask) -> None:
    result = intake_with_token(T0)
    with pytest.raises(InvalidTransition):
        validation.rate_with_token(
            result.rating_token,
            rating=1,
            fixed=True,
            comment="",
            now=T0 + H,
            publish=svc.no_publish,
        )
    assert db.session.scalar(select(func.count()).select_from(Rating)) == 0


def test_a_channel_rates_only_tickets_it_delivered(world, app: Flask) -> None:
    tid = completed_ticket(world)
    validation.rate_by_channel(
        tid,
        channel_code="jaki",
        rating=2,
        fixed=True,
        comment="lambat",
        now=T0 + 2 * H,
        publish=svc.no_publish,
    )
    assert fresh(tid).status == "reopened" and flags(tid) == ["low_rating"]
    with pytest.raises(NotFound):
        validation.rate_by_channel(
            tid,
            channel_code="kelurahan",
            rating=5,
            fixed=True,
            comment="",
            now=T0 + 2 * H,
            publish=svc.no_publish,
        )


def test_two_concurrent_jobs_return_a_low_rating_once(world, app: Flask) -> None:
    ids = [completed_ticket(world, external_id=f"LR-{i}") for i in range(6)]
    for tid in ids:
        rated_but_not_sent_on(tid, now=T0 + 2 * H)
    barrier = threading.Barrier(2, timeout=20)
    totals: list[int] = []

    def run() -> None:
        with app.app_context():
            barrier.wait()
            totals.append(validation.reopen_low_rated(now=T0 + 3 * H, publish=svc.no_publish).total)
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert sum(totals) == 6
    db.session.rollback()  # a fresh snapshot: the jobs committed in their own sessions
    assert db.session.scalar(select(func.count()).select_from(ValidationFlag)) == 6
    returned = db.session.scalar(
        select(func.count())
        .select_from(TicketEventRow)
        .where(TicketEventRow.kind == "returned_for_review")
    )
    assert returned == 6


def test_sample_job_flags_last_weeks_completions_once(world, app: Flask) -> None:
    # Completed during the week of T0 (Monday 2 Nov 2026 in Jakarta).
    ids = [completed_ticket(world, at=T0 + i * H, external_id=f"S-{i}") for i in range(3)]
    svc.verify(
        ids[0],
        note="",
        field_verified=False,
        actor=world.actor("validator_tim"),
        now=T0 + 10 * H,
        publish=svc.no_publish,
    )
    next_week = T0 + timedelta(days=7)
    first = validation.sample_completions(now=next_week, publish=svc.no_publish, seed="x")
    writes = count_writes(app)
    second = validation.sample_completions(now=next_week, publish=svc.no_publish, seed="x")
    assert first.total == 1 and second.total == 0  # one unit, three completions: ceil(0.15) = 1
    # The second run reads nothing left to flag, tries nothing and writes nothing.
    assert (second.read, second.skipped) == (0, 0) and writes() == []
    sampled = [tid for tid in ids if flags(tid) == ["sample"]]
    assert len(sampled) == 1
    t = fresh(sampled[0])
    # A verified completion picked by the sample goes back to the validator.
    expected = "reopened" if sampled[0] == ids[0] else "awaiting_validation"
    assert t.status == expected


def test_field_check_keeps_the_ticket_in_the_queue_until_recorded(world, app: Flask) -> None:
    tid = completed_ticket(world)
    validator = world.actor("validator_tim")
    validation.request_field_check(
        tid, note="cek ke lokasi", actor=validator, now=T0 + 2 * H, publish=svc.no_publish
    )
    with pytest.raises(InvalidTransition, match="Verifikasi lapangan diminta"):
        svc.verify(
            tid,
            note="",
            field_verified=False,
            actor=validator,
            now=T0 + 3 * H,
            publish=svc.no_publish,
        )
    assert fresh(tid).status == "awaiting_validation"
    validation.verify_with_field_check(
        tid,
        note="sudah rata",
        photos=[photo_bytes()],
        actor=validator,
        now=T0 + 4 * H,
        publish=svc.no_publish,
    )
    t = fresh(tid)
    assert t.status == "verified" and t.field_check_requested_at is None
    assert (
        db.session.scalar(select(func.count()).select_from(Photo).where(Photo.purpose == "field"))
        == 1
    )


EVERY_BOX = frozenset(name for name, _ in rules.CHECKLIST)
# One ticket per test: placed, so these tests take no spot from the tests after them.
SPOT = {"lat": -6.1985, "lon": 106.8652}


def test_a_verification_decided_with_every_box_closes_the_ticket_with_the_checklist(
    world, app: Flask
) -> None:
    tid = completed_ticket(world, **SPOT)

    validation.decide(
        tid,
        rules.Verification(checked=EVERY_BOX, note="Sesuai foto."),
        actor=world.actor("validator_tim"),
        now=T0 + 2 * H,
        publish=svc.no_publish,
    )

    assert fresh(tid).status == "verified"
    note = db.session.scalars(
        select(TicketEventRow.note).where(
            TicketEventRow.ticket_id == tid, TicketEventRow.kind == "verified"
        )
    ).one()
    assert note.startswith("Verifikasi administratif:") and note.endswith("Sesuai foto.")


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        (rules.Verification(checked=EVERY_BOX - {"check_place"}), "checklist"),
        (rules.Verification(checked=EVERY_BOX, field_done=True, field_note="dicek"), "field"),
        (rules.Reopening(reason="  "), "reason"),
        (rules.FieldCheckRequest(note=""), "note"),
    ],
)
def test_an_incomplete_decision_is_refused_naming_the_field_and_stores_nothing(
    world, app: Flask, decision: rules.Decision, field: str
) -> None:
    tid = completed_ticket(world, **SPOT)
    before = (fresh(tid).version, len(flags(tid)))

    with pytest.raises(InvalidInput) as refused:
        validation.decide(
            tid,
            decision,
            actor=world.actor("validator_tim"),
            now=T0 + 2 * H,
            publish=svc.no_publish,
        )

    assert list(refused.value.errors) == [field]
    t = fresh(tid)
    assert (t.status, (t.version, len(flags(tid)))) == ("awaiting_validation", before)


@pytest.mark.parametrize("who", ["validator_sel", "validator_prov", "officer_a"])
def test_a_decision_on_another_bodys_completion_is_not_found(world, app: Flask, who: str) -> None:
    tid = completed_ticket(world, **SPOT)

    with pytest.raises(NotFound):
        validation.decide(
            tid,
            rules.Reopening(reason="Foto buram."),
            actor=world.actor(who),
            now=T0 + 2 * H,
            publish=svc.no_publish,
        )

    assert fresh(tid).status == "awaiting_validation"


def test_an_officer_cannot_request_a_field_check(world, app: Flask) -> None:
    tid = completed_ticket(world)
    with pytest.raises(NotPermitted):
        validation.request_field_check(
            tid, note="x", actor=world.actor("officer_a"), now=T0, publish=svc.no_publish
        )


# ~0.0009 degrees of latitude is 100 m.
@pytest.mark.parametrize(
    ("metres", "days", "linked"),
    [(99, 10, True), (101, 10, False), (50, 29, True), (50, 31, False)],
)
def test_repeat_reports_link_within_100_m_and_30_days(
    world, app: Flask, metres, days, linked
) -> None:
    earlier = completed_ticket(world, lat=-6.1985, lon=106.8652)
    svc.verify(
        earlier,
        note="",
        field_verified=False,
        actor=world.actor("validator_tim"),
        now=T0 + 2 * H,
        publish=svc.no_publish,
    )
    lat = -6.1985 + metres / 111_195  # metres due north
    later = T0 + H + timedelta(days=days)
    result = intake_with_token(
        later, external_id="AGAIN-1", lat=lat, lon=106.8652, reported_at=later.isoformat()
    )
    assert (result.repeat_of_id == earlier) is linked
    if linked:
        assert fresh(earlier).status == "reopened" and flags(earlier) == ["repeat_report"]
    else:
        assert fresh(earlier).status == "verified" and flags(earlier) == []


def test_a_repeat_of_another_category_is_not_linked(world, app: Flask) -> None:
    earlier = completed_ticket(world)
    result = intake_with_token(T0 + 2 * H, external_id="AGAIN-2", category="sampah")
    assert result.repeat_of_id is None and flags(earlier) == []
