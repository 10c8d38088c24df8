"""Engine settings that differ by database.

SQLite (the embedded default): WAL, synchronous=NORMAL, a busy timeout.
Reads run in deferred transactions (they never block anyone under WAL); every
use case that writes calls ``begin_write()`` first, which starts its
transaction with BEGIN IMMEDIATE, so concurrent writers queue for the lock
instead of failing with SQLITE_BUSY halfway through.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask.typing import ResponseReturnValue
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from .extensions import db


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from pysqlite so that we can BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
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
        session.connection(execution_options={"sqlite_immediate": True})
