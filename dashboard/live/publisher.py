"""Turns domain events into ``ticket.changed`` signals on Socket.IO rooms.

Called by the services only after commit. Each event costs one query (the
ticket's board row plus its routing facts), whatever the number of boards;
the payload is small JSON, never HTML.

Rooms: ``province``; ``kota:<id>`` (the ticket's location); ``validation:<id>``
(the kota whose Bagian Pemerintahan validates it); ``unit:<id>`` for the lead
and every supporting unit, and the unit a level-2 escalation named. When a
disposition or hand-back moves a ticket away from a unit (or from the unit an
escalation named), that unit's room (and its validation desk) get the same
signal with ``row: null``, so their boards drop it.

The same function works in the web process and in a separate job process:
an app created with ``REDIS_URL`` emits through the Redis queue, and the web
process's Socket.IO server delivers to its clients.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from ..domain.events import TicketCompleted, TicketDisposed, TicketEvent, TicketHandedBack
from ..extensions import socketio
from ..queries.board import TicketFacts, ticker_item, ticket_facts

EVENT = "ticket.changed"
log = logging.getLogger(__name__)


def _from_unit(event: TicketEvent) -> int | None:
    if isinstance(event, TicketDisposed | TicketHandedBack):
        return event.from_unit_id
    return None


def rooms_for(event: TicketEvent, facts: TicketFacts | None = None) -> list[str]:
    """The rooms that may see the ticket as it is now."""
    kota_id = facts.kota_id if facts is not None else event.kota_id
    rooms = ["province"]
    if kota_id is not None:
        rooms.append(f"kota:{kota_id}")
    if facts is not None and facts.handling_kota_id is not None:
        rooms.append(f"validation:{facts.handling_kota_id}")
    rooms.extend(f"unit:{u}" for u in event.unit_ids)
    return rooms


def rooms_left(event: TicketEvent, facts: TicketFacts) -> list[str]:
    """Rooms that saw the ticket before this event and may no longer see it."""
    rooms = [f"unit:{u}" for u in event.left_unit_ids]
    from_unit = _from_unit(event)
    if from_unit is None:
        return rooms
    if from_unit not in event.unit_ids and from_unit not in event.left_unit_ids:
        rooms.append(f"unit:{from_unit}")
    old_kota = facts.from_unit_kota_id
    if old_kota is not None and old_kota != facts.handling_kota_id:
        rooms.append(f"validation:{old_kota}")
    return rooms


def payload(event: TicketEvent, facts: TicketFacts | None) -> dict[str, Any]:
    """The JSON signal: the event's identity, the new board row and a ticker line."""
    body: dict[str, Any] = {
        "seq": event.event_id,
        "id": event.ticket_id,
        "kind": event.kind,
        "status": event.to_status.value,
        "version": event.version,
        "kota_id": event.kota_id,
        "unit_ids": list(event.unit_ids),
        "at": event.at.isoformat(),
        "ts": time.time(),  # emit time, for latency measurements
    }
    if isinstance(event, TicketCompleted):
        body["first_completion"] = event.first_completion
    if facts is None:
        # The ticket could not be read: tell boards to fetch a fresh snapshot.
        body["resync"] = True
        return body
    body["row"] = facts.row
    body["ticker"] = ticker_item(
        seq=event.event_id,
        kind=event.kind,
        data=event.data(),
        at=event.at,
        ticket_id=event.ticket_id,
        tracking=facts.tracking,
        category=facts.category,
        kota_id=facts.kota_id,
        kota=facts.kota,
    )
    return body


def publish(event: TicketEvent) -> None:
    """Emit ``ticket.changed`` to every room that may see the ticket (after commit only)."""
    try:
        facts = ticket_facts(event.ticket_id, from_unit_id=_from_unit(event))
    except Exception:  # the change is committed: a read failure must not fail the request
        log.exception("board row for ticket %s could not be read", event.ticket_id)
        facts = None
    body = payload(event, facts)
    socketio.emit(EVENT, body, to=rooms_for(event, facts))
    if facts is not None:
        gone = rooms_left(event, facts)
        if gone:
            socketio.emit(EVENT, {**body, "row": None}, to=gone)
