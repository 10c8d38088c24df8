"""ORM rows (SQLAlchemy 2, typed). No behaviour that commits or has side effects.

Reporter personal data lives in ``Reporter``, its own table; the ticket's
relationship to it is ``lazy="raise"`` so it is never loaded by accident.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from .domain import kpis
from .domain.workflow import Confidentiality, Role, Status
from .extensions import Base, db

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


# Open tickets, written out literally: SQLite uses a partial index only when the
# query repeats its WHERE clause as literals (a bound parameter defeats it).
OPEN_TICKETS_SQL = "status NOT IN ('verified', 'rejected')"
OPEN_KPI_COLUMNS = (
    "kota_id",
    "kelurahan_id",
    "assigned_unit_id",
    "category_id",
    "channel_id",
    "status",
    "received_at",
    "first_response_at",
    "response_due_at",
    "first_completed_at",
    "completion_due_at",
)


def unit_display_name(name: str, kind: str) -> str:
    """'Kelurahan Menteng', 'Kecamatan Matraman'; other units by their own name."""
    return f"{kind.capitalize()} {name}" if kind in ("kecamatan", "kelurahan") else name


UNIT_KINDS = (
    "province",
    "kota",
    "kabupaten",
    "kecamatan",
    "kelurahan",
    "agency",
    "bumd",
    "validator",
)


class Unit(Model):
    """A unit of the provincial government: the organisation hierarchy."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # The kota (or kabupaten) this unit belongs to; None for province-level units.
    kota_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    postal_code: Mapped[str | None] = mapped_column(String(10))
    population: Mapped[int | None] = mapped_column(Integer)
    # GeoJSON geometry (Polygon/MultiPolygon) imported by `flask units import-boundaries`.
    boundary: Mapped[dict | None] = mapped_column(JSON)

    parent: Mapped[Unit | None] = relationship(
        remote_side="Unit.id", foreign_keys=[parent_id], lazy="joined", join_depth=1
    )

    __table_args__ = (
        CheckConstraint(f"kind IN {UNIT_KINDS!r}", name="ck_units_kind"),
        Index("ix_units_kind", "kind"),
    )

    @property
    def kind_label(self) -> str:
        return {
            "province": "Provinsi",
            "kota": "Kota Administrasi",
            "kabupaten": "Kabupaten Administrasi",
            "kecamatan": "Kecamatan",
            "kelurahan": "Kelurahan",
            "agency": "SKPD/UKPD",
            "bumd": "BUMD",
            "validator": "Badan validasi",
        }[self.kind]

    @property
    def display_name(self) -> str:
        return unit_display_name(self.name, self.kind)


class Category(Model):
    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    weight: Mapped[int] = mapped_column(Integer, default=1)  # bobot 1..3
    response_hours: Mapped[int] = mapped_column(Integer, default=6)
    location_based: Mapped[bool] = mapped_column(Boolean, default=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    agency: Mapped[Unit] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("weight BETWEEN 1 AND 3", name="ck_categories_weight"),)


class Channel(Model):
    __tablename__ = "channels"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    online: Mapped[bool] = mapped_column(Boolean, default=True)


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


