"""Who may see which ticket: the one place where that rule lives.

Every query that lists, counts or loads tickets for a person goes through
``ticket_scope(actor)``. A ticket outside the scope does not exist for that
person: the views answer 404, never 403, so guessing ids reveals nothing.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from .domain.workflow import Actor, ActorKind, Role
from .models import Ticket, TicketSupport


def ticket_scope(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause selecting the tickets ``actor`` may see."""
    if actor.kind is ActorKind.SYSTEM:
        return true()
    if actor.kind is ActorKind.CHANNEL:
        from .models import Channel

        return Ticket.channel_id.in_(select(Channel.id).where(Channel.code == actor.channel_code))
    if actor.kind is ActorKind.REPORTER:
        # The rating link proves access to its own ticket and nothing else.
        return Ticket.id == actor.ticket_id if actor.ticket_id is not None else false()
    if actor.kind is not ActorKind.USER or actor.role is None:
        return false()
    match actor.role:
        case Role.ADMIN | Role.MRO:
            return true()
        case Role.OFFICER:
            if actor.unit_id is None:
                return false()
            supported = select(TicketSupport.ticket_id).where(
                TicketSupport.unit_id == actor.unit_id
            )
            # The lead unit, a supporting unit, and the unit a level-2 escalation of
            # the current clock named (the camat above a kelurahan, the walikota's
            # office above a kecamatan): whoever an escalation names can act on it.
            return or_(
                Ticket.assigned_unit_id == actor.unit_id,
                Ticket.id.in_(supported),
                Ticket.escalated_unit_id == actor.unit_id,
            )
        case Role.VALIDATOR:
            if actor.kota_id is None:
                return true()
            # A kota's Bagian Pemerintahan sees the tickets handled by its units
            # (kelurahan, kecamatan, the kota itself) — not province-level ones.
            return Ticket.handling_kota_id == actor.kota_id
        case Role.EXECUTIVE:
            if actor.kota_id is None:
                return true()
            return and_(Ticket.kota_id == actor.kota_id)
    return false()  # pragma: no cover


# --- KPI pages: which figures a person may see -----------------------------------
#
# Figures are counts, not tickets, but they are scoped the same way: a walikota
# sees their kota, a unit's officers their unit and the units below it. The
# tickets behind a figure are always listed through ``ticket_scope`` as well.


def kpi_areas(actor: Actor) -> frozenset[int] | None:
    """The kota whose area summary ``actor`` may see; None = the province and every kota."""
    if actor.kind is not ActorKind.USER or actor.role is None:
        return frozenset()
    match actor.role:
        case Role.ADMIN | Role.MRO:
            return None
        case Role.EXECUTIVE | Role.VALIDATOR:
            return None if actor.kota_id is None else frozenset({actor.kota_id})
    return frozenset()


def kpi_unit_visible(actor: Actor, unit_id: int, ancestors: tuple[int, ...]) -> bool:
    """May ``actor`` see the KPI page of a unit whose ancestors (nearest first) are given?"""
    if actor.kind is not ActorKind.USER or actor.role is None:
        return False
    chain = (unit_id, *ancestors)
    match actor.role:
        case Role.ADMIN | Role.MRO:
            return True
        case Role.EXECUTIVE | Role.VALIDATOR:
            return actor.kota_id is None or actor.kota_id in chain
        case Role.OFFICER:
            return actor.unit_id is not None and actor.unit_id in chain
    return False  # pragma: no cover


def actor_for_user(user: object) -> Actor:
    """The domain's view of a logged-in staff member."""
    from .models import User

    assert isinstance(user, User)
    return Actor(
        kind=ActorKind.USER,
        label=user.display_name,
        role=Role(user.role),
        user_id=user.id,
        unit_id=user.unit_id,
        kota_id=user.kota_id,
    )
