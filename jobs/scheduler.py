"""The scheduler process: APScheduler 3 with the JOBS list, behind a leader lock.

Only one scheduler may run the jobs at a time (APScheduler 3 cannot share a
job store between schedulers). The lock is a PostgreSQL advisory lock held on
a dedicated connection, or an exclusive file lock next to the SQLite
database. A second scheduler started by mistake waits as a standby and takes
over when the first one stops. (The jobs are safe under two concurrent runs
anyway; the lock avoids doing the work twice.)
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from . import JOBS, SCHEDULE_DEFAULTS

log = logging.getLogger(__name__)
ADVISORY_KEY = 0x50414E54  # "PANT"


class LeaderLock:
    """Held while this process is the one scheduler."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._conn: Any = None
        self._file: Any = None

    def try_acquire(self) -> bool:
        from dashboard.extensions import db

        with self.app.app_context():
            engine = db.engine
        if engine.dialect.name == "postgresql":
            conn = engine.connect()
            got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY})
            if got.scalar():
                conn.commit()
                self._conn = conn
                return True
            conn.close()
            return False
        # Next to the database it guards: two databases, two leaders.
        database = engine.url.database
        if not database or database == ":memory:":
            path = os.path.join(self.app.instance_path, "scheduler.lock")
        else:
            path = f"{database}.scheduler-lock"
        handle = open(path, "a+")  # noqa: SIM115 - held open for the lock's lifetime
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        return True

    def release(self) -> None:
        if self._conn is not None:
            self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
            self._conn.close()
            self._conn = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


@contextmanager
def leadership(app: Flask, *, wait: bool, poll_seconds: float = 10.0) -> Iterator[bool]:
    """Become the leader (waiting as a standby when ``wait``); yields whether we lead."""
    lock = LeaderLock(app)
    acquired = lock.try_acquire()
    while not acquired and wait:
        log.info("another scheduler is running; standing by")
        time.sleep(poll_seconds)
        acquired = lock.try_acquire()
    try:
        yield acquired
    finally:
        if acquired:
            lock.release()


def add_jobs(scheduler: BaseScheduler, app: Flask) -> None:
    for job in JOBS:
        scheduler.add_job(
            job.func,
            job.trigger,
            args=[app],
            id=job.id,
            name=job.description,
            replace_existing=True,
            **job.trigger_args,
            **SCHEDULE_DEFAULTS,
        )


def run_forever(app: Flask) -> None:
    """``flask jobs run``: the dedicated scheduler process."""
    with leadership(app, wait=True):
        scheduler = BlockingScheduler(timezone="UTC")
        add_jobs(scheduler, app)
        log.info("scheduler started: %s", ", ".join(j.id for j in JOBS))
        with suppress(KeyboardInterrupt, SystemExit):
            scheduler.start()


def start_in_background(app: Flask) -> BackgroundScheduler | None:
    """The embedded default: jobs run inside the web process, if no other scheduler leads."""
    lock = LeaderLock(app)
    if not lock.try_acquire():
        log.info("another scheduler is running; this process runs no jobs")
        return None
    scheduler = BackgroundScheduler(timezone="UTC")
    add_jobs(scheduler, app)
    scheduler.start()
    scheduler.pantau_lock = lock  # held as long as the scheduler
    return scheduler