class Ticket(Model):
    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(primary_key=True)
    tracking: Mapped[str] = mapped_column(String(20), unique=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    external_id: Mapped[str | None] = mapped_column(String(120))
    # SHA-256 of the canonical ingest payload: idempotency on (channel, external_id).
    payload_hash: Mapped[str | None] = mapped_column(String(64))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    description: Mapped[str] = mapped_column(Text)
    # The description with personal data masked (domain.redaction), made at
    # intake while the reporter's details are at hand: all that public pages show.
    public_description: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(300))
    kelurahan_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    kota_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # The lead unit. None = handed back, waiting in the MRO routing queue.
    assigned_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # The kota whose Bagian Pemerintahan validates (the assigned unit's kota);
    # None = a province-level unit, validated by Biro Pemerintahan.
    handling_kota_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    routed_by: Mapped[str] = mapped_column(String(16), default="category")
    status: Mapped[str] = mapped_column(String(24), default=Status.WAITING.value)
    reopen_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    confidentiality: Mapped[str] = mapped_column(
        String(16), default=Confidentiality.CONFIDENTIAL.value
    )
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("reporters.id"))
    # Copied from Reporter.contact_hash so that KPIs never touch the reporters table.
    reporter_hash: Mapped[str | None] = mapped_column(String(64))

    reported_at: Mapped[datetime] = mapped_column(UtcDateTime)  # the channel's time
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)  # Pantau's time
    # The unworked clock: received, or the latest disposition / confirmed reopen.
    clock_started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # When the assigned unit first acted in the current cycle; None = unworked.
    clock_stopped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    work_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    validated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ews_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    redo_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    response_due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completion_due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Margins in minutes (positive = early), frozen when the deadline is met or missed.
    response_margin_min: Mapped[int | None] = mapped_column(Integer)
    completion_margin_min: Mapped[int | None] = mapped_column(Integer)
    # Highest unworked-escalation level (1: 24 h, 2: 48 h) of the current clock
    # cycle; a disposition or a confirmed reopen starts a new cycle at 0.
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalation_ack_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The unit a level-2 escalation of the current clock named, when it is not the
    # lead unit (the kecamatan above a kelurahan, the walikota's office above a
    # kecamatan): its officers see and act on the ticket (scope.ticket_scope).
    escalated_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # Bits of sla.ESCALATION_BITS raised on the current clocks (cleared when a
    # clock restarts); the escalations table stays the exactly-once guard.
    escalation_flags: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rating: Mapped[int | None] = mapped_column(Integer)
    # KPI facts that outlive the current clocks (domain/kpis.py TicketFacts):
    # every escalation level ever raised, confirmed reopens, the outcome of the
    # first validation, and minutes from receipt to the first completion.
    escalations_ever: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reopens: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_validation: Mapped[str | None] = mapped_column(String(16))
    handling_min: Mapped[int | None] = mapped_column(Integer)
    # A low rating (or "not fixed") of the current completion not yet handled:
    # set by the rating, cleared once the completion is back with its validator
    # (or the rating can no longer change anything). The reopen-low-rated job
    # reads only these, through a partial index: handled ratings are never read.
    low_rated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The validation clock: entering awaiting_validation or a pending review.
    validation_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    field_check_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # A new report of the same problem (same category, within 100 m, 30 days).
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    last_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # How many history events the ticket has: every event changes the row, so
    # every event advances `version` (a note too) and stale forms are caught.
    event_count: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    channel: Mapped[Channel] = relationship(lazy="joined")
    category: Mapped[Category] = relationship(lazy="joined")
    assigned_unit: Mapped[Unit | None] = relationship(
        foreign_keys=[assigned_unit_id], lazy="joined"
    )
    kelurahan: Mapped[Unit | None] = relationship(foreign_keys=[kelurahan_id], lazy="select")
    kota: Mapped[Unit | None] = relationship(foreign_keys=[kota_id], lazy="select")
    # Never loaded by default: reading it must go through services.privacy.
    reporter: Mapped[Reporter | None] = relationship(lazy="raise")
    supporting: Mapped[list[TicketSupport]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", back_populates="ticket"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("channel_id", "external_id", name="uq_tickets_channel_external"),
        CheckConstraint(f"status IN {tuple(s.value for s in Status)!r}", name="ck_tickets_status"),
        CheckConstraint(
            f"confidentiality IN {tuple(c.value for c in Confidentiality)!r}",
            name="ck_tickets_confidentiality",
        ),
        CheckConstraint(
            "confidentiality != 'anonymous' OR reporter_id IS NULL",
            name="ck_tickets_anonymous_has_no_reporter",
        ),
        Index("ix_tickets_assigned_received", "assigned_unit_id", "received_at"),
        Index("ix_tickets_kota_received", "kota_id", "received_at"),
        Index("ix_tickets_escalated_unit", "escalated_unit_id"),
        # Received in a period; the distinct reporters of a period read the index alone.
        Index("ix_tickets_received_reporter", "received_at", "reporter_hash"),
        # "Completed today" on every board; the KPI pages' median handling time of
        # a period, for the province, a kota or a unit, reads the index alone.
        Index(
            "ix_tickets_first_completed_handling",
            "first_completed_at",
            "handling_min",
            "kota_id",
            "assigned_unit_id",
        ),
        # Only open tickets are scanned by the escalation sweep and the board.
        Index(
            "ix_tickets_open_clock",
            "clock_started_at",
            sqlite_where=text(OPEN_TICKETS_SQL),
            postgresql_where=text(OPEN_TICKETS_SQL),
        ),
        # The reopen-low-rated job's queue: unhandled low ratings, oldest first.
        Index(
            "ix_tickets_low_rated_pending",
            "low_rated_at",
            sqlite_where=text("low_rated_at IS NOT NULL"),
            postgresql_where=text("low_rated_at IS NOT NULL"),
        ),
        # Everything the KPI pages count live from the open tickets (what the clock
        # decides: deadlines passed now) in one small index, read without the table.
        Index(
            "ix_tickets_open_kpi",
            *OPEN_KPI_COLUMNS,
            sqlite_where=text(OPEN_TICKETS_SQL),
            postgresql_where=text(OPEN_TICKETS_SQL),
        ),
    )

    @classmethod
    def is_open_clause(cls) -> ColumnElement[bool]:
        """The open-ticket filter, in the form the partial indexes match."""
        return text(f"tickets.{OPEN_TICKETS_SQL}")  # type: ignore[return-value]

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def status_label(self) -> str:
        return self.status_enum.label

    @property
    def supporting_unit_ids(self) -> frozenset[int]:
        return frozenset(s.unit_id for s in self.supporting)


