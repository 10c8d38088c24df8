"""Staff accounts and the keys that open Pantau without a log-in.

Users, their log-in sessions and failed attempts, the account audit log
(append-only), channel API keys and wall-screen tokens.
"""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.workflow import Role
from .base import PG_APPEND_ONLY_FUNCTION, Model, UtcDateTime, append_only
from .reference import Channel, Unit


class User(UserMixin, Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    # Officers: their unit; validators: their body (Biro / Bagian Pemerintahan).
    # Validators / executives: their kota (None = the whole province).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    kota_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id], lazy="joined")
    kota: Mapped[Unit | None] = relationship(foreign_keys=[kota_id], lazy="joined")

    __table_args__ = (
        CheckConstraint(f"role IN {tuple(r.value for r in Role)!r}", name="ck_users_role"),
        CheckConstraint("role != 'officer' OR unit_id IS NOT NULL", name="ck_users_officer_unit"),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def role_label(self) -> str:
        label = self.role_enum.label
        if self.role == Role.OFFICER and self.unit is not None:
            return f"{label} — {self.unit.display_name}"
        if self.role in (Role.VALIDATOR, Role.EXECUTIVE):
            return f"{label} — {self.kota.name if self.kota else 'Provinsi DKI Jakarta'}"
        return label

    @property
    def can_intake(self) -> bool:
        return self.role in (Role.ADMIN, Role.MRO, Role.OFFICER)


class LoginSession(Model):
    """A log-in, server-side: the cookie holds a random token, this its SHA-256.

    Logging out ends the row; deactivation, a password reset and a change of
    role or unit end every row of the user. A cookie whose row is ended (or
    older than PERMANENT_SESSION_LIFETIME) signs no one in.
    """

    __tablename__ = "login_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LoginFailure(Model):
    """A failed log-in attempt on a username (domain/accounts.py throttles on these)."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    username_key: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

    __table_args__ = (Index("ix_login_failures_key_at", "username_key", "at"),)


class AccountAudit(Model):
    """Every change an admin (or the CLI) makes to a staff account; append-only."""

    __tablename__ = "account_audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(24))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class ApiKey(Model):
    """A channel's ingest key; only its SHA-256 is stored."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    channel: Mapped[Channel] = relationship(lazy="joined")


class WallToken(Model):
    """A read-only, revocable token that opens a wall-screen board without a log-in."""

    __tablename__ = "wall_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    kota_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # None: province
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


# The account audit log is append-only in the database itself (migration
# e5a7c9b1d3f6 creates the same triggers): an UPDATE or DELETE is refused.
AUDIT_APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS account_audit_log_no_update BEFORE UPDATE"
    " ON account_audit_log BEGIN SELECT RAISE(ABORT, 'account_audit_log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS account_audit_log_no_delete BEFORE DELETE"
    " ON account_audit_log BEGIN SELECT RAISE(ABORT, 'account_audit_log is append-only'); END",
)
AUDIT_APPEND_ONLY_POSTGRESQL = (
    PG_APPEND_ONLY_FUNCTION,
    "CREATE TRIGGER account_audit_log_append_only BEFORE UPDATE OR DELETE"
    " ON account_audit_log FOR EACH ROW EXECUTE FUNCTION pantau_append_only()",
    "CREATE TRIGGER account_audit_log_no_truncate BEFORE TRUNCATE"
    " ON account_audit_log FOR EACH STATEMENT EXECUTE FUNCTION pantau_append_only()",
)


append_only(
    AccountAudit.__table__,  # type: ignore[arg-type]
    sqlite=AUDIT_APPEND_ONLY_SQLITE,
    postgresql=AUDIT_APPEND_ONLY_POSTGRESQL,
)
