"""The channel ingest API, ``/api/v1/tickets``: status codes, idempotency, field
errors that store nothing, photo cleaning and the public view."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from PIL import ExifTags, Image
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from dashboard.extensions import db
from dashboard.models import ApiKey, Photo, Ticket, TicketEventRow
from tests.conftest import T0
from tests.factories import photo_bytes, report_payload
from tests.http.helpers import AT_SENAYAN, Town, b64, make_town, photo_b64, row_counts

URL = "/api/v1/tickets"


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


def post(client: FlaskClient, town: Town, payload: object, **headers: str) -> TestResponse:
    return client.post(URL, json=payload, headers={"X-API-Key": town.api_key, **headers})


def stored(app: Flask, tracking: str) -> Ticket:
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.tracking == tracking))
        assert ticket is not None
        db.session.expunge(ticket)
        return ticket


# --- the happy path and repeats ------------------------------------------------


def test_a_new_report_is_created_with_its_tracking_number_and_public_url(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    response = post(client, town, report_payload())

    assert response.status_code == 201
    body = response.get_json()
    assert body["created"] is True
    assert body["url"].endswith(f"/t/{body['tracking']}")
    assert body["url"].startswith("http")


def test_a_new_report_is_stored_and_routed_to_its_kelurahan(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    tracking = post(client, town, report_payload()).get_json()["tracking"]

    ticket = stored(app, tracking)
    assert ticket.status == "waiting"
    assert ticket.assigned_unit_id == town["KEL-UTAN-KAYU-UTARA"]
    assert ticket.external_id == "JAKI-0001"
    with app.app_context():
        kinds = db.session.scalars(
            select(TicketEventRow.kind).where(TicketEventRow.ticket_id == ticket.id)
        ).all()
    assert kinds == ["received"]


def test_the_same_report_delivered_again_answers_200_with_the_same_ticket(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    first = post(client, town, report_payload())
    counts = row_counts(app)

    again = post(client, town, report_payload())

    assert again.status_code == 200
    assert again.get_json()["tracking"] == first.get_json()["tracking"]
    assert again.get_json()["created"] is False
    assert row_counts(app) == counts
    assert counts["Ticket"] == 1


def test_a_repeat_with_its_keys_in_another_order_is_still_the_same_report(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    payload = report_payload()
    first = post(client, town, payload)

    reordered = dict(reversed(list(payload.items())))
    again = post(client, town, reordered)

    assert again.status_code == 200
    assert again.get_json()["tracking"] == first.get_json()["tracking"]


def test_the_same_external_id_with_a_different_report_is_refused_and_changes_nothing(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    tracking = post(client, town, report_payload()).get_json()["tracking"]
    counts = row_counts(app)

    response = post(client, town, report_payload(description="Isi laporan yang lain sama sekali."))

    assert response.status_code == 422
    assert "external_id" in response.get_json()["fields"]
    assert row_counts(app) == counts
    assert stored(app, tracking).description == report_payload()["description"]


# --- authentication ------------------------------------------------------------


def test_a_request_without_an_api_key_is_unauthorised(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    response = client.post(URL, json=report_payload())

    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert row_counts(app)["Ticket"] == 0


def test_a_request_with_a_wrong_api_key_is_unauthorised(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    response = client.post(URL, json=report_payload(), headers={"X-API-Key": "pk_jaki_wrong"})

    assert response.status_code == 401
    assert row_counts(app)["Ticket"] == 0


def test_a_request_with_a_revoked_api_key_is_unauthorised(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    with app.app_context():
        db.session.execute(update(ApiKey).values(revoked_at=T0))
        db.session.commit()

    response = post(client, town, report_payload())

    assert response.status_code == 401
    assert row_counts(app)["Ticket"] == 0


def test_a_channel_key_cannot_deliver_reports_for_another_channel(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    response = post(client, town, report_payload(channel="kelurahan"))

    assert response.status_code == 403
    assert "channel" in response.get_json()["fields"]
    assert row_counts(app)["Ticket"] == 0


# --- malformed requests ---------------------------------------------------------


def test_a_body_that_is_not_json_is_refused_with_415(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    response = client.post(
        URL,
        data=json.dumps(report_payload()),
        content_type="text/plain",
        headers={"X-API-Key": town.api_key},
    )

    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"
    assert row_counts(app)["Ticket"] == 0


def test_malformed_json_is_refused_with_400(app: Flask, town: Town, client: FlaskClient) -> None:
    response = client.post(
        URL,
        data='{"channel": "jaki", "description": ',
        content_type="application/json",
        headers={"X-API-Key": town.api_key},
    )

    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_json"
    assert row_counts(app)["Ticket"] == 0


def _without(key: str) -> dict:
    payload = report_payload()
    del payload[key]
    return payload


# Refused by the parser before the service opens a transaction: the engine
# does not matter, so these run on SQLite only.
MALFORMED = [
    pytest.param(_without("description"), "description", id="missing-description"),
    pytest.param(_without("channel"), "channel", id="missing-channel"),
    pytest.param(_without("category"), "category", id="missing-category"),
    pytest.param(_without("external_id"), "external_id", id="missing-external-id"),
    pytest.param(_without("reported_at"), "reported_at", id="missing-reported-at"),
    pytest.param(report_payload(lat="-6.19", lon=106.86), "lat", id="lat-as-string"),
    pytest.param(report_payload(description=12345678901), "description", id="description-number"),
    pytest.param(report_payload(reporter="Siti"), "reporter", id="reporter-not-an-object"),
    pytest.param(report_payload(photos="aGVsbG8="), "photos", id="photos-not-a-list"),
    pytest.param(report_payload(description="pendek"), "description", id="description-too-short"),
    pytest.param(report_payload(lat=-7.2575, lon=112.7521), "lat", id="outside-jakarta"),
    pytest.param(
        report_payload(reported_at="2026-11-02T09:00:00+07:00"), "reported_at", id="future"
    ),
    pytest.param(
        report_payload(reported_at="2026-11-02T07:30:00"), "reported_at", id="no-utc-offset"
    ),
    pytest.param(report_payload(reported_at="kemarin sore"), "reported_at", id="not-a-date"),
    pytest.param(report_payload(photos=[photo_b64()] * 6), "photos", id="too-many-photos"),
    pytest.param(report_payload(photos=["bukan base64!!"]), "photos[0]", id="not-base64"),
    pytest.param(report_payload(nama_pelapor="Siti"), "body", id="unknown-field"),
    # Found by the fuzz's edge: PostgreSQL cannot store NUL, a lone surrogate is not
    # UTF-8, and year 1 at +07:00 is before the first storable instant (each was a 500).
    pytest.param(report_payload(description="Jalan\x00 berlubang"), "description", id="nul"),
    pytest.param(report_payload(address="Jl. \ud800"), "address", id="lone-surrogate"),
    pytest.param(
        report_payload(reporter={"name": "Siti\x07"}), "reporter.name", id="control-character"
    ),
    pytest.param(
        report_payload(reported_at="0001-01-01T00:00:00+07:00"), "reported_at", id="year-one"
    ),
]

# Refused inside the service, some after the ticket row was flushed: these
# prove the rollback, so they run on every engine.
REFUSED_BY_SERVICE = [
    pytest.param(report_payload(category="banjir-bandang"), "category", id="unknown-category"),
    pytest.param(report_payload(channel="twitter"), "channel", id="unknown-channel"),
    pytest.param(report_payload(kelurahan="KEL-ATLANTIS"), "kelurahan", id="unknown-kelurahan"),
    pytest.param(
        report_payload(photos=[b64(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")]),
        "photos[0]",
        id="pdf-as-photo",
    ),
    pytest.param(
        report_payload(photos=[b64(random.Random(7).randbytes(2048))]),
        "photos[0]",
        id="random-bytes",
    ),
    pytest.param(
        report_payload(photos=[photo_b64(), b64(b"\xff\xd8\xff\xe0" + bytes(512))]),
        "photos[1]",
        id="second-photo-jpeg-magic-but-broken",
    ),
]


def assert_refused_and_nothing_stored(app: Flask, payload: dict, field: str) -> None:
    town = make_town(app)
    before = row_counts(app)

    response = post(app.test_client(), town, payload)

    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == "invalid"
    assert field in body["fields"]
    assert row_counts(app) == before


@pytest.mark.parametrize(("payload", "field"), MALFORMED)
def test_a_malformed_field_is_refused_naming_it_and_stores_nothing(
    sqlite_app: Flask, payload: dict, field: str
) -> None:
    assert_refused_and_nothing_stored(sqlite_app, payload, field)


@pytest.mark.parametrize(("payload", "field"), REFUSED_BY_SERVICE)
def test_a_report_refused_by_the_service_names_the_field_and_stores_nothing(
    app: Flask, payload: dict, field: str
) -> None:
    assert_refused_and_nothing_stored(app, payload, field)


def test_a_json_body_that_is_not_an_object_is_refused_naming_the_body(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    response = post(client, town, [report_payload()])

    assert response.status_code == 422
    assert "body" in response.get_json()["fields"]
    assert row_counts(app)["Ticket"] == 0


def test_an_oversized_photo_is_refused_and_stores_nothing(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    app.config["MAX_PHOTO_BYTES"] = 200
    before = row_counts(app)

    response = post(client, town, report_payload(photos=[b64(photo_bytes(size=(400, 300)))]))

    assert response.status_code == 422
    assert "photos[0]" in response.get_json()["fields"]
    assert row_counts(app) == before


def test_a_body_over_the_request_size_limit_is_refused_with_413(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 2048
    before = row_counts(app)

    response = post(client, town, report_payload(photos=[photo_b64()] * 3))

    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"
    assert row_counts(app) == before


def test_a_body_over_the_api_limit_is_refused_with_413_before_it_is_read(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    app.config.update(MAX_JSON_BYTES=256, MAX_PHOTO_BYTES=64, MAX_PHOTOS=1)

    response = post(client, town, report_payload(description="Jalan berlubang. " * 40))

    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"
    assert row_counts(app)["Ticket"] == 0


# --- photos ----------------------------------------------------------------------

SECRET_COMMENT = b"ZZ-COMMENT-RUMAH-PELAPOR"


def jpeg_with_metadata() -> bytes:
    """A JPEG carrying a camera make, GPS coordinates and a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "ZZCAMERA"
    exif[ExifTags.Base.Software] = "ZZSOFTWARE"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 11.0, 54.6)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 51.0, 54.7)
    buf = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 140, 200)).save(
        buf, format="JPEG", exif=exif, comment=SECRET_COMMENT
    )
    data = buf.getvalue()
    # The fixture itself must carry what the cleaner has to remove.
    with Image.open(io.BytesIO(data)) as check:
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert check.info.get("comment") == SECRET_COMMENT
    return data


