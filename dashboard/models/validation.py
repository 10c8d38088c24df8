"""What a completion's check reads: validation flags, rating links and ratings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, UtcDateTime


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
