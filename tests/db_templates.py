"""Databases built once per test session and copied into each test.

Creating the schema and seeding the test town (``factories.build_world``) took
about a second of every HTTP test's setup. Both always come out the same, so
this module builds them once per backend and copies them:

- SQLite: a template file holding the schema; each test gets a file copy.
- PostgreSQL: the DDL ``create_all`` emits, recorded once and replayed in one
  round trip into a new schema; a finished test's schema is emptied (rows
  deleted, sequences restarted), renamed and handed to the next test instead
  of being dropped, which costs a tenth of dropping and creating one.
- The town: built once into a template (file or schema) by ``build_world``
  itself; ``copy_world`` inserts its rows into a test's still-empty database,
  with the same ids and, on PostgreSQL, the same sequence positions.

A copy is what a test would have built itself, row for row; a test that needs
something else (an empty database, an Alembic-migrated one, a town built after
rows of its own) still builds it the old way.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
import sqlalchemy as sa
from flask import Flask

from dashboard import create_app
from dashboard.extensions import db


@dataclass(frozen=True)
class WorldIds:
    """What tests read from a built town: ids by code and by username, the API key."""

    ids: dict[str, int]
    user_ids: dict[str, int]
    api_key: str


class _Sqlite:
    def __init__(self, config: Callable[[str], dict]) -> None:
        self._config = config
        self._dir: str | None = None
        self._schema: str | None = None
        self._world: tuple[str, WorldIds] | None = None

    def _path(self, name: str) -> str:
        if self._dir is None:
            self._dir = tempfile.mkdtemp(prefix="pantau-templates-")
        return f"{self._dir}/{name}"

    def schema_file(self) -> str:
        if self._schema is None:
            path = self._path("schema.sqlite")
            app = create_app(self._config(f"sqlite:///{path}"))
            with app.app_context():
                db.create_all()
                db.session.remove()
                db.engine.dispose()  # the last close checkpoints the WAL into the file
            self._schema = path
        return self._schema

    def copy_schema(self, target: str) -> None:
        shutil.copyfile(self.schema_file(), target)

    def prepare(self, build: Callable[[], WorldIds]) -> None:
        self.schema_file()
        if self._world is None:
            path = self._path("world.sqlite")
            self.copy_schema(path)
            app = create_app(self._config(f"sqlite:///{path}"))
            with app.app_context():
                ids = build()
                db.session.remove()
                db.engine.dispose()
            self._world = (path, ids)

    def copy_world(self, app: Flask) -> WorldIds | None:
        if self._world is None:
            return None
        path, ids = self._world
        with app.app_context():
            raw = db.engine.raw_connection()
        try:
            con: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
            tables = [t.name for t in db.metadata.sorted_tables]
            con.execute("ATTACH DATABASE ? AS world", (path,))
            try:
                con.execute("BEGIN IMMEDIATE")
                if not _all_empty(con.execute, tables):
                    con.execute("ROLLBACK")
                    return None
                for name in tables:
                    con.execute(f'INSERT INTO main."{name}" SELECT * FROM world."{name}"')
                con.execute("COMMIT")
            finally:
                con.execute("DETACH DATABASE world")
        finally:
            raw.close()
        return ids

    def close(self) -> None:
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)


def _all_empty(execute: Callable[[str], Any], tables: list[str]) -> bool:
    """Whether every table exists and has no row (False when one is missing)."""
    probe = " UNION ALL ".join(
        f'SELECT 1 FROM (SELECT 1 FROM "{t}" LIMIT 1) AS x{i}' for i, t in enumerate(tables)
    )
    try:
        return execute(probe).fetchone() is None
    except (sqlite3.Error, psycopg.Error):
        return False


class _Postgresql:
    def __init__(self, config: Callable[[str], dict], url_for: Callable[[str], str]) -> None:
        self._config = config
        self._url_for = url_for
        self._tag = uuid.uuid4().hex[:8]
        self._admin: sa.Engine | None = None
        self._ddl: str | None = None
        self._emptying: str | None = None
        self._world: tuple[str, WorldIds] | None = None
        self._templates: list[str] = []
        self._spare: list[str] = []  # schemas a finished test left, emptied for the next

    def admin(self) -> sa.Engine:
        if self._admin is None:
            self._admin = sa.create_engine(self._url_for("public"), pool_pre_ping=True)
        return self._admin

    def ddl(self) -> str:
        """The statements ``create_all`` runs, recorded on a template schema."""
        if self._ddl is None:
            schema = f"tpl_{self._tag}_ddl"
            self.execute(f"CREATE SCHEMA {schema}")
            self._templates.append(schema)
            statements: list[str] = []

            def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
                if statement.lstrip().upper().startswith(("CREATE", "ALTER", "COMMENT")):
                    statements.append(statement)

            app = create_app(self._config(self._url_for(schema)))
            with app.app_context():
                sa.event.listen(db.engine, "before_cursor_execute", record)
                db.create_all()
                sequences = _sequences(schema)
                db.session.remove()
                db.engine.dispose()
            self._ddl = ";\n".join(statements)
            # Emptied, a used schema is a fresh one again: no row, every sequence at its start.
            # The replica role lets the DELETE past the append-only triggers (and the FKs).
            self._emptying = ";\n".join(
                ["SET LOCAL session_replication_role = replica"]
                + [f'DELETE FROM "{t.name}"' for t in db.metadata.sorted_tables]
                + [f"SELECT setval('\"{name}\"', 1, false)" for name, _ in sequences]
            )
        return self._ddl

    def _new_name(self) -> str:
        # The session in the name: the leftovers of a killed run are told apart.
        return f"t_{self._tag}_{uuid.uuid4().hex[:6]}"

    def take_schema(self) -> str:
        """A schema with every table and no row: a spare one, else a new one."""
        if self._spare:
            return self._spare.pop()
        schema = self._new_name()
        self.execute(f"CREATE SCHEMA {schema};\nSET LOCAL search_path TO {schema};\n{self.ddl()}")
        return schema

    def give_back(self, schema: str) -> None:
        """Empty a test's schema for the next test, under a new name; drop it when
        that fails (a test that dropped a table, say).

        The new name keeps every test's database URL its own: the process keeps
        caches keyed by URL (the board's snapshots), which must not answer a later
        test with what an earlier one left.
        """
        spare = self._new_name()
        try:
            self.execute(
                f"SET LOCAL search_path TO {schema};\n{self._emptying};\n"
                f"ALTER SCHEMA {schema} RENAME TO {spare}"
            )
        except psycopg.Error:
            self.execute(f"DROP SCHEMA {schema} CASCADE")
        else:
            self._spare.append(spare)

    def execute(self, script: str) -> None:
        # The DBAPI cursor, not SQLAlchemy: several statements in one call.
        raw = self.admin().raw_connection()
        try:
            raw.cursor().execute(script)
            raw.commit()
        except BaseException:
            raw.rollback()
            raise
        finally:
            raw.close()

    def prepare(self, build: Callable[[], WorldIds]) -> None:
        """The world's template schema, and the script that copies it into another."""
        if self._world is None:
            schema = self.take_schema()
            self._templates.append(schema)
            app = create_app(self._config(self._url_for(schema)))
            with app.app_context():
                ids = build()
                sequences = [(n, v) for n, v in _sequences(schema) if v is not None]
                db.session.remove()
                db.engine.dispose()
            copies = [
                f'INSERT INTO "{t.name}" SELECT * FROM {schema}."{t.name}"'
                for t in db.metadata.sorted_tables
            ]
            setvals = [f"SELECT setval('\"{name}\"', {value})" for name, value in sequences]
            self._world = (";\n".join(copies + setvals), ids)

    def copy_world(self, app: Flask) -> WorldIds | None:
        if self._world is None:
            return None
        script, ids = self._world
        with app.app_context():
            raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            tables = [t.name for t in db.metadata.sorted_tables]
            if not _all_empty(cursor.execute, tables):
                raw.rollback()
                return None
            cursor.execute(script)
            raw.commit()
        finally:
            raw.close()
        return ids

    def close(self) -> None:
        if self._admin is None:
            return
        for schema in self._templates + self._spare:
            self.execute(f"DROP SCHEMA {schema} CASCADE")
        self._admin.dispose()


def _sequences(schema: str) -> list[tuple[str, int | None]]:
    """A schema's sequences and their last values (None: never used)."""
    query = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = :s"
    return [(n, v) for n, v in db.session.execute(sa.text(query), {"s": schema}).all()]


class Templates:
    """The session's templates of each backend, built the first time a test needs them.

    ``build`` makes the world every test of the session is given (the test town), in
    an app context on the template. Templates are built before the test's own app is
    created, never after: ``create_app`` rebinds the process's Socket.IO server (one
    ``socketio`` object) to the newest app, so a template's app made after a test's
    app would take its emits.
    """

    def __init__(
        self,
        config: Callable[[str], dict],
        pg_url_for: Callable[[str], str],
        build: Callable[[], WorldIds],
    ) -> None:
        self._build = build
        self.sqlite = _Sqlite(config)
        self.postgresql = _Postgresql(config, pg_url_for)

    def prepare(self, backend: str) -> None:
        """Build the backend's schema and world templates unless they exist."""
        if backend == "postgresql":
            self.postgresql.ddl()
            self.postgresql.prepare(self._build)
        else:
            self.sqlite.prepare(self._build)

    def copy_world(self, app: Flask) -> WorldIds | None:
        """The world copied into ``app``'s database; None when the database has rows
        (or the world's template was not built before the app)."""
        uri = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
        side = self.postgresql if uri.get_backend_name() == "postgresql" else self.sqlite
        return side.copy_world(app)

    def close(self) -> None:
        self.sqlite.close()
        self.postgresql.close()
