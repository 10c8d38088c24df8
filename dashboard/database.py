"""Engine settings that differ by database.

SQLite (the embedded default): WAL, synchronous=NORMAL, a busy timeout.
Reads run in deferred transactions (they never block anyone under WAL); every
use case that writes calls ``begin_write()`` first, which starts its
transaction with BEGIN IMMEDIATE, so concurrent writers queue for the lock
instead of failing with SQLITE_BUSY halfway through.

Writers of one process first queue in that process, first come first served
(``WriterQueue``), and take SQLite's lock only at their turn. SQLite's own
busy handler polls with sleeps of up to 100 ms and serves no one in order:
under a steady load an unlucky writer kept missing the lock until its wait
neared the busy timeout. Writers of other processes (a CLI command, the
scheduler) still meet at SQLite's lock, with the busy timeout.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from flask import Flask, request
from flask.typing import ResponseReturnValue
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction

from .extensions import db

BUSY_TIMEOUT_S = 10


class WriterQueue:
    """A first-come-first-served lock: each release hands the lock to the oldest waiter."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        if turn.acquire(timeout=timeout):
            return True
        with self._mutex:
            if turn in self._waiters:
                self._waiters.remove(turn)
                return False
        return True  # handed over just as the wait ran out: it is ours

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()  # still held: now by that waiter
            else:
                self._held = False


_queues: dict[str, WriterQueue] = {}
_queues_lock = threading.Lock()


def _queue_for(engine: Engine) -> WriterQueue:
    key = engine.url.render_as_string()
    with _queues_lock:
        return _queues.setdefault(key, WriterQueue())


def _release_writer(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        queue = session.info.pop("pantau_writer", None)
        if queue is not None:
            queue.release()


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from pysqlite so that we can BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def setup_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    if not event.contains(engine, "connect", _sqlite_connect):
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    if not event.contains(Session, "after_transaction_end", _release_writer):
        event.listen(Session, "after_transaction_end", _release_writer)


class App(Flask):
    """Flask, with a read retried once when its database connection is lost under it.

    A PostgreSQL restart or failover (or ``pg_terminate_backend``) kills the
    connection a request holds; the pool pings before handing one out, so a
    second try gets a live connection. Only GET and HEAD are tried again (they
    change nothing); anything else, or a second loss, reaches the error
    handler: 503 with Retry-After.
    """

    def dispatch_request(self) -> ResponseReturnValue:
        try:
            return super().dispatch_request()
        except DBAPIError as exc:
            if not exc.connection_invalidated or request.method not in ("GET", "HEAD"):
                raise
            self.logger.warning("database connection lost during %s; trying again", request.path)
            db.session.rollback()
            return super().dispatch_request()


def configure_engine(app: Flask) -> None:
    with app.app_context():
        setup_sqlite(db.engine)


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def begin_write() -> None:
    """Start the session's transaction as a write transaction.

    Ends whatever read transaction the request had open (the log-in lookup
    starts one), then begins anew; on SQLite with BEGIN IMMEDIATE.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
    if db.engine.dialect.name == "sqlite":
        queue = _queue_for(db.engine)
        # Waiting longer than SQLite would: past it, BEGIN IMMEDIATE decides (and says so).
        if queue.acquire(timeout=BUSY_TIMEOUT_S):
            session.info["pantau_writer"] = queue
        try:
            session.connection(execution_options={"sqlite_immediate": True})
        except BaseException:
            session.rollback()  # ends the transaction, which lets the queue move on
            left = session.info.pop("pantau_writer", None)
            if left is not None:
                left.release()
            raise
