"""A walk-in reporter's receipt: what the office prints for them after intake.

Only what anyone may know about a ticket (tracking number, time, category,
the unit it went to, the channel, the identity choice) — never the reporter's
name, phone or e-mail: this module does not read the reporters table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..domain.workflow import Actor
from ..extensions import db
from ..models import Category, Channel, Ticket, Unit, unit_display_name
from ..scope import ticket_scope


@dataclass(frozen=True)
class Receipt:
    ticket_id: int
    tracking: str
    received_at: datetime
    category: str
    channel: str
    channel_online: bool
    unit: str | None  # None: waiting in the MRO routing queue
    kelurahan: str | None
    confidentiality: str


def receipt(ticket_id: int, actor: Actor) -> Receipt | None:
    """The receipt of a ticket ``actor`` may see, else None."""
    if not 0 < ticket_id < 2**63:
        return None  # no such row; the database would refuse the number
    assigned, kelurahan = aliased(Unit), aliased(Unit)
    row = db.session.execute(
        select(
            Ticket.id,
            Ticket.tracking,
            Ticket.received_at,
            Category.name,
            Channel.name,
            Channel.online,
            assigned.name,
            assigned.kind,
            kelurahan.name,
            Ticket.confidentiality,
        )
        .join(Category, Category.id == Ticket.category_id)
        .join(Channel, Channel.id == Ticket.channel_id)
        .outerjoin(assigned, assigned.id == Ticket.assigned_unit_id)
        .outerjoin(kelurahan, kelurahan.id == Ticket.kelurahan_id)
        .where(Ticket.id == ticket_id, ticket_scope(actor))
    ).first()
    if row is None:
        return None
    (tid, tracking, received_at, category, channel, online, unit, kind, kel, conf) = row
    return Receipt(
        ticket_id=tid,
        tracking=tracking,
        received_at=received_at,
        category=category,
        channel=channel,
        channel_online=online,
        unit=unit_display_name(unit, kind) if unit else None,
        kelurahan=kel,
        confidentiality=conf,
    )