class TicketSupport(Model):
    """A supporting unit in a coordination (koordinasi)."""

    __tablename__ = "ticket_support"
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)

    ticket: Mapped[Ticket] = relationship(back_populates="supporting")
    unit: Mapped[Unit] = relationship(lazy="joined")


class TicketEventRow(Model):
    """One immutable history entry. The ticket's history is this log."""

    __tablename__ = "ticket_events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(200))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_ticket_events_ticket_at", "ticket_id", "at"),
        # Open311 servicerequestupdates reads every ticket's changes in a time window.
        Index("ix_ticket_events_at", "at"),
    )


class Photo(Model):
    """An image attached to a ticket: the report's or completion evidence.

    Stored re-encoded, with every metadata block (EXIF, GPS, XMP, comments)
    dropped at upload time.
    """

    __tablename__ = "photos"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_events.id"))
    purpose: Mapped[str] = mapped_column(String(16))  # "report" | "evidence"
    mime: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReporterAccess(Model):
    """Append-only log of every view of reporter data: who, when, which, why."""

    __tablename__ = "reporter_access_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(Text)


class Escalation(Model):
    """One escalation of one ticket: raised exactly once per level per clock cycle.

    The unique constraint is what makes the sweep safe under overlapping or
    duplicated job runs: a second insert of the same (ticket, level, cycle)
    fails and its transaction is rolled back whole.
    """

    __tablename__ = "escalations"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    level: Mapped[str] = mapped_column(String(16))  # late | level1 | level2 | overdue
    # The clock the escalation belongs to: the ticket's clock_started_at for
    # late / level1 / level2, its completion deadline for overdue.
    cycle_start: Mapped[datetime] = mapped_column(UtcDateTime)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Who is warned: the assigned unit, or its parent at level 2.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    __table_args__ = (
        UniqueConstraint("ticket_id", "level", "cycle_start", name="uq_escalations_once"),
        Index("ix_escalations_at", "at"),
    )


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


class ValidationFlag(Model):
    """Why a completion is in a validator's queue beyond being completed:
    a low rating, the weekly sample, a repeat report. Unique per completion,
    so the jobs that set them are safe to run twice, or at once."""

    __tablename__ = "validation_flags"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # low_rating | sample | repeat_report
    # The completion under review (its completed_at).
    completion_at: Mapped[datetime] = mapped_column(UtcDateTime)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (
        UniqueConstraint("ticket_id", "reason", "completion_at", name="uq_validation_flags_once"),
    )


