"""Shift handover (serah terima): the outgoing MRO's notes and the incoming MRO's acceptance.

A shift is keyed by its start (aware UTC): the report itself is computed from
the tickets and their history, only what people write is stored here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, UtcDateTime


class HandoverNote(Model):
    """A note the outgoing MRO leaves for the next shift (append-only in use)."""

    __tablename__ = "handover_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    shift_start: Mapped[datetime] = mapped_column(UtcDateTime)
    body: Mapped[str] = mapped_column(Text)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_label: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_handover_notes_shift", "shift_start"),)


class HandoverAck(Model):
    """An incoming MRO accepted a shift's handover: once per person per shift."""

    __tablename__ = "handover_acks"
    id: Mapped[int] = mapped_column(primary_key=True)
    shift_start: Mapped[datetime] = mapped_column(UtcDateTime)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user_label: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (UniqueConstraint("shift_start", "user_id", name="uq_handover_acks_once"),)
