"""The escalate job on a real database, with the clock moved, never slept."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from sqlalchemy import func, select

from dashboard.domain.workflow import Actor
from dashboard.extensions import db
from dashboard.models import Category, Escalation, Ticket, TicketEventRow
from dashboard.services import escalation
from dashboard.services import workflow as svc
from jobs import escalate as escalate_job
from jobs.scheduler import LeaderLock
from tests.conftest import T0
from tests.factories import build_world, new_ticket

H = timedelta(hours=1)


@pytest.fixture
def world(app: Flask):
    with app.app_context():
        yield build_world(T0)


def run_job(app: Flask, at) -> int:
    with time_machine.travel(at, tick=False):
        return escalate_job.run(app)


def escalations_of(ticket_id: int) -> list[dict]:
    db.session.rollback()  # a fresh snapshot: the job committed in its own session
    return list(
        db.session.scalars(
            select(TicketEventRow.data)
            .where(TicketEventRow.ticket_id == ticket_id, TicketEventRow.kind == "escalated")
            .order_by(TicketEventRow.id)
        )
    )


def levels_of(ticket_id: int) -> list[str]:
    return [d["level"] for d in escalations_of(ticket_id)]


def test_first_run_acts_and_second_run_is_a_no_op(world, app: Flask) -> None:
    tid = new_ticket(T0)
    assert run_job(app, T0 + 25 * H) == 2  # late (6 h) and level 1 (24 h)
    assert run_job(app, T0 + 25 * H) == 0
    assert levels_of(tid) == ["late", "level1"]
    t = db.session.get(Ticket, tid)
    assert t.escalation_level == 1


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (timedelta(hours=23, minutes=59), ["late"]),
        (timedelta(hours=24), ["late", "level1"]),
        (timedelta(hours=47, minutes=59), ["late", "level1"]),
        (timedelta(hours=48), ["late", "level1", "level2"]),
    ],
)
def test_job_escalates_at_the_exact_boundaries(world, app: Flask, age, expected) -> None:
    tid = new_ticket(T0)
    run_job(app, T0 + age)
    assert levels_of(tid) == expected


def test_catch_up_after_a_six_hour_outage_raises_each_level_once(world, app: Flask) -> None:
    tid = new_ticket(T0)
    # Ticks every minute up to 44 h, then the scheduler is down for six hours.
    for minute in range(0, 44 * 60, 60):
        run_job(app, T0 + timedelta(minutes=minute))
    assert levels_of(tid) == ["late", "level1"]
    back = T0 + 50 * H
    assert run_job(app, back) == 1
    assert run_job(app, back + timedelta(minutes=1)) == 0
    history = escalations_of(tid)
    assert [d["level"] for d in history] == ["late", "level1", "level2"]
    # Noticed late, but the history keeps when it fell due.
    assert history[-1]["due_at"] == (T0 + 48 * H).isoformat()
    assert db.session.scalar(select(func.count()).select_from(Escalation)) == 3


def test_the_category_response_deadline_is_used(world, app: Flask) -> None:
    db.session.get(Category, world["sampah"]).response_hours = 2
    db.session.commit()
    tid = new_ticket(T0, category="sampah")
    run_job(app, T0 + timedelta(hours=1, minutes=59))
    assert levels_of(tid) == []
    run_job(app, T0 + 2 * H)
    assert levels_of(tid) == ["late"]


def test_working_the_ticket_stops_the_unworked_clock(world, app: Flask) -> None:
    tid = new_ticket(T0)
    svc.start_work(tid, actor=world.actor("officer_a"), now=T0 + 1 * H, publish=svc.no_publish)
    run_job(app, T0 + 60 * H)
    assert levels_of(tid) == []


def test_a_note_does_not_count_as_working_it(world, app: Flask) -> None:
    tid = new_ticket(T0)
    svc.add_note(
        tid,
        text="nanti dicek",
        kind="note",
        actor=world.actor("officer_a"),
        now=T0 + 1 * H,
        publish=svc.no_publish,
    )
    run_job(app, T0 + 25 * H)
    assert levels_of(tid) == ["late", "level1"]


def test_level_two_warns_the_parent_unit(world, app: Flask) -> None:
    tid = new_ticket(T0)
    run_job(app, T0 + 48 * H)
    level2 = escalations_of(tid)[-1]
    assert level2["level"] == "level2" and level2["notify_unit_id"] == world["KEC-MATRAMAN"]
    level1 = escalations_of(tid)[-2]
    assert level1["notify_unit_id"] == world["KEL-UTAN-KAYU-UTARA"]


def test_a_disposition_gives_the_new_unit_a_fresh_cycle(world, app: Flask) -> None:
    tid = new_ticket(T0)
    run_job(app, T0 + 25 * H)
    svc.dispose(
        tid,
        to_unit_id=world["DINAS-BINA-MARGA"],
        reason="jalan provinsi",
        actor=world.actor("mro"),
        now=T0 + 26 * H,
        publish=svc.no_publish,
    )
    assert db.session.get(Ticket, tid).escalation_level == 0
    run_job(app, T0 + 49 * H)
    assert levels_of(tid) == ["late", "level1"]  # the agency's 24 h have not run out
    run_job(app, T0 + 50 * H)
    assert levels_of(tid) == ["late", "level1", "level1"]


def test_ews_moves_the_overdue_escalation_to_the_ews_date(world, app: Flask) -> None:
    tid = new_ticket(T0)
    officer = world.actor("officer_a")
    svc.start_work(tid, actor=officer, now=T0, publish=svc.no_publish)
    svc.set_ews(
        tid,
        ews_at=T0 + timedelta(days=40),
        reason="anggaran",
        actor=officer,
        now=T0,
        publish=svc.no_publish,
    )
    run_job(app, T0 + timedelta(days=20))  # past the 14-day deadline it replaced
    assert levels_of(tid) == []
    run_job(app, T0 + timedelta(days=40))
    assert levels_of(tid) == ["overdue"]


def test_a_completion_escalates_only_to_its_validator_when_validation_runs_late(
    world, app: Flask
) -> None:
    from tests.factories import photo_bytes

    tid = new_ticket(T0)
    officer = world.actor("officer_a")
    svc.start_work(tid, actor=officer, now=T0, publish=svc.no_publish)
    svc.complete(
        tid,
        note="selesai",
        photos=[photo_bytes()],
        actor=officer,
        now=T0 + 1 * H,
        publish=svc.no_publish,
    )
    run_job(app, T0 + 1 * H + timedelta(days=2) - timedelta(minutes=1))
    assert levels_of(tid) == []
    run_job(app, T0 + timedelta(days=30))
    history = escalations_of(tid)
    assert [d["level"] for d in history] == ["validation"]
    assert history[0]["notify_unit_id"] == world["BAGPEM-JKT-TIM"]


def test_closed_tickets_are_left_alone(world, app: Flask) -> None:
    tid = new_ticket(T0)
    svc.reject(
        tid,
        reason="iseng",
        duplicate_of_id=None,
        actor=world.actor("mro"),
        now=T0,
        publish=svc.no_publish,
    )
    run_job(app, T0 + timedelta(days=30))
    assert levels_of(tid) == []


def test_escalations_are_published_after_commit(world, app: Flask) -> None:
    new_ticket(T0)
    seen: list = []
    with time_machine.travel(T0 + 7 * H, tick=False):
        result = escalation.sweep(now=T0 + 7 * H, publish=seen.append)
    assert result.raised == {"late": 1}
    assert [e.kind for e in seen] == ["escalated"] and seen[0].event_id is not None


def test_run_once_command_runs_the_job(world, app: Flask) -> None:
    new_ticket(T0)
    runner = app.test_cli_runner()
    with time_machine.travel(T0 + 25 * H, tick=False):
        out = runner.invoke(args=["jobs", "run-once", "escalate"])
        again = runner.invoke(args=["jobs", "run-once", "escalate"])
    assert out.exit_code == 0 and out.output.strip() == "escalate: 2"
    assert again.output.strip() == "escalate: 0"
    assert runner.invoke(args=["jobs", "run-once", "nope"]).exit_code != 0


def test_two_concurrent_sweeps_raise_each_escalation_exactly_once(world, app: Flask) -> None:
    """On PostgreSQL the two sweeps really overlap; on SQLite they queue for the lock."""
    ids = [new_ticket(T0, external_id=f"C-{i}") for i in range(12)]
    now = T0 + 49 * H
    barrier = threading.Barrier(2, timeout=20)
    results: list = []

    def sweep_once() -> None:
        with app.app_context():
            barrier.wait()
            results.append(escalation.sweep(now=now, publish=svc.no_publish))
            db.session.remove()

    threads = [threading.Thread(target=sweep_once) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert sum(r.total for r in results) == 12 * 3
    for tid in ids:
        assert sorted(levels_of(tid)) == ["late", "level1", "level2"]
    assert db.session.scalar(select(func.count()).select_from(Escalation)) == 36


def test_only_one_scheduler_holds_the_leader_lock(world, app: Flask) -> None:
    first, second = LeaderLock(app), LeaderLock(app)
    assert first.try_acquire()
    try:
        assert not second.try_acquire()
    finally:
        first.release()
    assert second.try_acquire()
    second.release()


def test_channel_actor_cannot_escalate(world, app: Flask) -> None:
    from dashboard.domain.workflow import Escalate, NotPermitted
    from dashboard.services.workflow import act

    tid = new_ticket(T0)
    with pytest.raises(NotPermitted):
        act(
            tid,
            Escalate(level="late"),
            actor=Actor.channel("jaki"),
            now=T0 + 7 * H,
            publish=svc.no_publish,
        )
    assert levels_of(tid) == []


def test_demo_data_leaves_nothing_for_the_first_sweep(app: Flask) -> None:
    """The generator escalates by the job's own rule, so a sweep right after finds nothing."""
    from dashboard.demo.generate import generate_tickets
    from dashboard.demo.seed import seed_reference

    with app.app_context():
        seed_reference(T0)
        generate_tickets(1500, seed=11, now=T0)
        assert db.session.scalar(select(func.count()).select_from(Escalation)) > 0
        result = escalation.sweep(now=T0, publish=svc.no_publish)
        assert (result.total, result.skipped) == (0, 0)
