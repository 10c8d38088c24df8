"""Open311 GeoReport v2 at ``/open311/v2``: posting through the real intake, reading
back in JSON and XML, the spec's errors and limits, status mapping after the real
workflow, the updates extension, discovery, the OpenAPI documents, and that no GET
answer ever carries reporter data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select, update
from werkzeug.test import TestResponse

from dashboard.domain import intake as intake_rules
from dashboard.domain import open311 as rules
from dashboard.extensions import db
from dashboard.models import ApiKey, Channel, Reporter, Ticket, TicketEventRow
from dashboard.services import workflow as svc
from tests.conftest import T0
from tests.factories import later, new_ticket, report_payload
from tests.http.helpers import (
    AT_SENAYAN,
    Town,
    actor,
    add_ticket,
    complete_ticket,
    make_town,
    open311_body,
    row_counts,
    tracking_of,
    verify_ticket,
)

V2 = "/open311/v2"
FORMATS = ["json", "xml"]
FORM = {
    "service_code": "jalan-rusak",
    "lat": "-6.1985",
    "long": "106.8652",
    "description": "Jalan berlubang besar di depan sekolah, membahayakan pengendara.",
}


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(T0, tick=False):
        yield


@pytest.fixture
def town(app: Flask) -> Town:
    return make_town(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# HTTP-level behaviour where the engine is not the point runs on SQLite only.
@pytest.fixture
def lite_town(sqlite_app: Flask) -> Town:
    return make_town(sqlite_app)


@pytest.fixture
def lite(sqlite_app: Flask) -> FlaskClient:
    return sqlite_app.test_client()


def submit(client: FlaskClient, town: Town, fmt: str = "json", **fields: str) -> TestResponse:
    data = {"api_key": town.api_key, **FORM, **fields}
    return client.post(
        f"{V2}/requests.{fmt}", data={k: v for k, v in data.items() if v is not None}
    )


def created_id(response: TestResponse) -> str:
    assert response.status_code == 201, response.get_data(as_text=True)
    [answer] = open311_body(response)
    return answer["service_request_id"]


def get(client: FlaskClient, path: str, **args: str) -> Any:
    response = client.get(f"{V2}/{path}", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return open311_body(response)


def assert_error(response: TestResponse, status: int, fmt: str, named: str | None = None) -> None:
    """The spec's error document, in the asked format, naming the field."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == ("application/json" if fmt == "json" else "text/xml")
    errors = open311_body(response)
    assert errors and all(e["code"] == status and e["description"] for e in errors)
    if named is not None:
        assert any(e["description"].startswith(f"{named}:") for e in errors), errors


def ticket_row(app: Flask, tracking: str) -> Ticket:
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.tracking == tracking))
        assert ticket is not None
        db.session.expunge(ticket)
        return ticket


# --- posting and reading back ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_posted_request_reads_back_by_its_id_and_by_its_token(
    app: Flask, town: Town, client: FlaskClient, fmt: str
) -> None:
    rid = created_id(submit(client, town, fmt))

    [by_id] = get(client, f"requests/{rid}.{fmt}")
    [by_token] = get(client, f"tokens/{rid}.{fmt}")

    assert by_id["service_request_id"] == rid
    assert by_id["status"] == "open" and by_id["status_notes"] == "Menunggu"
    assert by_id["service_code"] == "jalan-rusak" and by_id["service_name"] == "Jalan Rusak"
    assert by_id["agency_responsible"] == "Kelurahan Utan Kayu Utara"
    assert by_id["requested_datetime"] == "2026-11-02T08:00:00+07:00"
    assert by_id["expected_datetime"] == "2026-11-16T08:00:00+07:00"  # bobot 2: 14 days
    assert by_id["address"] == "Kelurahan Utan Kayu Utara, Jakarta Timur, DKI Jakarta"
    assert by_id["address_id"] == "KEL-UTAN-KAYU-UTARA"
    assert (by_id["lat"], by_id["long"]) == (-6.1985, 106.8652)
    assert by_token == {"service_request_id": rid, "token": rid}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_post_answer_is_the_id_a_notice_and_no_account(
    sqlite_app: Flask, lite_town: Town, lite: FlaskClient, fmt: str
) -> None:
    response = submit(lite, lite_town, fmt, media_url="https://example.org/foto.jpg")

    [answer] = open311_body(response)
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    assert answer["account_id"] is None
    assert "Kelurahan Utan Kayu Utara" in answer["service_notice"]
    assert "media_url" in answer["service_notice"]


