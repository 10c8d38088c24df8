"""The ticket and its history: supporting units, events, photos and escalations.

Reporter personal data lives in ``Reporter``, its own table; the ticket's
relationship to it is ``lazy="raise"`` so it is never loaded by accident.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from ..domain import sla
from ..domain.workflow import Confidentiality, Status
from .base import Model, UtcDateTime
from .reference import Category, Channel, Unit
from .reporters import Reporter

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
        # The KPI summary's 7-day cohort and same-age comparison of a period's tickets
        # (queries/kpi_briefing), for the province, a kota or a unit, without the table.
        Index(
            "ix_tickets_received_cohort",
            "received_at",
            "handling_min",
            "first_completed_at",
            "kota_id",
            "assigned_unit_id",
        ),
        # The disposition picker's usual units of a category (queries/tickets.usual_units).
        Index("ix_tickets_category_received", "category_id", "received_at", "assigned_unit_id"),
        # A past shift's handover: the tickets closed since it ended (queries/handover).
        Index("ix_tickets_closed_at", "closed_at"),
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

    def clocks(self) -> sla.Clocks:
        """The stored deadlines as the clock rules read them (domain.sla)."""
        return sla.Clocks(
            status=Status(self.status),
            assigned_unit_id=self.assigned_unit_id,
            received_at=self.received_at,
            response_due_at=self.response_due_at,
            first_response_at=self.first_response_at,
            clock_started_at=self.clock_started_at,
            clock_stopped_at=self.clock_stopped_at,
            completion_due_at=self.completion_due_at,
            redo_due_at=self.redo_due_at,
            reopen_confirmed=self.reopen_confirmed,
            validation_due_at=self.validation_due_at,
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
