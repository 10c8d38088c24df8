"""Each use case on a real database: state, history row, publish after commit."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from dashboard.domain import events as ev
from dashboard.domain.workflow import Actor
from dashboard.extensions import db
from dashboard.models import Photo, Reporter, Ticket, TicketEventRow, TicketSupport
from dashboard.services import validation
from dashboard.services import workflow as svc
from dashboard.services.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from tests.conftest import T0
from tests.factories import build_world, new_ticket, photo_bytes


@pytest.fixture
def world(app: Flask):
    with app.app_context():
        yield build_world(T0)


def history_kinds(ticket_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(TicketEventRow.kind)
            .where(TicketEventRow.ticket_id == ticket_id)
            .order_by(TicketEventRow.id)
        )
    )


def ticket(ticket_id: int) -> Ticket:
    db.session.expire_all()
    t = db.session.get(Ticket, ticket_id)
    assert t is not None
    return t


def test_intake_routes_a_location_report_to_the_nearest_kelurahan(world) -> None:
    tid = new_ticket(T0)
    t = ticket(tid)
    assert t.assigned_unit_id == world["KEL-UTAN-KAYU-UTARA"]
    assert t.kota_id == world["JKT-TIM"] and t.handling_kota_id == world["JKT-TIM"]
    assert t.status == "waiting" and t.routed_by == "nearest"
    assert t.response_due_at == T0 + timedelta(hours=6)
    assert t.completion_due_at == T0 + timedelta(days=14)  # jalan rusak: bobot 2
    assert history_kinds(tid) == ["received"]


def test_intake_routes_a_non_location_report_to_the_category_agency(world) -> None:
    t = ticket(new_ticket(T0, category="pungutan-liar"))
    assert t.assigned_unit_id == world["INSPEKTORAT-PROVINSI"]
    assert t.handling_kota_id is None  # validated by Biro Pemerintahan
    assert t.kota_id == world["JKT-TIM"]  # but the place is still known


def test_intake_keeps_a_confidential_reporter_in_its_own_table(world) -> None:
    t = ticket(new_ticket(T0))
    assert t.confidentiality == "confidential" and t.reporter_id is not None
    reporter = db.session.get(Reporter, t.reporter_id)
    assert reporter.name == "Siti Rahmawati" and reporter.contact_hash == t.reporter_hash
    with pytest.raises(Exception, match="raise"):
        _ = t.reporter  # never loaded with the ticket by accident


def test_anonymous_intake_stores_no_identity(world) -> None:
    t = ticket(
        new_ticket(T0, reporter={"name": "Siti", "phone": "081234567890", "anonymous": True})
    )
    assert t.confidentiality == "anonymous"
    assert t.reporter_id is None and t.reporter_hash is None
    assert db.session.scalar(select(func.count()).select_from(Reporter)) == 0


def test_intake_publishes_after_commit(world, app: Flask) -> None:
    from dashboard.domain.intake import parse_report
    from dashboard.services import intake

    seen: list[tuple[ev.TicketEvent, int]] = []

    def publish(event: ev.TicketEvent) -> None:
        # Another connection must already see the ticket: the push came after commit.
        with db.engine.connect() as other:
            count = other.scalar(select(func.count()).select_from(Ticket))
        seen.append((event, count))

    from tests.factories import report_payload

    intake.receive_report(
        parse_report(report_payload(), now=T0),
        payload_hash=None,
        actor=Actor.channel("jaki"),
        now=T0,
        publish=publish,
    )
    assert len(seen) == 1
    event, committed = seen[0]
    assert isinstance(event, ev.TicketReceived) and committed == 1
    assert event.kota_id == world["JKT-TIM"] and event.unit_ids == (world["KEL-UTAN-KAYU-UTARA"],)


def test_intake_hands_its_published_event_to_the_handlers_after_commit(
    world, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.domain.intake import parse_report
    from dashboard.services import handlers, intake
    from tests.factories import report_payload

    handled: list[tuple[ev.TicketEvent, list]] = []
    published: list = []
    monkeypatch.setitem(
        handlers.HANDLERS,
        ev.TicketReceived,
        (lambda event, publish: handled.append((event, list(published))),),
    )
    result = intake.receive_report(
        parse_report(report_payload(), now=T0),
        payload_hash=None,
        actor=Actor.channel("jaki"),
        now=T0,
        publish=published.append,
    )
    assert len(handled) == 1
    event, before = handled[0]
    assert isinstance(event, ev.TicketReceived) and event.ticket_id == result.ticket_id
    assert before == [event]  # published first, then handed on
    assert event.repeat_of_id is None and event.event_id is not None


def test_start_work_records_the_response_and_its_margin(world) -> None:
    tid = new_ticket(T0)
    events: list = []
    svc.start_work(
        tid, actor=world.actor("officer_a"), now=T0 + timedelta(hours=2), publish=events.append
    )
    t = ticket(tid)
    assert t.status == "in_progress"
    assert t.first_response_at == T0 + timedelta(hours=2)
    assert t.response_margin_min == 240
    assert history_kinds(tid) == ["received", "work_started"]
    assert [e.kind for e in events] == ["work_started"] and events[0].version == t.version


def test_late_first_response_records_a_negative_margin_frozen(world) -> None:
    tid = new_ticket(T0)
    officer = world.actor("officer_a")
    svc.add_note(
        tid,
        text="dicek",
        kind="note",
        actor=officer,
        now=T0 + timedelta(hours=1),
        publish=svc.no_publish,
    )
    assert ticket(tid).first_response_at is None  # a note is not a response
    svc.start_work(tid, actor=officer, now=T0 + timedelta(hours=8), publish=svc.no_publish)
    svc.dispose(
        tid,
        to_unit_id=world["DINAS-BINA-MARGA"],
        reason="alat berat",
        actor=officer,
        now=T0 + timedelta(hours=9),
        publish=svc.no_publish,
    )
    t = ticket(tid)
    assert t.response_margin_min == -120
    assert t.first_response_at == T0 + timedelta(hours=8)


def test_dispose_moves_the_ticket_and_restarts_the_unworked_clock(world) -> None:
    tid = new_ticket(T0)
    at = T0 + timedelta(hours=3)
    svc.dispose(
        tid,
        to_unit_id=world["DINAS-BINA-MARGA"],
        reason="jalan provinsi",
        actor=world.actor("officer_a"),
        now=at,
        publish=svc.no_publish,
    )
    t = ticket(tid)
    assert t.status == "dispositioned" and t.assigned_unit_id == world["DINAS-BINA-MARGA"]
    assert t.handling_kota_id is None and t.clock_started_at == at
    # The kelurahan no longer sees it; the agency does.
    with pytest.raises(NotFound):
        svc.start_work(tid, actor=world.actor("officer_a"), now=at, publish=svc.no_publish)
    svc.start_work(tid, actor=world.actor("officer_bm"), now=at, publish=svc.no_publish)


def test_hand_back_puts_the_ticket_in_the_mro_routing_queue(world) -> None:
    tid = new_ticket(T0)
    svc.hand_back(
        tid,
        reason="jalan tol, bukan kewenangan",
        actor=world.actor("officer_a"),
        now=T0,
        publish=svc.no_publish,
    )
    t = ticket(tid)
    assert t.status == "waiting" and t.assigned_unit_id is None
    svc.dispose(
        tid,
        to_unit_id=world["DINAS-BINA-MARGA"],
        reason="dialihkan",
        actor=world.actor("mro"),
        now=T0 + timedelta(hours=1),
        publish=svc.no_publish,
    )
    assert ticket(tid).assigned_unit_id == world["DINAS-BINA-MARGA"]


def test_coordination_lets_supporting_units_see_and_note_but_not_complete(world) -> None:
    tid = new_ticket(T0)
    svc.start_work(tid, actor=world.actor("officer_a"), now=T0, publish=svc.no_publish)
    svc.coordinate(
        tid,
        unit_ids=[world["DINAS-BINA-MARGA"]],
        note="perlu alat berat",
        actor=world.actor("officer_a"),
        now=T0,
        publish=svc.no_publish,
    )
    t = ticket(tid)
    assert t.status == "coordinating"
    assert t.supporting_unit_ids == {world["DINAS-BINA-MARGA"]}
    helper = world.actor("officer_bm")
    svc.add_note(
        tid, text="alat dikirim besok", kind="note", actor=helper, now=T0, publish=svc.no_publish
    )
    from dashboard.domain.workflow import NotPermitted

    with pytest.raises(NotPermitted):
        svc.complete(
            tid, note="beres", photos=[photo_bytes()], actor=helper, now=T0, publish=svc.no_publish
        )
    assert db.session.scalar(select(func.count()).select_from(TicketSupport)) == 1


def test_ews_replaces_the_completion_deadline(world) -> None:
    tid = new_ticket(T0)
    officer = world.actor("officer_a")
    svc.start_work(tid, actor=officer, now=T0, publish=svc.no_publish)
    ews = T0 + timedelta(days=60)
    svc.set_ews(
        tid, ews_at=ews, reason="menunggu APBD-P", actor=officer, now=T0, publish=svc.no_publish
    )
    t = ticket(tid)
    assert t.status == "ews" and t.ews_at == ews and t.completion_due_at == ews


def test_complete_stores_clean_evidence_and_freezes_the_completion_margin(world) -> None:
    tid = new_ticket(T0)
    officer = world.actor("officer_a")
    svc.start_work(tid, actor=officer, now=T0, publish=svc.no_publish)
    done = T0 + timedelta(days=2)
    event = svc.complete(
        tid,
        note="lubang ditambal",
        photos=[photo_bytes(), photo_bytes("PNG")],
        actor=officer,
        now=done,
        publish=svc.no_publish,
    )
    t = ticket(tid)
    assert t.status == "awaiting_validation" and t.first_completed_at == done
    assert t.completion_margin_min == 12 * 24 * 60
    photos = list(db.session.scalars(select(Photo).where(Photo.ticket_id == tid)))
    assert len(photos) == 2 and {p.purpose for p in photos} == {"evidence"}
    assert isinstance(event, ev.TicketCompleted) and set(event.photo_ids) == {p.id for p in photos}
    row = db.session.scalar(select(TicketEventRow).where(TicketEventRow.kind == "completed"))
    assert row.data["photo_ids"] == list(event.photo_ids)


def test_complete_with_a_non_image_stores_nothing(world) -> None:
    tid = new_ticket(T0)
    officer = world.actor("officer_a")
    svc.start_work(tid, actor=officer, now=T0, publish=svc.no_publish)
    before = ticket(tid).version
    with pytest.raises(InvalidInput) as info:
        svc.complete(
            tid,
            note="beres",
            photos=[b"%PDF-1.7 not an image"],
            actor=officer,
            now=T0,
            publish=svc.no_publish,
        )
    assert "photos[0]" in info.value.errors
    t = ticket(tid)
    assert t.status == "in_progress" and t.version == before
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    assert history_kinds(tid) == ["received", "work_started"]


def test_full_cycle_low_rating_then_validator_reopen_then_verify(world) -> None:
    tid = new_ticket(T0)
    officer, validator = world.actor("officer_a"), world.actor("validator_tim")
    svc.start_work(tid, actor=officer, now=T0, publish=svc.no_publish)
    svc.complete(
        tid,
        note="sudah",
        photos=[photo_bytes()],
        actor=officer,
        now=T0 + timedelta(days=1),
        publish=svc.no_publish,
    )
    svc.rate(
        tid,
        rating=1,
        fixed=False,
        comment="masih berlubang",
        actor=Actor.channel("jaki"),
        now=T0 + timedelta(days=2),
        publish=svc.no_publish,
    )
    assert ticket(tid).status == "awaiting_validation"  # recorded; the job reopens it
    validation.reopen_low_rated(now=T0 + timedelta(days=2), publish=svc.no_publish)
    t = ticket(tid)
    assert t.status == "reopened" and not t.reopen_confirmed and t.rating == 1
    with pytest.raises(InvalidTransition):
        svc.start_work(tid, actor=officer, now=T0 + timedelta(days=2), publish=svc.no_publish)
    svc.reopen(
        tid,
        reason="foto lokasi lain",
        actor=validator,
        now=T0 + timedelta(days=3),
        publish=svc.no_publish,
    )
    t = ticket(tid)
    assert t.reopen_confirmed and t.redo_due_at == T0 + timedelta(days=6)
    svc.start_work(tid, actor=officer, now=T0 + timedelta(days=3), publish=svc.no_publish)
    svc.complete(
        tid,
        note="ditambal ulang",
        photos=[photo_bytes()],
        actor=officer,
        now=T0 + timedelta(days=4),
        publish=svc.no_publish,
    )
    assert ticket(tid).first_completed_at == T0 + timedelta(days=1)  # first stays first
    svc.verify(
        tid,
        note="cek lapangan ok",
        field_verified=True,
        actor=validator,
        now=T0 + timedelta(days=5),
        publish=svc.no_publish,
    )
    t = ticket(tid)
    assert t.status == "verified" and t.closed_at == T0 + timedelta(days=5)
    assert history_kinds(tid) == [
        "received",
        "work_started",
        "completed",
        "rated",
        "returned_for_review",
        "reopened",
        "work_started",
        "completed",
        "verified",
    ]


def test_low_rating_after_verification_reopens_and_clears_closed_at(world) -> None:
    tid = new_ticket(T0)
    officer, validator = world.actor("officer_a"), world.actor("validator_tim")
    svc.start_work(tid, actor=officer, now=T0, publish=svc.no_publish)
    svc.complete(
        tid, note="sudah", photos=[photo_bytes()], actor=officer, now=T0, publish=svc.no_publish
    )
    svc.verify(tid, note="", field_verified=False, actor=validator, now=T0, publish=svc.no_publish)
    assert ticket(tid).closed_at == T0
    svc.rate(
        tid,
        rating=1,
        fixed=False,
        comment="banjir lagi",
        actor=Actor.channel("jaki"),
        now=T0 + timedelta(days=3),
        publish=svc.no_publish,
    )
    validation.reopen_low_rated(now=T0 + timedelta(days=3), publish=svc.no_publish)
    t = ticket(tid)
    assert t.status == "reopened" and t.closed_at is None


def test_kota_validator_cannot_validate_province_level_tickets(world) -> None:
    tid = new_ticket(T0, category="pungutan-liar")
    with pytest.raises(NotFound):
        svc.verify(
            tid,
            note="",
            field_verified=False,
            actor=world.actor("validator_tim"),
            now=T0,
            publish=svc.no_publish,
        )


def test_reject_as_duplicate_links_the_original(world) -> None:
    first = new_ticket(T0)
    second = new_ticket(T0, external_id="JAKI-0002")
    svc.reject(
        second,
        reason="laporan sama",
        duplicate_of_id=first,
        actor=world.actor("officer_a"),
        now=T0,
        publish=svc.no_publish,
    )
    t = ticket(second)
    assert t.status == "rejected" and t.duplicate_of_id == first and t.closed_at == T0


def test_refused_action_stores_nothing_and_publishes_nothing(world) -> None:
    tid = new_ticket(T0)
    events: list = []
    with pytest.raises(InvalidTransition):
        svc.verify(
            tid,
            note="",
            field_verified=False,
            actor=world.actor("validator_tim"),
            now=T0,
            publish=events.append,
        )
    assert events == [] and history_kinds(tid) == ["received"] and ticket(tid).version == 1


def test_stale_version_from_the_form_is_a_conflict(world) -> None:
    tid = new_ticket(T0)
    seen_version = ticket(tid).version
    svc.add_note(
        tid,
        text="MRO menelepon lurah",
        kind="warning",
        actor=world.actor("mro"),
        now=T0,
        publish=svc.no_publish,
    )
    with pytest.raises(Conflict):
        svc.start_work(
            tid,
            actor=world.actor("officer_a"),
            now=T0,
            publish=svc.no_publish,
            expected_version=seen_version,
        )
    assert ticket(tid).status == "waiting"


def test_concurrent_writers_do_not_lose_updates(world, app: Flask, monkeypatch) -> None:
    """Two sessions read the same version of a ticket; the second writer gets a conflict."""
    tid = new_ticket(T0)
    officer, mro = world.actor("officer_a"), world.actor("mro")
    if db.engine.dialect.name == "sqlite":
        # SQLite serialises writers (BEGIN IMMEDIATE), so two cannot both read
        # before writing; the version the form carries is what catches it there.
        first_seen = ticket(tid).version
        svc.start_work(
            tid, actor=officer, now=T0, publish=svc.no_publish, expected_version=first_seen
        )
        with pytest.raises(Conflict):
            svc.dispose(
                tid,
                to_unit_id=world["DINAS-BINA-MARGA"],
                reason="x",
                actor=mro,
                now=T0,
                publish=svc.no_publish,
                expected_version=first_seen,
            )
        assert ticket(tid).status == "in_progress"
        return

    barrier = threading.Barrier(2, timeout=10)
    original = svc.load_visible

    def load_then_wait(ticket_id: int, actor: Actor) -> Ticket:
        t = original(ticket_id, actor)
        barrier.wait()  # both have read version 1 before either writes
        return t

    monkeypatch.setattr(svc, "load_visible", load_then_wait)
    outcomes: dict[str, str] = {}

    def run(name: str, fn) -> None:
        with app.app_context():
            try:
                fn()
                outcomes[name] = "ok"
            except Conflict:
                outcomes[name] = "conflict"
            finally:
                db.session.remove()

    threads = [
        threading.Thread(
            target=run,
            args=(
                "start",
                lambda: svc.start_work(tid, actor=officer, now=T0, publish=svc.no_publish),
            ),
        ),
        threading.Thread(
            target=run,
            args=(
                "dispose",
                lambda: svc.dispose(
                    tid,
                    to_unit_id=world["DINAS-BINA-MARGA"],
                    reason="x",
                    actor=mro,
                    now=T0,
                    publish=svc.no_publish,
                ),
            ),
        ),
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join(20)
    assert sorted(outcomes.values()) == ["conflict", "ok"], outcomes
    t = ticket(tid)
    assert t.version == 2 and len(history_kinds(tid)) == 2
