"""Uploads cost what their pixels cost, so they are bounded: a photo over
16 MP is refused from its header (a 116 KB PNG can be 40 MP), what is stored
is at most 2048 px on its longest side, and the ingest API is rate-limited per
channel key. Links in API answers come from PUBLIC_BASE_URL, not the Host
header. Real images made with Pillow."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from flask import Flask
from PIL import ExifTags, Image
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Photo
from dashboard.services import accounts
from tests.conftest import T0, make_app
from tests.factories import report_payload
from tests.http.helpers import (
    HTMX,
    add_ticket,
    b64,
    client_as,
    make_town,
    photo_b64,
    row_counts,
    snapshot,
)

URL = "/api/v1/tickets"


def png(size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size).save(buf, format="PNG")
    return buf.getvalue()


def camera_jpeg(size: tuple[int, int]) -> bytes:
    """A camera-like JPEG: noise over a gradient, EXIF with GPS, and an XMP packet."""
    picture = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize(size),
            Image.effect_noise(size, 30),
            Image.radial_gradient("L").resize(size),
        ),
    )
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "ZZCAMERA"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 11.0, 54.6)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">ZZXMP-RUMAH</x:xmpmeta>'
    buf = io.BytesIO()
    picture.save(buf, format="JPEG", quality=80, exif=exif, xmp=xmp)
    data = buf.getvalue()
    assert b"ZZXMP-RUMAH" in data and b"ZZCAMERA" in data  # the fixture carries them
    return data


def test_the_116_kb_png_bomb_is_refused_naming_the_photo_and_the_limit(app: Flask) -> None:
    town = make_town(app)
    bomb = png((6300, 6300))
    assert len(bomb) < 130_000  # small on the wire, 40 MP decoded
    before = row_counts(app)

    response = app.test_client().post(
        URL,
        json=report_payload(photos=[photo_b64(), photo_b64(), b64(bomb)]),
        headers={"X-API-Key": town.api_key},
    )

    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert set(fields) == {"photos[2]"}
    assert "6300×6300" in fields["photos[2]"] and "16 MP" in fields["photos[2]"]
    assert row_counts(app) == before


def test_a_photo_past_pillows_own_bomb_guard_is_a_422_not_a_500(sqlite_app: Flask) -> None:
    town = make_town(sqlite_app)
    buf = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buf, format="PNG")  # 144 MP: Pillow warns on open
    before = row_counts(sqlite_app)

    response = sqlite_app.test_client().post(
        URL,
        json=report_payload(photos=[b64(buf.getvalue())]),
        headers={"X-API-Key": town.api_key},
    )

    assert response.status_code == 422
    assert "16 MP" in response.get_json()["fields"]["photos[0]"]
    assert row_counts(sqlite_app) == before


def test_a_16_mp_camera_photo_is_stored_at_2048_px_without_its_metadata(
    sqlite_app: Flask,
) -> None:
    town = make_town(sqlite_app)
    response = sqlite_app.test_client().post(
        URL,
        json=report_payload(photos=[b64(camera_jpeg((4608, 3456)))]),
        headers={"X-API-Key": town.api_key},
    )

    assert response.status_code == 201, response.get_json()
    with sqlite_app.app_context():
        photo = db.session.scalars(select(Photo)).one()
        assert (photo.width, photo.height) == (2048, 1536)
        content = photo.content
    with Image.open(io.BytesIO(content)) as stored:
        assert stored.size == (2048, 1536)
        assert len(stored.getexif()) == 0
    for secret in (b"ZZCAMERA", b"ZZXMP-RUMAH", b"Exif", b"http://ns.adobe.com/xap"):
        assert secret not in content


def test_a_completion_photo_over_the_limit_is_refused_and_nothing_changes(
    sqlite_app: Flask,
) -> None:
    make_town(sqlite_app)
    tid = add_ticket(sqlite_app)
    officer = client_as(sqlite_app, "officer_a")
    assert officer.post(f"/tickets/{tid}/start", headers=HTMX).status_code == 200
    before, photos_before = snapshot(sqlite_app, tid), row_counts(sqlite_app)["Photo"]

    response = officer.post(
        f"/tickets/{tid}/complete",
        data={"note": "Sudah diperbaiki.", "photos": [(io.BytesIO(png((6300, 6300))), "a.png")]},
        headers=HTMX,
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    assert "16 MP" in response.get_data(as_text=True)
    assert snapshot(sqlite_app, tid) == before
    assert row_counts(sqlite_app)["Photo"] == photos_before


# --- the ingest rate limit, per channel key ---------------------------------------


@pytest.fixture
def limited_app(tmp_path: object) -> Iterator[Flask]:
    yield from make_app(
        "sqlite", tmp_path, {"RATELIMIT_ENABLED": True, "RATE_LIMIT_INGEST": "3 per minute"}
    )


def test_ingest_is_limited_per_channel_key_with_a_json_429(limited_app: Flask) -> None:
    town = make_town(limited_app)
    with limited_app.app_context():
        other_key = accounts.issue_api_key("jaki", label="second integration", now=T0)
    client = limited_app.test_client()

    def deliver(key: str, n: int) -> int:
        payload = report_payload(external_id=f"LIMIT-{key[-6:]}-{n}")
        return client.post(URL, json=payload, headers={"X-API-Key": key}).status_code

    assert [deliver(town.api_key, n) for n in range(3)] == [201, 201, 201]
    limited = client.post(
        URL, json=report_payload(external_id="LIMIT-X"), headers={"X-API-Key": town.api_key}
    )
    assert limited.status_code == 429
    assert limited.is_json and limited.get_json()["error"] == "too_many_requests"
    assert limited.get_json()["message"]
    assert "Retry-After" in limited.headers
    assert row_counts(limited_app)["Ticket"] == 3
    # Another key has its own allowance: one busy channel does not block the rest.
    assert deliver(other_key, 0) == 201
    # Ratings share the rule (a separate allowance per key).
    tracking = client.post(
        URL, json=report_payload(external_id="LIMIT-Y"), headers={"X-API-Key": other_key}
    ).get_json()["tracking"]
    codes = [
        client.post(
            f"{URL}/{tracking}/rating", json={"rating": 9}, headers={"X-API-Key": other_key}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [422, 422, 422, 429]


# --- absolute links ----------------------------------------------------------------


def test_links_use_public_base_url_whatever_host_the_client_sends(tmp_path: object) -> None:
    for app in make_app("sqlite", tmp_path, {"PUBLIC_BASE_URL": "https://pantau.jakarta.go.id"}):
        town = make_town(app)
        client = app.test_client()
        spoofed = {"X-API-Key": town.api_key, "Host": "evil.example"}
        body = client.post(URL, json=report_payload(), headers=spoofed).get_json()
        assert body["url"].startswith("https://pantau.jakarta.go.id/t/")
        assert body["rating_url"].startswith("https://pantau.jakarta.go.id/")
        discovery = client.get("/open311/discovery.json", headers={"Host": "evil.example"})
        assert discovery.get_json()["endpoints"][0]["url"] == (
            "https://pantau.jakarta.go.id/open311/v2"
        )
        assert "evil.example" not in discovery.get_data(as_text=True)


def test_public_base_url_is_read_from_the_environment() -> None:
    from dashboard import config

    read = config.from_environment({"PUBLIC_BASE_URL": "https://pantau.jakarta.go.id/"})
    assert read["PUBLIC_BASE_URL"] == "https://pantau.jakarta.go.id"
    assert config.from_environment({"PANTAU_RATE_LIMIT_INGEST": "10 per minute"}) == {
        "RATE_LIMIT_INGEST": "10 per minute"
    }
    for wrong in ("pantau.jakarta.go.id", "javascript:alert(1)", "https://x.id/?a=1"):
        with pytest.raises(ValueError, match="PUBLIC_BASE_URL"):
            config.from_environment({"PUBLIC_BASE_URL": wrong})
