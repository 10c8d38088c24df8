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

Deltas can be lost on the way (Redis pub/sub keeps nothing: a publish while
Redis restarts fails, a web process's subscription misses what was sent
while it reconnected). So every delta carries a chain link (``Chain``): the
publishing process's id and, for each room it goes to, the ``seq`` of the
previous delta that process sent to that room. A board that receives a link
not pointing at the last delta it got from that process (or, for a process
it has not heard from since its snapshot, pointing past the snapshot) knows
it missed something and fetches a fresh snapshot (``live.js`` ``chainBroken``).
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from typing import Any

from flask import Flask, current_app

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


class Chain:
    """This process's links: per room, the seq of the last delta it sent there.

    One per app (``app.extensions``). Emits are serialised by a lock, so the
    order of the links is the order in which the deltas left for the queue
    (and pub/sub keeps one publisher's order). A forked process starts a chain
    of its own.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = 0
        self.source = ""
        self._last: dict[str, int] = {}

    def emit(self, body: dict[str, Any], rooms: list[str]) -> None:
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self.source = f"{self._pid}-{secrets.token_hex(4)}"
                self._last = {}
            prev = {room: self._last.get(room) for room in rooms}
            for room in rooms:
                self._last[room] = body["seq"]
            try:
                socketio.emit(
                    EVENT, {**body, "chain": {"src": self.source, "prev": prev}}, to=rooms
                )
            except Exception:  # the queue's own managers log and swallow; any other must not raise
                log.exception("ticket.changed for ticket %s not published", body["id"])


_chains_lock = threading.Lock()


def chain_of(app: Flask) -> Chain:
    with _chains_lock:
        found = app.extensions.get("pantau_chain")
        if found is None:
            found = app.extensions["pantau_chain"] = Chain()
        return found


def publish(event: TicketEvent) -> None:
    """Emit ``ticket.changed`` to every room that may see the ticket (after commit only).

    A failed emit (Redis away) is logged by the queue and never raises here:
    the change is committed; the boards notice the broken chain.
    """
    try:
        facts = ticket_facts(event.ticket_id, from_unit_id=_from_unit(event))
    except Exception:  # the change is committed: a read failure must not fail the request
        log.exception("board row for ticket %s could not be read", event.ticket_id)
        facts = None
    body = payload(event, facts)
    chain = chain_of(current_app)
    chain.emit(body, rooms_for(event, facts))
    if facts is not None:
        gone = rooms_left(event, facts)
        if gone:
            chain.emit({**body, "row": None}, gone)