def test_an_id_is_found_whatever_its_case(
    sqlite_app: Flask, lite_town: Town, lite: FlaskClient
) -> None:
    rid = created_id(submit(lite, lite_town))

    [found] = get(lite, f"requests/{rid.lower()}.json")

    assert found["service_request_id"] == rid


def test_a_posted_request_becomes_a_ticket_like_any_channel_s_report(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    rid = created_id(
        submit(
            client,
            town,
            first_name="Siti",
            last_name="Rahma",
            phone="081234567890",
            address_string="Jl. Pramuka No. 12",
            media_url="https://example.org/foto.jpg",
            **{"attribute[client_request_id]": "APP-0001"},
        )
    )

    ticket = ticket_row(app, rid)
    assert ticket.status == "waiting"
    assert ticket.assigned_unit_id == town["KEL-UTAN-KAYU-UTARA"]
    assert ticket.external_id == "APP-0001"
    assert ticket.address == "Jl. Pramuka No. 12"
    assert ticket.confidentiality == "confidential"
    assert ticket.received_at == T0 and ticket.reported_at == T0
    with app.app_context():
        assert db.session.scalar(select(Channel.code).where(Channel.id == ticket.channel_id)) == (
            "jaki"
        )
        reporter = db.session.scalar(select(Reporter).where(Reporter.id == ticket.reporter_id))
        assert reporter is not None and reporter.name == "Siti Rahma"
        kinds = db.session.scalars(
            select(TicketEventRow.kind).where(TicketEventRow.ticket_id == ticket.id)
        ).all()
    assert kinds == ["received"]
    assert "example.org" not in str(vars(ticket))  # media_url is not kept


def test_a_request_without_reporter_fields_is_anonymous(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    rid = created_id(submit(client, town))

    ticket = ticket_row(app, rid)
    assert ticket.confidentiality == "anonymous" and ticket.reporter_id is None


def test_an_address_id_routes_to_that_kelurahan(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    rid = created_id(submit(client, town, lat=None, long=None, address_id="KEL-SENAYAN"))

    assert ticket_row(app, rid).assigned_unit_id == town["KEL-SENAYAN"]


def test_the_configured_jurisdiction_is_accepted(
    sqlite_app: Flask, lite_town: Town, lite: FlaskClient
) -> None:
    assert submit(lite, lite_town, jurisdiction_id="jakarta.go.id").status_code == 201
    assert get(lite, "services.json", jurisdiction_id="jakarta.go.id")


# --- idempotency on the client's own id ------------------------------------------------------


def test_the_same_client_request_id_and_content_answers_200_with_the_same_id(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    key = {"attribute[client_request_id]": "APP-0002"}
    first = created_id(submit(client, town, **key))
    counts = row_counts(app)

    again = submit(client, town, "xml", media_url="https://example.org/other.jpg", **key)

    assert again.status_code == 200
    assert open311_body(again)[0]["service_request_id"] == first
    assert row_counts(app) == counts


def test_the_same_client_request_id_with_other_content_is_refused_and_stores_nothing(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    key = {"attribute[client_request_id]": "APP-0003"}
    created_id(submit(client, town, **key))
    counts = row_counts(app)

    response = submit(client, town, description="Isi laporan yang lain sama sekali.", **key)

    assert_error(response, 400, "json", "attribute[client_request_id]")
    assert row_counts(app) == counts


def test_without_a_client_request_id_each_post_is_a_new_request(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    assert created_id(submit(client, town)) != created_id(submit(client, town))
    assert row_counts(app)["Ticket"] == 2


# --- errors: POST ------------------------------------------------------------------------------

# Refused before the intake service opens a transaction: the engine does not
# matter, so these run on SQLite only (as in test_api.py).
REFUSED_POSTS = [
    pytest.param({"api_key": None}, 403, "api_key", id="no-api-key"),
    pytest.param({"api_key": "pk_jaki_wrong"}, 403, "api_key", id="wrong-api-key"),
    pytest.param({"service_code": None}, 400, "service_code", id="no-service-code"),
    pytest.param({"jurisdiction_id": "bandung.go.id"}, 404, "jurisdiction_id", id="jurisdiction"),
    pytest.param({"lat": "-7.2575", "long": "112.7521"}, 400, "lat", id="outside-jakarta"),
    pytest.param({"lat": "enam"}, 400, "lat", id="lat-not-a-number"),
    pytest.param({"long": None}, 400, "long", id="lat-without-long"),
    pytest.param({"description": None}, 400, "description", id="no-description"),
    pytest.param({"description": "pendek"}, 400, "description", id="short-description"),
    pytest.param(
        {"lat": None, "long": None}, 400, "lat, long, address_string, address_id", id="nowhere"
    ),
    pytest.param({"email": "bukan-email"}, 400, "email", id="bad-email"),
    pytest.param({"description": "Jalan\x00 rusak parah sekali"}, 400, "description", id="nul"),
]
# Refused inside the service, after it looked things up: on every engine.
REFUSED_BY_SERVICE = [
    pytest.param({"service_code": "banjir-bandang"}, 404, "service_code", id="unknown-service"),
    pytest.param(
        {"lat": None, "long": None, "address_id": "KEL-ATLANTIS"},
        400,
        "address_id",
        id="unknown-kelurahan",
    ),
]


def assert_post_refused(
    app: Flask, fmt: str, fields: dict[str, str | None], status: int, named: str
) -> None:
    town = make_town(app)
    before = row_counts(app)

    response = submit(app.test_client(), town, fmt, **fields)  # type: ignore[arg-type]

    assert_error(response, status, fmt, named)
    assert row_counts(app) == before


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("fields", "status", "named"), REFUSED_POSTS)
def test_a_refused_post_answers_the_spec_s_error_and_stores_nothing(
    sqlite_app: Flask, fmt: str, fields: dict[str, str | None], status: int, named: str
) -> None:
    assert_post_refused(sqlite_app, fmt, fields, status, named)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("fields", "status", "named"), REFUSED_BY_SERVICE)
def test_a_post_the_service_refuses_answers_the_spec_s_error_and_stores_nothing(
    app: Flask, fmt: str, fields: dict[str, str | None], status: int, named: str
) -> None:
    assert_post_refused(app, fmt, fields, status, named)


def test_a_revoked_api_key_is_a_403(app: Flask, town: Town, client: FlaskClient) -> None:
    with app.app_context():
        db.session.execute(update(ApiKey).values(revoked_at=T0))
        db.session.commit()

    assert_error(submit(client, town, "xml"), 403, "xml", "api_key")
    assert row_counts(app)["Ticket"] == 0


def test_a_body_over_the_limit_is_a_400_read_no_further(
    sqlite_app: Flask, lite_town: Town, lite: FlaskClient
) -> None:
    response = submit(lite, lite_town, device_id="x" * 70_000)

    assert_error(response, 400, "json")
    assert row_counts(sqlite_app)["Ticket"] == 0


# --- errors: GET ---------------------------------------------------------------------------------

REFUSED_GETS = [
    pytest.param("services/banjir-bandang", {}, 404, "service_code", id="unknown-service"),
    pytest.param("requests/JKT-2611-ZZZZZZ", {}, 404, "service_request_id", id="unknown-id"),
    pytest.param("tokens/JKT-2611-ZZZZZZ", {}, 404, "token", id="unknown-token"),
    pytest.param("requests", {"start_date": "kemarin"}, 400, "start_date", id="not-a-date"),
    pytest.param(
        "requests", {"start_date": "2026-10-01T00:00:00"}, 400, "start_date", id="no-zone"
    ),
    pytest.param(
        "requests",
        {"start_date": "2026-10-02T00:00:00Z", "end_date": "2026-10-01T00:00:00Z"},
        400,
        "end_date",
        id="end-before-start",
    ),
    pytest.param(
        "requests",
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        400,
        "end_date",
        id="over-90-days",
    ),
    pytest.param("requests", {"status": "selesai"}, 400, "status", id="bad-status"),
    pytest.param(
        "servicerequestupdates", {"end_date": "2026-13-01T00:00:00Z"}, 400, "end_date", id="upd"
    ),
    pytest.param("services", {"jurisdiction_id": "x.go.id"}, 404, "jurisdiction_id", id="jur-s"),
    pytest.param("requests", {"jurisdiction_id": "x.go.id"}, 404, "jurisdiction_id", id="jur-r"),
    pytest.param("nothing", {}, 404, None, id="unknown-resource"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("path", "args", "status", "named"), REFUSED_GETS)
def test_a_refused_get_answers_the_spec_s_error(
    sqlite_app: Flask, fmt: str, path: str, args: dict[str, str], status: int, named: str | None
) -> None:
    make_town(sqlite_app)

    response = sqlite_app.test_client().get(f"{V2}/{path}.{fmt}", query_string=args)

    assert_error(response, status, fmt, named)


@pytest.mark.parametrize(
    "path",
    ["requests/JKT-2611-%00X.json", "tokens/%00.xml", "services/a%00.json"],
)
def test_a_control_character_in_an_id_is_not_found_without_touching_the_database(
    app: Flask, town: Town, client: FlaskClient, path: str
) -> None:
    # PostgreSQL refuses NUL in a query parameter: it must never get that far.
    response = client.get(f"{V2}/{path}")

    assert_error(response, 404, path.rsplit(".", 1)[1])


def test_a_control_character_in_an_argument_is_a_400(
    sqlite_app: Flask, lite_town: Town, lite: FlaskClient
) -> None:
    response = lite.get(f"{V2}/requests.json?service_request_id=JKT%00&service_code=a%01")

    assert_error(response, 400, "json")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_method_a_resource_does_not_have_is_a_400(
    sqlite_app: Flask, lite_town: Town, lite: FlaskClient, fmt: str
) -> None:
    assert_error(lite.delete(f"{V2}/services.{fmt}"), 400, fmt)


# --- formats -------------------------------------------------------------------------------------


def test_xml_is_utf8_with_its_declaration_and_json_is_utf8(
    sqlite_app: Flask, lite_town: Town, lite: FlaskClient
) -> None:
    xml = lite.get(f"{V2}/services.xml")
    assert xml.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert xml.get_data().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<services>')
    js = lite.get(f"{V2}/services.json")
    assert js.headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_active_categories(
    sqlite_app: Flask, lite_town: Town, lite: FlaskClient, fmt: str
) -> None:
    services = get(lite, f"services.{fmt}")

    assert [s["service_code"] for s in services] == ["jalan-rusak", "pungutan-liar", "sampah"]
    assert all(s["type"] == "realtime" and s["metadata"] is False for s in services)
    assert services[1]["group"] == "Inspektorat Provinsi"
    definition = get(lite, f"services/sampah.{fmt}")
    assert definition["service_code"] == "sampah"
    assert [a["code"] for a in definition["attributes"]] == ["client_request_id"]


def test_json_and_xml_say_the_same(app: Flask, town: Town, client: FlaskClient) -> None:
    add_ticket(app)
    complete_ticket(app, add_ticket(app))

    for path in ("services", "services/sampah", "requests", "servicerequestupdates"):
        assert get(client, f"{path}.json") == get(client, f"{path}.xml"), path
    assert client.get("/open311/discovery.json").get_json() == open311_body(
        client.get("/open311/discovery.xml")
    )


def test_text_xml_cannot_carry_still_gives_well_formed_xml(
    sqlite_app: Flask, lite_town: Town, lite: FlaskClient
) -> None:
    tid = add_ticket(sqlite_app, reporter={"confidential": False, "name": "Budi"})
    with sqlite_app.app_context():
        db.session.execute(
            update(Ticket).where(Ticket.id == tid).values(public_description="Got\x01 <rusak> &")
        )
        db.session.commit()

    [found] = get(lite, f"requests/{tracking_of(sqlite_app, tid)}.xml")

    assert found["description"] == "Got\ufffd <rusak> &"


# --- the window and the cap ----------------------------------------------------------------------


def _ticket_at(app: Flask, received: Any, external_id: str) -> str:
    with app.app_context():
        tid = new_ticket(received, external_id=external_id, reported_at=received.isoformat())
    return tracking_of(app, tid)


def test_without_dates_requests_are_those_of_the_last_90_days(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    old = _ticket_at(app, T0 - timedelta(days=91), "OLD")
    recent = _ticket_at(app, T0 - timedelta(days=89), "RECENT")

    default = [r["service_request_id"] for r in get(client, "requests.json")]
    earlier = get(
        client,
        "requests.json",
        start_date=(T0 - timedelta(days=100)).isoformat(),
        end_date=(T0 - timedelta(days=90)).isoformat(),
    )

    assert default == [recent]
    assert [r["service_request_id"] for r in earlier] == [old]


def test_an_id_is_found_outside_the_window(app: Flask, town: Town, client: FlaskClient) -> None:
    old = _ticket_at(app, T0 - timedelta(days=400), "ANCIENT")

    assert [r["service_request_id"] for r in get(client, "requests.json")] == []
    [found] = get(client, "requests.json", service_request_id=f"{old},JKT-0000-000000")
    assert found["service_request_id"] == old


def _many_tickets(app: Flask, town: Town, count: int) -> None:
    """Rows written directly (the cap is the point, not the intake): one per minute before T0."""
    with app.app_context():
        channel_id = db.session.scalar(select(Channel.id).where(Channel.code == "jaki"))
        rows = []
        for i in range(count):
            at = T0 - timedelta(minutes=i + 1)
            rows.append(
                {
                    "tracking": f"JKT-2611-{i:06d}",
                    "channel_id": channel_id,
                    "category_id": town["sampah"],
                    "description": "Sampah menumpuk di pinggir jalan.",
                    "public_description": "Sampah menumpuk di pinggir jalan.",
                    "assigned_unit_id": town["KEL-PALMERIAM"],
                    "kelurahan_id": town["KEL-PALMERIAM"],
                    "kota_id": town["JKT-TIM"],
                    "status": "waiting",
                    "confidentiality": "anonymous",
                    "reported_at": at,
                    "received_at": at,
                    "clock_started_at": at,
                    "response_due_at": at + timedelta(hours=6),
                    "completion_due_at": at + timedelta(days=7),
                    "updated_at": at,
                    "version": 1,
                }
            )
        db.session.execute(insert(Ticket), rows)
        ids = db.session.scalars(select(Ticket.id).order_by(Ticket.received_at)).all()
        db.session.execute(
            insert(TicketEventRow),
            [
                {
                    "ticket_id": tid,
                    "kind": "received",
                    "at": T0 - timedelta(minutes=count - n),
                    "actor_kind": "channel",
                    "actor_label": "Kanal jaki",
                    "to_status": "waiting",
                    "note": "",
                    "data": {},
                }
                for n, tid in enumerate(ids)
            ],
        )
        db.session.commit()


def test_requests_answer_at_most_1000_newest_first(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    _many_tickets(app, town, 1001)

    found = get(client, "requests.json")

    assert len(found) == 1000
    assert found[0]["service_request_id"] == "JKT-2611-000000"
    assert found[-1]["service_request_id"] == "JKT-2611-000999"


def test_updates_answer_at_most_1000_oldest_first(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    _many_tickets(app, town, 1001)

    found = get(client, "servicerequestupdates.json")

    assert len(found) == 1000
    assert found[0]["service_request_id"] == "JKT-2611-001000"
    assert found[0]["updated_datetime"] < found[-1]["updated_datetime"]


# --- statuses through the real workflow ---------------------------------------------------------


def test_a_verified_ticket_is_closed_selesai_with_its_evidence_photo(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    tid = add_ticket(app)
    complete_ticket(app, tid)
    tracking = tracking_of(app, tid)
    [completed] = get(client, f"requests/{tracking}.json")
    verify_ticket(app, tid)

    [verified] = get(client, f"requests/{tracking}.xml")

    assert (completed["status"], completed["status_notes"]) == ("open", "Menunggu Validasi")
    assert (verified["status"], verified["status_notes"]) == ("closed", "Selesai")
    assert verified["updated_datetime"] == "2026-11-02T11:00:00+07:00"  # verified at T0 + 3 h
    photo = client.get(verified["media_url"].removeprefix("http://pantau.test"))
    assert photo.status_code == 200 and photo.mimetype.startswith("image/")


def test_status_open_and_closed_filter_requests(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    open_one = tracking_of(app, add_ticket(app))
    closed = add_ticket(app)
    complete_ticket(app, closed)
    verify_ticket(app, closed)

    def ids(status: str) -> list[str]:
        return [r["service_request_id"] for r in get(client, "requests.json", status=status)]

    assert ids("open") == [open_one]
    assert ids("closed") == [tracking_of(app, closed)]
    assert sorted(ids("open,closed")) == sorted([open_one, tracking_of(app, closed)])


def test_a_rejected_ticket_is_closed_ditolak_without_its_reason(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    tid = add_ticket(app)
    with app.app_context():
        svc.reject(
            tid,
            reason="ZZREASON311 laporan iseng",
            duplicate_of_id=None,
            actor=actor(app, "mro"),
            now=later(T0, hours=1),
            publish=svc.no_publish,
        )

    response = client.get(f"{V2}/requests/{tracking_of(app, tid)}.json")

    [found] = open311_body(response)
    assert (found["status"], found["status_notes"]) == ("closed", "Ditolak")
    assert "ZZREASON311" not in response.get_data(as_text=True)


def test_an_ews_date_becomes_the_expected_datetime(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    tid = add_ticket(app)
    with app.app_context():
        officer = actor(app, "officer_a")
        svc.start_work(tid, actor=officer, now=later(T0, hours=1), publish=svc.no_publish)
        svc.set_ews(
            tid,
            ews_at=later(T0, days=43),
            reason="Perlu anggaran.",
            actor=officer,
            now=later(T0, hours=2),
            publish=svc.no_publish,
        )

    [found] = get(client, f"requests/{tracking_of(app, tid)}.json")

    assert found["status_notes"] == "Proses (EWS)"
    assert found["expected_datetime"] == "2026-12-15T08:00:00+07:00"


@pytest.mark.parametrize("fmt", FORMATS)
def test_updates_list_each_status_change_with_its_label_and_no_notes(
    app: Flask, town: Town, client: FlaskClient, fmt: str
) -> None:
    tid = add_ticket(app)
    complete_ticket(app, tid)
    with app.app_context():
        svc.add_note(
            tid,
            text="ZZNOTE311",
            kind="note",
            actor=actor(app, "mro"),
            now=later(T0, hours=2, minutes=30),
            publish=svc.no_publish,
        )
    verify_ticket(app, tid)
    other = tracking_of(app, add_ticket(app, **AT_SENAYAN))

    with time_machine.travel(later(T0, hours=6), tick=False):
        response = client.get(f"{V2}/servicerequestupdates.{fmt}")
        only = get(client, f"servicerequestupdates.{fmt}", service_request_id=other)
    updates = open311_body(response)
    mine = [u for u in updates if u["service_request_id"] == tracking_of(app, tid)]

    assert [(u["status"], u["description"]) for u in mine] == [
        ("open", "Menunggu"),
        ("open", "Proses"),
        ("open", "Menunggu Validasi"),
        ("closed", "Selesai"),
    ]
    assert [u["updated_datetime"][11:16] for u in mine] == ["08:00", "09:00", "10:00", "11:00"]
    assert len({u["update_id"] for u in updates}) == len(updates)
    assert "ZZNOTE311" not in response.get_data(as_text=True)
    assert [u["service_request_id"] for u in only] == [other]


def test_requests_filter_by_service_code(app: Flask, town: Town, client: FlaskClient) -> None:
    road = tracking_of(app, add_ticket(app))
    waste = tracking_of(app, add_ticket(app, category="sampah"))

    found = get(client, "requests.json", service_code="sampah,banjir-bandang")

    assert [r["service_request_id"] for r in found] == [waste]
    assert road != waste


# --- descriptions and privacy --------------------------------------------------------------------

FIRST, LAST = "Zzfirstmark", "Zzlastmark"
EMAIL, PHONE = "zzmark311@example.id", "081299990311"
ADDRESS, DEVICE, ACCOUNT = "Jl. Zzrumahmark No. 5", "zzdevicemark", "zzaccountmark"
MARKERS = [FIRST, LAST, EMAIL, PHONE, "Zzrumahmark", DEVICE, ACCOUNT]
REPORTER = {"name": f"{FIRST} {LAST}", "phone": PHONE, "email": EMAIL}
TELLING = f"Saya {FIRST} {LAST}, hubungi {PHONE} atau {EMAIL}. Jalan rusak parah di sini."


def test_only_a_biasa_description_is_shown_and_then_redacted(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    biasa = add_ticket(
        app,
        description=TELLING,
        reporter={**REPORTER, "confidential": False},
    )
    rahasia = add_ticket(app, description=TELLING)
    anonim = add_ticket(app, description=TELLING, reporter={"anonymous": True})

    def description(tid: int) -> str | None:
        return get(client, f"requests/{tracking_of(app, tid)}.json")[0]["description"]

    shown = description(biasa)
    assert shown is not None and "Jalan rusak parah" in shown
    assert "[nama disembunyikan]" in shown and "[telepon disembunyikan]" in shown
    assert description(rahasia) is None
    assert description(anonim) is None


def test_no_get_answer_ever_carries_reporter_data(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    posted = submit(
        client,
        town,
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
        phone=PHONE,
        address_string=ADDRESS,
        device_id=DEVICE,
        account_id=ACCOUNT,
        description=TELLING,
    )
    rid = created_id(posted)
    biasa = client.post(
        "/api/v1/tickets",
        json=report_payload(
            external_id="BIASA-1",
            description=TELLING,
            address=ADDRESS,
            reporter={
                "name": f"{FIRST} {LAST}",
                "phone": PHONE,
                "email": EMAIL,
                "confidential": False,
            },
        ),
        headers={"X-API-Key": town.api_key},
    ).get_json()["tracking"]
    for tid in (ticket_row(app, rid).id, ticket_row(app, biasa).id):
        complete_ticket(app, tid)
    with app.app_context():  # the markers really are stored
        assert db.session.scalar(select(Reporter.email).where(Reporter.email == EMAIL))

    answers = [posted]
    for fmt in FORMATS:
        for path in (
            f"{V2}/services.{fmt}",
            f"{V2}/services/jalan-rusak.{fmt}",
            f"{V2}/requests.{fmt}",
            f"{V2}/requests.{fmt}?service_request_id={rid},{biasa}",
            f"{V2}/requests/{rid}.{fmt}",
            f"{V2}/requests/{biasa}.{fmt}",
            f"{V2}/tokens/{rid}.{fmt}",
            f"{V2}/tokens/{biasa}.{fmt}",
            f"{V2}/servicerequestupdates.{fmt}",
            f"/open311/discovery.{fmt}",
        ):
            answers.append(client.get(path))
    answers += [client.get(f"{V2}/openapi.json"), client.get("/api/v1/openapi.json")]

    assert all(a.status_code in (200, 201) for a in answers)
    assert any("[nama disembunyikan]" in a.get_data(as_text=True) for a in answers)
    for answer in answers:
        text = answer.get_data(as_text=True).lower()
        for marker in MARKERS:
            assert marker.lower() not in text, (answer.request.url, marker)


# --- discovery and the OpenAPI documents -------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_points_at_the_georeport_v2_endpoint(
    sqlite_app: Flask, lite_town: Town, lite: FlaskClient, fmt: str
) -> None:
    response = lite.get(f"/open311/discovery.{fmt}")

    assert response.status_code == 200
    doc = open311_body(response)
    assert set(doc) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = doc["endpoints"]
    assert endpoint["url"] == "http://pantau.test/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    if fmt == "xml":
        assert ET.fromstring(response.get_data()).tag == "discovery"


def _documented_paths(document: dict, server: str) -> set[str]:
    return {server + path.replace("{", "<").replace("}", ">") for path in document["paths"]}


def _routes(app: Flask, prefix: str) -> set[str]:
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix):
            continue
        if "<fmt>" in rule.rule.replace("<any(json, xml):fmt>", "<fmt>"):
            for fmt in FORMATS:
                out.add(rule.rule.replace("<any(json, xml):fmt>", fmt))
        else:
            out.add(rule.rule)
    return out


def test_the_openapi_documents_describe_every_route_of_both_apis(
    sqlite_app: Flask, lite_town: Town, lite: FlaskClient
) -> None:
    open311_doc = lite.get(f"{V2}/openapi.json").get_json()
    ingest_doc = lite.get("/api/v1/openapi.json").get_json()

    assert open311_doc["openapi"] == ingest_doc["openapi"] == "3.1.0"
    assert _documented_paths(open311_doc, "/open311") == _routes(sqlite_app, "/open311/")
    assert _documented_paths(ingest_doc, "/api/v1") == _routes(sqlite_app, "/api/v1/")


def test_the_openapi_documents_state_the_limits_the_code_enforces(
    sqlite_app: Flask, lite_town: Town, lite: FlaskClient
) -> None:
    schemas = lite.get(f"{V2}/openapi.json").get_json()["components"]["schemas"]
    ingest = lite.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    form, report = schemas["RequestForm"]["properties"], ingest["Report"]["properties"]
    min_lat, min_lon, max_lat, max_lon = intake_rules.JAKARTA_BBOX

    for lat, lon in ((form["lat"], form["long"]), (report["lat"], report["lon"])):
        assert (lat["minimum"], lat["maximum"]) == (min_lat, max_lat)
        assert (lon["minimum"], lon["maximum"]) == (min_lon, max_lon)
    assert form["description"]["maxLength"] == rules.MAX_DESCRIPTION
    assert form["description"]["minLength"] == intake_rules.MIN_DESCRIPTION
    assert report["description"]["maxLength"] == intake_rules.MAX_DESCRIPTION
    assert form["first_name"]["maxLength"] == rules.MAX_NAME
    assert set(form) == set(rules.FORM_FIELDS)
    assert set(report) == intake_rules.KNOWN_FIELDS
    assert set(ingest["Reporter"]["properties"]) == intake_rules.REPORTER_FIELDS
    assert schemas["ServiceRequestList"]["maxItems"] == rules.MAX_ROWS
