"""Shared helpers for the HTTP tests: a world outside any app context, logging in,
counting rows, and tickets placed in a chosen kelurahan.

Requests run with no app context pushed by the test, so each request gets its
own database session, as in production; the helpers open a short context of
their own whenever they read or write the database.
"""

from __future__ import annotations

import base64
import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from dashboard.domain.workflow import Actor
from dashboard.extensions import db
from dashboard.models import Photo, Reporter, ReporterAccess, Ticket, TicketEventRow, User
from dashboard.scope import actor_for_user
from dashboard.services import workflow as svc
from tests.conftest import T0, TEMPLATES, build_town
from tests.factories import PASSWORD, later, new_ticket, photo_bytes

HTMX = {"HX-Request": "true"}

# Points inside each test kelurahan (nearest-centre routing picks it).
AT_UTAN_KAYU = {"lat": -6.1985, "lon": 106.8652}  # KEL-UTAN-KAYU-UTARA, JKT-TIM
AT_PALMERIAM = {"lat": -6.2082, "lon": 106.8581}  # KEL-PALMERIAM, JKT-TIM
AT_SENAYAN = {"lat": -6.2272, "lon": 106.8021}  # KEL-SENAYAN, JKT-SEL

_external_ids = itertools.count(1)


@dataclass
class Town:
    """What a test needs from ``build_world``: ids only, no ORM objects."""

    ids: dict[str, int]
    user_ids: dict[str, int]
    api_key: str

    def __getitem__(self, code: str) -> int:
        return self.ids[code]


def make_town(app: Flask) -> Town:
    """``build_world`` in the app's database: a copy of the session's template
    when the database is still empty, else built here."""
    world = TEMPLATES.copy_world(app)
    if world is None:
        with app.app_context():
            world = build_town()
    return Town(ids=dict(world.ids), user_ids=dict(world.user_ids), api_key=world.api_key)


def add_ticket(app: Flask, **overrides: Any) -> int:
    """A ticket through the real intake service, with a fresh external id."""
    overrides.setdefault("external_id", f"HTTP-{next(_external_ids):05d}")
    with app.app_context():
        return new_ticket(T0, **overrides)


def tracking_of(app: Flask, ticket_id: int) -> str:
    with app.app_context():
        tracking = db.session.scalar(select(Ticket.tracking).where(Ticket.id == ticket_id))
        assert tracking is not None
        return tracking


@dataclass(frozen=True)
class TicketSnapshot:
    status: str
    version: int
    assigned_unit_id: int | None
    events: int


def snapshot(app: Flask, ticket_id: int) -> TicketSnapshot:
    """The parts of a ticket an action would change, to show nothing changed."""
    with app.app_context():
        t = db.session.get(Ticket, ticket_id)
        assert t is not None
        events = db.session.scalar(
            select(func.count()).select_from(TicketEventRow).where(TicketEventRow.ticket_id == t.id)
        )
        return TicketSnapshot(t.status, t.version, t.assigned_unit_id, events or 0)


def row_counts(app: Flask) -> dict[str, int]:
    """Rows in every table an intake writes to."""
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Ticket, Reporter, TicketEventRow, Photo, ReporterAccess)
        }


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def client_as(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def actor(app: Flask, username: str) -> Actor:
    """The domain actor for a user, to drive services directly in setup."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        assert user is not None
        return actor_for_user(user)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def photo_b64() -> str:
    return b64(photo_bytes())


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match is not None, "no csrf_token field in the page"
    return match.group(1)


def complete_ticket(app: Flask, ticket_id: int, *, officer: str = "officer_a") -> None:
    """The lead unit starts and completes the ticket (one evidence photo), at T0 + 1 h / 2 h."""
    with app.app_context():
        who = actor(app, officer)
        svc.start_work(ticket_id, actor=who, now=later(T0, hours=1), publish=svc.no_publish)
        svc.complete(
            ticket_id,
            note="Sudah diperbaiki.",
            photos=[photo_bytes()],
            actor=who,
            now=later(T0, hours=2),
            publish=svc.no_publish,
        )


def verify_ticket(app: Flask, ticket_id: int, *, validator: str = "validator_tim") -> None:
    """A validator verifies the completion at T0 + 3 h: the ticket is closed (Selesai)."""
    with app.app_context():
        svc.verify(
            ticket_id,
            note="Sesuai.",
            field_verified=False,
            actor=actor(app, validator),
            now=later(T0, hours=3),
            publish=svc.no_publish,
        )


# Open311 XML read back into its JSON structure (the Spark convention backwards): a
# wrapper of repeated elements is a list, an empty element null, typed fields typed.
OPEN311_LIST_TAGS = {
    "services",
    "service_requests",
    "service_requests_updates",
    "errors",
    "attributes",
    "values",
    "endpoints",
    "formats",
}


def _boolean(text: str) -> bool:
    return {"true": True, "false": False}[text]


OPEN311_TYPED: dict[tuple[str, str], Callable[[str], Any]] = {
    ("error", "code"): int,
    ("request", "lat"): float,
    ("request", "long"): float,
    ("service", "metadata"): _boolean,
    ("attribute", "variable"): _boolean,
    ("attribute", "required"): _boolean,
    ("attribute", "order"): int,
}


def xml_to_structure(element: ET.Element, parent: str = "") -> Any:
    if element.tag in OPEN311_LIST_TAGS:
        return [xml_to_structure(child, element.tag) for child in element]
    if len(element):
        return {child.tag: xml_to_structure(child, element.tag) for child in element}
    if element.text is None:
        return None
    convert = OPEN311_TYPED.get((parent, element.tag))
    return convert(element.text) if convert else element.text


def open311_body(response: TestResponse) -> Any:
    """An Open311 answer as its JSON structure, whichever format it came in."""
    if response.mimetype == "text/xml":
        return xml_to_structure(ET.fromstring(response.get_data()))
    assert response.mimetype == "application/json", response.mimetype
    return response.get_json()
