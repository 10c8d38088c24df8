"""The reporter's personal data, kept apart from the ticket, and the log of every view of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import PG_APPEND_ONLY_FUNCTION, Model, UtcDateTime, append_only


class Reporter(Model):
    """The pelapor's personal data. Confidential; see the module docstring."""

    __tablename__ = "reporters"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    # Keyed hash of the normalised contact: counts distinct reporters (KPI)
    # without reading the contact itself.
    contact_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReporterAccess(Model):
    """Append-only log of every view of reporter data: who, when, which, why."""

    __tablename__ = "reporter_access_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(Text)


# The reporter access log is append-only in the database itself, not only in
# the code: an UPDATE or DELETE (or TRUNCATE) is refused. The migration
# a1c3e5f7b9d2 creates the same triggers.
APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS reporter_access_log_no_update BEFORE UPDATE"
    " ON reporter_access_log BEGIN SELECT RAISE(ABORT, 'reporter_access_log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS reporter_access_log_no_delete BEFORE DELETE"
    " ON reporter_access_log BEGIN SELECT RAISE(ABORT, 'reporter_access_log is append-only'); END",
)
APPEND_ONLY_POSTGRESQL = (
    PG_APPEND_ONLY_FUNCTION,
    "CREATE TRIGGER reporter_access_log_append_only BEFORE UPDATE OR DELETE"
    " ON reporter_access_log FOR EACH ROW EXECUTE FUNCTION pantau_append_only()",
    "CREATE TRIGGER reporter_access_log_no_truncate BEFORE TRUNCATE"
    " ON reporter_access_log FOR EACH STATEMENT EXECUTE FUNCTION pantau_append_only()",
)


append_only(
    ReporterAccess.__table__,  # type: ignore[arg-type]
    sqlite=APPEND_ONLY_SQLITE,
    postgresql=APPEND_ONLY_POSTGRESQL,
)
