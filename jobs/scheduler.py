"""The scheduler process: APScheduler 3 with the JOBS list, behind a leader lock.

Only one scheduler may run the jobs at a time (APScheduler 3 cannot share a
job store between schedulers). The lock is a PostgreSQL advisory lock held on
a dedicated connection, or an exclusive file lock next to the SQLite
database. Every scheduler (the dedicated ``flask jobs run`` process or the
embedded one in ``python wsgi.py``) schedules every job, but a job runs only
after ``Leadership.check()`` says this process leads: it verifies that the
lock is still held (a killed lock connection, a database restart or a
removed lock file lose it) and otherwise tries to take it. A standby thus
takes over within ``CHECK_SECONDS`` of the leader going away, and a leader
that lost its lock stops running jobs at once instead of running them
alongside the new one. (The jobs are safe under two concurrent runs anyway;
the lock avoids doing the work twice.)
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from contextlib import suppress
from typing import Any

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from . import JOBS, SCHEDULE_DEFAULTS, Job

log = logging.getLogger(__name__)
ADVISORY_KEY = 0x50414E54  # "PANT"
# How often a scheduler checks its lock between job runs (a standby: tries to take it).
CHECK_SECONDS = 15

# This session's own advisory lock (a bigint key is split into classid/objid).
_HOLDS_LOCK = sa.text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = pg_backend_pid() AND classid::bigint = :hi AND objid::bigint = :lo AND objsubid = 1"
)


class LeaderLock:
    """Held while this process is the one scheduler."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        # Advisory locks are per database: deployments (or test runs) sharing
        # one database in different schemas need keys of their own.
        self.key = int(app.config.get("SCHEDULER_LOCK_KEY") or ADVISORY_KEY)
        self._conn: Any = None
        self._file: Any = None

    def try_acquire(self) -> bool:
        from dashboard.extensions import db

        with self.app.app_context():
            engine = db.engine
        if engine.dialect.name == "postgresql":
            conn = engine.connect()
            try:
                got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key})
                if got.scalar():
                    conn.commit()
                    self._conn = conn
                    return True
            except Exception:
                conn.invalidate()
                conn.close()
                raise
            conn.close()
            return False
        path = self._path(engine)
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

    def _path(self, engine: sa.Engine) -> str:
        # Next to the database it guards: two databases, two leaders.
        database = engine.url.database
        if not database or database == ":memory:":
            return os.path.join(self.app.instance_path, "scheduler.lock")
        return f"{database}.scheduler-lock"

    def still_held(self) -> bool:
        """Whether the lock taken by ``try_acquire`` is still ours (asks the database)."""
        if self._conn is not None:
            try:
                held = self._conn.execute(
                    _HOLDS_LOCK, {"hi": self.key >> 32, "lo": self.key & 0xFFFFFFFF}
                ).scalar()
                self._conn.commit()
            except Exception as exc:  # the connection was killed, or the server restarted
                log.warning("scheduler lock connection failed: %s", exc)
                self._conn.invalidate()
                self._conn.close()
                self._conn = None
                return False
            return bool(held)
        if self._file is not None:
            # An flock on an open file is never taken away, but the file may have
            # been removed (and another process locked a new one): then it is lost.
            try:
                return os.fstat(self._file.fileno()).st_ino == os.stat(self._file.name).st_ino
            except OSError:
                return False
        return False

    def release(self) -> None:
        if self._conn is not None:
            with suppress(Exception):  # a dead connection holds no lock any more
                self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            with suppress(Exception):
                self._conn.close()
            self._conn = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class Leadership:
    """This process's claim to be the one scheduler, checked before every job run."""

    def __init__(self, app: Flask) -> None:
        self.lock = LeaderLock(app)
        self.leading = False
        # APScheduler runs jobs (and so checks) in a thread pool: one check at a time.
        self._checking = threading.Lock()

    def check(self) -> bool:
        """Whether this process leads now: verify the lock held, else try to take it."""
        with self._checking:
            return self._check()

    def _check(self) -> bool:
        if self.leading:
            if self.lock.still_held():
                return True
            log.warning("scheduler lost its leader lock: running no jobs until it leads again")
            self.lock.release()
            self.leading = False
        try:
            self.leading = self.lock.try_acquire()
        except Exception:  # the database is away: stand by, try again at the next check
            log.exception("scheduler could not try the leader lock")
            self.leading = False
        if self.leading:
            log.info("scheduler took the leader lock: it runs the jobs")
        return self.leading

    def run(self, job: Job, app: Flask) -> int | None:
        """One tick of ``job``: run it if this process leads (None when it did not run)."""
        if not self.check():
            log.debug("not the leader: %s not run", job.id)
            return None
        return job.func(app)

    def release(self) -> None:
        with self._checking:
            if self.leading:
                self.lock.release()
                self.leading = False


def add_jobs(scheduler: BaseScheduler, app: Flask, leadership: Leadership) -> None:
    for job in JOBS:
        scheduler.add_job(
            leadership.run,
            job.trigger,
            args=[job, app],
            id=job.id,
            name=job.description,
            replace_existing=True,
            **job.trigger_args,
            **SCHEDULE_DEFAULTS,
        )
    # Between runs as well: a standby takes over soon, a lost lock is noticed (and logged).
    scheduler.add_job(
        leadership.check,
        "interval",
        seconds=CHECK_SECONDS,
        id="leader-check",
        name="Check (or take) the scheduler's leader lock.",
        replace_existing=True,
        **SCHEDULE_DEFAULTS,
    )


def _start(scheduler: BaseScheduler, app: Flask) -> Leadership:
    leadership = Leadership(app)
    if not leadership.check():
        log.info("another scheduler is running; standing by")
    add_jobs(scheduler, app, leadership)
    return leadership


def run_forever(app: Flask) -> None:
    """``flask jobs run``: the dedicated scheduler process (leader or standby)."""
    scheduler = BlockingScheduler(timezone="UTC")
    leadership = _start(scheduler, app)
    log.info("scheduler started: %s", ", ".join(j.id for j in JOBS))
    try:
        with suppress(KeyboardInterrupt, SystemExit):
            scheduler.start()
    finally:
        leadership.release()


def start_in_background(app: Flask) -> BackgroundScheduler:
    """The embedded default: jobs run inside the web process whenever it leads.

    If another scheduler leads, this one stands by and takes over when it goes.
    """
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.pantau_leadership = _start(scheduler, app)  # held as long as the scheduler
    scheduler.start()
    return scheduler