def test_a_report_photo_is_stored_as_a_report_photo(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    response = post(client, town, report_payload(photos=[photo_b64()]))

    assert response.status_code == 201
    ticket = stored(app, response.get_json()["tracking"])
    with app.app_context():
        photos = db.session.scalars(select(Photo).where(Photo.ticket_id == ticket.id)).all()
        assert [(p.purpose, p.mime) for p in photos] == [("report", "image/jpeg")]


def test_a_report_photo_is_stored_without_exif_gps_or_comment(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    response = post(client, town, report_payload(photos=[b64(jpeg_with_metadata())]))

    assert response.status_code == 201
    with app.app_context():
        content = db.session.scalars(select(Photo.content)).one()
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "exif" not in image.info
        assert "comment" not in image.info
    assert b"Exif" not in content
    assert SECRET_COMMENT not in content
    assert b"ZZCAMERA" not in content


# --- reading a ticket back -----------------------------------------------------

MARKERS = {"name": "ZZAPINAME3", "phone": "081299990003", "email": "zzapi3@example.id"}


def test_the_public_view_shows_status_and_area(app: Flask, town: Town, client: FlaskClient) -> None:
    tracking = post(client, town, report_payload()).get_json()["tracking"]

    response = client.get(f"{URL}/{tracking}")

    assert response.status_code == 200
    view = response.get_json()
    assert view["tracking"] == tracking
    assert view["status"] == "waiting" and view["status_type"] == "open"
    assert view["category"] == "jalan-rusak"
    assert view["kelurahan"] == "Kelurahan Utan Kayu Utara"
    assert view["url"].endswith(f"/t/{tracking}")


def test_the_public_view_contains_no_reporter_data(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    payload = report_payload(reporter={**MARKERS, "confidential": False})
    tracking = post(client, town, payload).get_json()["tracking"]

    raw = client.get(f"{URL}/{tracking}").get_data(as_text=True)

    for marker in MARKERS.values():
        assert marker not in raw
    assert "reporter" not in json.loads(raw)


def test_an_unknown_tracking_number_answers_404_in_json(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    response = client.get(f"{URL}/JKT-2611-ZZZZZZ")

    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"] == "not_found"


def test_a_late_delivered_report_keeps_its_reported_at_and_is_received_now(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    # Reported on Friday evening in Jakarta, delivered by the channel on Monday.
    payload = report_payload(reported_at="2026-10-30T19:45:00+07:00")

    tracking = post(client, town, payload).get_json()["tracking"]

    ticket = stored(app, tracking)
    assert ticket.reported_at == datetime(2026, 10, 30, 12, 45, tzinfo=UTC)
    assert ticket.received_at == T0
    view = client.get(f"{URL}/{tracking}").get_json()
    assert datetime.fromisoformat(view["reported_at"]) == datetime(2026, 10, 30, 12, 45, tzinfo=UTC)
    assert datetime.fromisoformat(view["received_at"]) == T0


def test_a_report_from_another_kota_is_routed_there(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    tracking = post(client, town, report_payload(**AT_SENAYAN)).get_json()["tracking"]

    ticket = stored(app, tracking)
    assert ticket.assigned_unit_id == town["KEL-SENAYAN"]
    assert ticket.kota_id == town["JKT-SEL"]


def test_a_control_character_in_a_tracking_number_is_not_found(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    assert client.get(f"{URL}/JKT-2611-%00").status_code == 404
    rated = client.post(
        f"{URL}/JKT-2611-%00/rating", json={"rating": 4}, headers={"X-API-Key": town.api_key}
    )
    assert rated.status_code == 404


def test_a_rating_comment_with_a_control_character_is_refused(
    app: Flask, town: Town, client: FlaskClient
) -> None:
    tracking = post(client, town, report_payload()).get_json()["tracking"]

    response = client.post(
        f"{URL}/{tracking}/rating",
        json={"rating": 1, "fixed": False, "comment": "Belum\x00 selesai"},
        headers={"X-API-Key": town.api_key},
    )

    assert response.status_code == 422
    assert "comment" in response.get_json()["fields"]