class RatingToken(Model):
    """The reporter's one-time rating link, delivered by the channel. Only a hash is kept."""

    __tablename__ = "rating_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Rating(Model):
    """Every rating received, kept whole (the ticket holds only the latest)."""

    __tablename__ = "ratings"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    fixed: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    # The comment with personal data and the reporter's own name and contact
    # masked, made when the rating is recorded: what staff other than admin
    # and MRO read (dashboard.disclosure).
    public_comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))  # reporter | channel
    completion_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="ck_ratings_range"),)


class KpiDaily(Model):
    """The daily KPI rollup: one row per dimension key per WIB day.

    Maintained in the same transaction as every ticket change (services.kpi);
    ``flask kpi verify`` recounts it from the tickets. Dimensions and counters
    are defined in ``domain.kpis`` (DIMS, COUNTERS).
    """

    __tablename__ = "kpi_daily"
    dim: Mapped[str] = mapped_column(String(8), primary_key=True)
    key_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sub_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)

    __table_args__ = (Index("ix_kpi_daily_dim_day", "dim", "day"),)


for _name in kpis.COUNTERS:
    setattr(
        KpiDaily,
        _name,
        mapped_column(
            _name,
            BigInteger if _name.endswith(("handling_min", "rating_sum")) else Integer,
            nullable=False,
            default=0,
            server_default="0",
        ),
    )


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
    "CREATE OR REPLACE FUNCTION pantau_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    " $$ BEGIN RAISE EXCEPTION 'append-only table: no UPDATE, DELETE or TRUNCATE'; END $$",
    "CREATE TRIGGER reporter_access_log_append_only BEFORE UPDATE OR DELETE"
    " ON reporter_access_log FOR EACH ROW EXECUTE FUNCTION pantau_append_only()",
    "CREATE TRIGGER reporter_access_log_no_truncate BEFORE TRUNCATE"
    " ON reporter_access_log FOR EACH STATEMENT EXECUTE FUNCTION pantau_append_only()",
)


def _append_only(target: Any, connection: Any, **_kw: Any) -> None:
    statements = {"sqlite": APPEND_ONLY_SQLITE, "postgresql": APPEND_ONLY_POSTGRESQL}
    for sql in statements.get(connection.dialect.name, ()):
        connection.exec_driver_sql(sql)


event.listen(ReporterAccess.__table__, "after_create", _append_only)

# The account audit log is append-only the same way (migration e5a7c9b1d3f6).
AUDIT_APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS account_audit_log_no_update BEFORE UPDATE"
    " ON account_audit_log BEGIN SELECT RAISE(ABORT, 'account_audit_log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS account_audit_log_no_delete BEFORE DELETE"
    " ON account_audit_log BEGIN SELECT RAISE(ABORT, 'account_audit_log is append-only'); END",
)
AUDIT_APPEND_ONLY_POSTGRESQL = (
    APPEND_ONLY_POSTGRESQL[0],
    "CREATE TRIGGER account_audit_log_append_only BEFORE UPDATE OR DELETE"
    " ON account_audit_log FOR EACH ROW EXECUTE FUNCTION pantau_append_only()",
    "CREATE TRIGGER account_audit_log_no_truncate BEFORE TRUNCATE"
    " ON account_audit_log FOR EACH STATEMENT EXECUTE FUNCTION pantau_append_only()",
)


def _audit_append_only(target: Any, connection: Any, **_kw: Any) -> None:
    statements = {"sqlite": AUDIT_APPEND_ONLY_SQLITE, "postgresql": AUDIT_APPEND_ONLY_POSTGRESQL}
    for sql in statements.get(connection.dialect.name, ()):
        connection.exec_driver_sql(sql)


event.listen(AccountAudit.__table__, "after_create", _audit_append_only)
