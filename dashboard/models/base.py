"""The base of every ORM row: the declarative ``Model`` and the aware-UTC column type.

Also ``append_only``: the database triggers that refuse UPDATE and DELETE on a
log table, created with the table (the migrations create the same ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, Table, TypeDecorator, event

from ..extensions import Base, db

if TYPE_CHECKING:
    Model = Base  # what db.Model is, for the type checker
else:
    Model = db.Model


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes in and out, on SQLite (which forgets zones) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# The PostgreSQL trigger function every append-only table's triggers call.
PG_APPEND_ONLY_FUNCTION = (
    "CREATE OR REPLACE FUNCTION pantau_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    " $$ BEGIN RAISE EXCEPTION 'append-only table: no UPDATE, DELETE or TRUNCATE'; END $$"
)


def append_only(table: Table, *, sqlite: Sequence[str], postgresql: Sequence[str]) -> None:
    """Create these triggers right after `table` (``create_all``), per dialect."""
    statements = {"sqlite": sqlite, "postgresql": postgresql}

    def create_triggers(target: Any, connection: Any, **_kw: Any) -> None:
        for sql in statements.get(connection.dialect.name, ()):
            connection.exec_driver_sql(sql)

    event.listen(table, "after_create", create_triggers)
