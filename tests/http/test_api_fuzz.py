"""A bounded schemathesis fuzz of both APIs against their own OpenAPI documents.

Every operation of the ingest API (``/api/v1/openapi.json``) and of Open311
(``/open311/v2/openapi.json``) gets a fixed number of generated requests,
valid and invalid, derandomized so that a run is reproducible. No answer may
be a 5xx, every answer's status, content type and body must be the documented
ones (XML bodies are read back into the JSON structure and checked against the
same schema), and afterwards nothing malformed may be stored.

For the generated requests to reach past the first check at all, the fuzz
narrows a few fields of the documents it loads to values this test world has
(the channel's key, its category codes and kelurahan, the tracking numbers of
a few seeded tickets, plus one unknown value each; and reports' dates, which may
not be older than 2015); the served documents are
not changed. Budget: 20 valid and 20 invalid requests per operation (10 valid
for an XML twin of a JSON resource); about 25 s for both APIs on both engines.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
import time_machine
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import func, select

from dashboard.domain.intake import JAKARTA_BBOX, MAX_DESCRIPTION, MIN_DESCRIPTION, in_jakarta
from dashboard.extensions import db
from dashboard.models import Category, Channel, Reporter, Ticket, TicketEventRow
from tests.conftest import T0
from tests.factories import later
from tests.http.helpers import (
    AT_PALMERIAM,
    AT_SENAYAN,
    Town,
    add_ticket,
    complete_ticket,
    make_town,
    tracking_of,
    verify_ticket,
    xml_to_structure,
)

# Moments a report may carry on the fuzz's day (T0 + 6 h): the earliest allowed, and recent ones.
REPORTED_AT = ["2015-01-01T00:00:00+07:00", "2026-11-02T07:30:00+07:00", "2026-11-02T06:00:00Z"]
EXAMPLES_PER_OPERATION = 20  # per generation mode (valid, invalid data); the XML twins 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# --- XML answers, read back into the JSON structure ------------------------------------


@schemathesis.deserializer("text/xml")
def read_open311_xml(_ctx: schemathesis.DeserializationContext, response: Any) -> Any:
    return xml_to_structure(ET.fromstring(response.content))


# --- the documents, narrowed to this world ---------------------------------------------


def load_schema(app: Flask, path: str, narrow: Callable[[dict], None]) -> Any:
    document = copy.deepcopy(app.test_client().get(path).get_json())
    narrow(document)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = app
    return schema


def seed(app: Flask) -> list[str]:
    """Tickets for the GET operations to answer with: rahasia, biasa, anonim, one completed
    (a rating can land on it) and one verified with evidence. Their tracking numbers."""
    ids = [
        add_ticket(app),
        add_ticket(app, reporter={"name": "Budi", "confidential": False}, **AT_PALMERIAM),
        add_ticket(app, reporter={"anonymous": True}, **AT_SENAYAN),
        add_ticket(app),
        add_ticket(app),
    ]
    complete_ticket(app, ids[3])
    complete_ticket(app, ids[4])
    verify_ticket(app, ids[4])
    return [tracking_of(app, i) for i in ids]


def category_codes(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Category.code).order_by(Category.code)))


def can_be_invalid(document: dict, path: str, method: str) -> bool:
    """Whether an operation has input that can break its schema: a body, or a parameter
    with more than a bare type (a plain string in a path or query cannot be wrong)."""
    operation = document["paths"][path][method]
    if "requestBody" in operation:
        return True
    shared = document.get("components", {}).get("parameters", {})
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = shared[parameter["$ref"].rsplit("/", 1)[1]]
        if set(parameter["schema"]) - {"type"}:
            return True
    return False


def fuzz(schema: Any, *, headers: dict[str, str] | None = None) -> int:
    """Every operation with valid data, and with invalid data where it can have any;
    returns how many requests were made. An XML twin of a JSON resource shares all
    its handling but the serialisation, so it gets valid data and half the examples."""
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        xml_twin = operation.path.endswith(".xml")
        modes = [GenerationMode.POSITIVE]
        if not xml_twin and can_be_invalid(
            schema.raw_schema, operation.path, operation.method.lower()
        ):
            modes.append(GenerationMode.NEGATIVE)
        examples = EXAMPLES_PER_OPERATION // 2 if xml_twin else EXAMPLES_PER_OPERATION
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: schemathesis.Case) -> None:
                nonlocal calls
                calls += 1
                case.call_and_validate(checks=CHECKS)

            run()
    return calls


# --- what may be stored ------------------------------------------------------------------


def assert_nothing_malformed_stored(app: Flask) -> int:
    """Every stored ticket is one the intake would accept; returns how many there are."""
    with app.app_context():
        tickets = list(db.session.scalars(select(Ticket)))
        active = set(db.session.scalars(select(Category.id).where(Category.active.is_(True))))
        channels = set(db.session.scalars(select(Channel.id)))
        received = dict(
            db.session.execute(
                select(TicketEventRow.ticket_id, func.count())
                .where(TicketEventRow.kind == "received")
                .group_by(TicketEventRow.ticket_id)
            ).all()
        )
        reporters = db.session.scalar(select(func.count()).select_from(Reporter)) or 0
        for t in tickets:
            assert t.category_id in active, t.tracking
            assert t.channel_id in channels, t.tracking
            text = t.description
            assert MIN_DESCRIPTION <= len(text) <= MAX_DESCRIPTION, t.tracking
            assert text == text.strip() and "\x00" not in text, t.tracking
            assert (t.lat is None) == (t.lon is None), t.tracking
            if t.lat is not None and t.lon is not None:
                assert in_jakarta(t.lat, t.lon), (t.tracking, t.lat, t.lon, JAKARTA_BBOX)
            assert t.assigned_unit_id is not None, t.tracking
            assert t.confidentiality in ("confidential", "anonymous", "public"), t.tracking
            assert (t.reporter_id is None) or t.confidentiality != "anonymous", t.tracking
            assert t.public_description is not None, t.tracking
            assert received.get(t.id) == 1, t.tracking
            assert t.reported_at.tzinfo is not None and t.received_at.tzinfo is not None
        assert reporters == sum(1 for t in tickets if t.reporter_id is not None)
        return len(tickets)


# --- the runs ------------------------------------------------------------------------------


def narrow_path_parameters(document: dict, values: dict[str, list[str]]) -> None:
    """Path parameters drawn from ids this world has (and one it has not)."""
    for operation in (op for item in document["paths"].values() for op in item.values()):
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "path" and parameter["name"] in values:
                parameter["schema"] = {"type": "string", "enum": values[parameter["name"]]}


def narrow_ingest(codes: list[str], trackings: list[str]) -> Callable[[dict], None]:
    def narrow(document: dict) -> None:
        narrow_path_parameters(document, {"tracking": [*trackings, "JKT-0000-000000"]})
        report = document["components"]["schemas"]["Report"]["properties"]
        report["channel"]["enum"] = ["jaki"]
        report["category"]["enum"] = codes
        report["external_id"]["pattern"] = "^[A-Za-z0-9-]{1,40}$"
        # Generated date-times cluster around 2000; a report may not be older than 2015.
        report["reported_at"] = {"type": "string", "enum": REPORTED_AT}

    return narrow


def narrow_open311(town: Town, codes: list[str], trackings: list[str]) -> Callable[[dict], None]:
    def narrow(document: dict) -> None:
        ids = [*trackings, trackings[0].lower(), "JKT-0000-000000"]
        narrow_path_parameters(
            document,
            {"service_request_id": ids, "token": ids, "service_code": [*codes, "banjir-bandang"]},
        )
        form = document["components"]["schemas"]["RequestForm"]["properties"]
        form["api_key"]["enum"] = [town.api_key]
        form["service_code"]["enum"] = [*codes, "banjir-bandang"]  # and one unknown code
        form["address_id"]["enum"] = ["KEL-UTAN-KAYU-UTARA", "Palmeriam", "KEL-ATLANTIS"]

    return narrow


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    """A fixed day (the clock still ticks), so the seeded tickets are in the 90-day window."""
    with time_machine.travel(later(T0, hours=6)):
        yield


def test_the_ingest_api_survives_fuzzing_and_stores_only_valid_reports(app: Flask) -> None:
    town = make_town(app)
    trackings = seed(app)
    schema = load_schema(app, "/api/v1/openapi.json", narrow_ingest(category_codes(app), trackings))

    calls = fuzz(schema, headers={"X-API-Key": town.api_key})

    stored = assert_nothing_malformed_stored(app)
    assert calls >= 80 and stored > len(trackings), (calls, stored)


def test_the_open311_api_survives_fuzzing_and_stores_only_valid_reports(app: Flask) -> None:
    town = make_town(app)
    trackings = seed(app)
    schema = load_schema(
        app, "/open311/v2/openapi.json", narrow_open311(town, category_codes(app), trackings)
    )

    calls = fuzz(schema)

    stored = assert_nothing_malformed_stored(app)
    assert calls >= 250 and stored > len(trackings), (calls, stored)
