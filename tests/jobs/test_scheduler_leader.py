"""The scheduler checks its leader lock before every job run (issue 10, section 5).

Two schedulers of one database: only the one holding the lock runs jobs.
When the leader's lock connection is killed (``pg_terminate_backend``), the
standby takes over at its next check and the old leader, at its next tick,
notices it lost the lock and runs nothing. Ticks are called directly
(``Leadership.run`` is what APScheduler calls), so no test waits for a
schedule.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from jobs import Job
from jobs.scheduler import LeaderLock, Leadership, start_in_background
from tests.conftest import PG_URL, _pg_url_with_schema, make_app


def counting(name: str, runs: list[str]) -> Job:
    def func(_app: Flask) -> int:
        runs.append(name)
        return 1

    return Job(id="count", func=func, trigger="interval")


@pytest.fixture
def pg_app(tmp_path: object) -> Iterator[Flask]:
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL variant not run")
    # A key of this test's own: the test database is shared by concurrent runs.
    key = random.randrange(1 << 40, 1 << 50)
    yield from make_app("postgresql", tmp_path, {"SCHEDULER_LOCK_KEY": key})


def kill_lock_holder(app: Flask) -> None:
    """What an operator (or a failover) does: end the session holding the advisory lock."""
    key = app.config["SCHEDULER_LOCK_KEY"]
    holders = sa.text(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND classid::bigint = :hi AND objid::bigint = :lo AND objsubid = 1"
    )
    params = {"hi": key >> 32, "lo": key & 0xFFFFFFFF}
    admin = sa.create_engine(_pg_url_with_schema("public"))
    try:
        with admin.connect() as conn:
            [pid] = conn.execute(holders, params).scalars().all()
            assert conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
            conn.commit()
            deadline = time.monotonic() + 10  # the backend exits asynchronously
            while conn.execute(holders, params).first() is not None:
                conn.commit()
                assert time.monotonic() < deadline, "the killed session still holds the lock"
                time.sleep(0.05)
    finally:
        admin.dispose()


def tick(schedulers: dict[str, Leadership], app: Flask, runs: list[str]) -> None:
    for name, leadership in schedulers.items():
        leadership.run(counting(name, runs), app)


def test_a_leader_that_lost_its_lock_connection_stops_and_the_standby_takes_over(
    pg_app: Flask,
) -> None:
    old, standby = Leadership(pg_app), Leadership(pg_app)
    schedulers = {"old": old, "standby": standby}
    runs: list[str] = []
    try:
        tick(schedulers, pg_app, runs)
        tick(schedulers, pg_app, runs)
        assert runs == ["old", "old"]

        kill_lock_holder(pg_app)
        assert standby.check()  # the standby's periodic check takes the free lock
        runs.clear()
        for _ in range(3):
            tick(schedulers, pg_app, runs)
        assert runs == ["standby"] * 3  # the old leader noticed and runs nothing
        assert not old.leading

        # And the other way round: whoever checks first after a loss leads, alone.
        kill_lock_holder(pg_app)
        runs.clear()
        for _ in range(3):
            tick(schedulers, pg_app, runs)
        assert runs == ["old"] * 3
        assert old.leading and not standby.leading
    finally:
        old.release()
        standby.release()


def test_the_lock_check_sees_the_lock_itself_not_just_a_live_connection(pg_app: Flask) -> None:
    leadership = Leadership(pg_app)
    assert leadership.check()
    try:
        conn = leadership.lock._conn
        conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": leadership.lock.key})
        conn.commit()
        # Someone else takes the lock meanwhile: this scheduler must see it lost it.
        other = LeaderLock(pg_app)
        assert other.try_acquire()
        runs: list[str] = []
        assert leadership.run(counting("first", runs), pg_app) is None
        assert runs == []
        other.release()
    finally:
        leadership.release()


def test_the_embedded_scheduler_stands_by_and_takes_over_when_the_other_stops(
    sqlite_app: Flask,
) -> None:
    dedicated = LeaderLock(sqlite_app)  # `flask jobs run` holds the file lock
    assert dedicated.try_acquire()
    scheduler = start_in_background(sqlite_app)
    try:
        embedded: Leadership = scheduler.pantau_leadership
        runs: list[str] = []
        embedded.run(counting("embedded", runs), sqlite_app)
        assert runs == [] and not embedded.leading
        assert {job.id for job in scheduler.get_jobs()} >= {"escalate", "leader-check"}

        dedicated.release()  # the dedicated scheduler stops
        check: Callable[[], bool] = scheduler.get_job("leader-check").func
        assert check()  # its next periodic check takes over
        embedded.run(counting("embedded", runs), sqlite_app)
        assert runs == ["embedded"]
    finally:
        scheduler.shutdown(wait=False)
        scheduler.pantau_leadership.release()


def test_a_removed_lock_file_is_a_lost_lock(sqlite_app: Flask) -> None:
    first = Leadership(sqlite_app)
    assert first.check()
    try:
        path = Path(first.lock._file.name)
        os.unlink(path)  # a clean-up removed it; a second scheduler could now lock a new file
        second = Leadership(sqlite_app)
        assert second.check()
        runs: list[str] = []
        first.run(counting("first", runs), sqlite_app)
        second.run(counting("second", runs), sqlite_app)
        assert runs == ["second"]
        second.release()
    finally:
        first.release()


def test_checks_from_the_scheduler_s_threads_at_once_keep_one_steady_leader(
    sqlite_app: Flask,
) -> None:
    """APScheduler runs jobs in a thread pool: their checks may overlap."""
    leadership = Leadership(sqlite_app)
    barrier = threading.Barrier(8)
    answers: list[bool] = []

    def tick() -> None:
        barrier.wait(5)
        answers.append(leadership.check())

    threads = [threading.Thread(target=tick) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert answers == [True] * 8
        assert leadership.leading and leadership.lock.still_held()
    finally:
        leadership.release()
    other = LeaderLock(sqlite_app)
    assert other.try_acquire()  # released for real: nothing leaked
    other.release()
