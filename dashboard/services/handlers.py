"""Follow-ups: the rules of the form "when this has happened, then do that".

A use case commits its change and publishes its event, then passes the event
to ``handle``: the handlers listed for the event's type run in order, each a
use case of its own (its own transaction, its own events). A handler reads
from the event alone whether its rule applies. The use case that raised the
event does not know which follow-ups exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain import events as ev
from . import validation
from .workflow import Publish

# A handler takes the event of the type it is listed under, and the publisher.
Handler = Callable[[Any, Publish], object]


def send_back_repeated_completion(event: ev.TicketReceived, publish: Publish) -> None:
    """The same problem reported again: its earlier completion goes back to validation."""
    if event.repeat_of_id is not None:
        validation.send_back_repeated(
            event.ticket_id, event.repeat_of_id, now=event.at, publish=publish
        )


HANDLERS: dict[type[ev.TicketEvent], tuple[Handler, ...]] = {
    ev.TicketReceived: (send_back_repeated_completion,),
}


def handle(event: ev.TicketEvent, publish: Publish) -> None:
    """Run the follow-ups of a committed event (after its use case's commit only)."""
    for handler in HANDLERS.get(type(event), ()):
        handler(event, publish)
