"""Turns domain events into small JSON signals on Socket.IO rooms.

Signals, not HTML: clients fetch what they render through ordinary HTTP
views, where authentication and scope apply. Called only after commit.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

from ..domain.events import TicketEvent
from ..extensions import socketio

_seq = itertools.count(1)
_lock = threading.Lock()


def rooms_for(event: TicketEvent) -> list[str]:
    rooms = ["province"]
    if event.kota_id is not None:
        rooms.append(f"kota:{event.kota_id}")
    rooms.extend(f"unit:{u}" for u in event.unit_ids)
    return rooms


def signal(event: TicketEvent) -> dict[str, Any]:
    with _lock:
        seq = next(_seq)
    return {
        "id": event.ticket_id,
        "kind": event.kind,
        "status": event.to_status.value,
        "version": event.version,
        "kota_id": event.kota_id,
        "unit_ids": list(event.unit_ids),
        "at": event.at.isoformat(),
        "seq": seq,
    }


def publish(event: TicketEvent) -> None:
    """Emit ``ticket.changed`` to every room that may see the ticket."""
    socketio.emit("ticket.changed", signal(event), to=rooms_for(event))
