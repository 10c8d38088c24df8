"""Validating an incoming report, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.domain import events as ev
from dashboard.domain import sla
from dashboard.domain.intake import InvalidReport, open_ticket, parse_report, payload_hash
from dashboard.domain.routing import Route
from dashboard.domain.workflow import Actor, Confidentiality, Status

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


def good(**overrides: object) -> dict:
    payload = {
        "channel": "jaki",
        "external_id": "J-1",
        "category": "sampah",
        "description": "Sampah menumpuk di pinggir kali sejak seminggu.",
        "lat": -6.2,
        "lon": 106.85,
        "address": "Jl. Matraman Raya",
        "reported_at": "2026-11-02T09:00:00+07:00",
        "reporter": {"name": "Budi", "phone": "0812-3456-7890", "email": "b@x.id"},
    }
    payload.update(overrides)
    return payload


def errors_of(payload: object) -> dict[str, str]:
    with pytest.raises(InvalidReport) as info:
        parse_report(payload, now=NOW)
    return info.value.errors


def test_a_good_report_parses_with_confidential_reporter_by_default() -> None:
    report = parse_report(good(), now=NOW)
    assert report.reporter.confidentiality is Confidentiality.CONFIDENTIAL
    assert report.reporter.name == "Budi"
    assert report.reported_at == datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def test_anonymous_reporter_keeps_no_identity_at_all() -> None:
    report = parse_report(
        good(reporter={"name": "Budi", "phone": "08123456789", "anonymous": True}), now=NOW
    )
    assert report.reporter.confidentiality is Confidentiality.ANONYMOUS
    assert (report.reporter.name, report.reporter.phone, report.reporter.email) == (None,) * 3


def test_confidential_false_is_biasa_identity_kept_description_public() -> None:
    report = parse_report(good(reporter={"name": "Budi", "confidential": False}), now=NOW)
    assert report.reporter.confidentiality is Confidentiality.PUBLIC
    assert report.reporter.name == "Budi"
    assert report.reporter.confidentiality.keeps_identity
    assert report.reporter.confidentiality.description_public


def test_rahasia_is_the_default_and_hides_the_description() -> None:
    report = parse_report(good(reporter={"name": "Budi"}), now=NOW)
    assert report.reporter.confidentiality is Confidentiality.CONFIDENTIAL
    assert not report.reporter.confidentiality.description_public


@pytest.mark.parametrize(
    "missing", ["channel", "external_id", "category", "description", "reported_at"]
)
def test_missing_required_field_is_named(missing: str) -> None:
    payload = good()
    del payload[missing]
    assert "wajib" in errors_of(payload)[missing]


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("description", 42, "teks"),
        ("description", "pendek", "paling sedikit"),
        ("description", "x" * 5001, "paling banyak"),
        ("lat", "minus enam", "angka"),
        ("lat", True, "angka"),
        ("reported_at", "kemarin", "ISO 8601"),
        ("reported_at", "2026-11-02T09:00:00", "zona waktu"),
        ("reported_at", "2026-12-25T09:00:00+07:00", "masa depan"),
        ("photos", "not-a-list", "daftar"),
        ("reporter", "Budi", "objek"),
    ],
)
def test_wrong_type_or_value_is_named(field: str, value: object, fragment: str) -> None:
    assert fragment in errors_of(good(**{field: value}))[field]


def test_coordinates_outside_jakarta_are_refused() -> None:
    assert "di luar DKI Jakarta" in errors_of(good(lat=-6.9175, lon=107.6191))["lat"]  # Bandung


def test_lat_without_lon_is_refused() -> None:
    payload = good()
    del payload["lon"]
    assert "bersama" in errors_of(payload)["lon"]


def test_bad_reporter_contact_is_named() -> None:
    errs = errors_of(good(reporter={"phone": "call me", "email": "nope"}))
    assert "reporter.phone" in errs and "reporter.email" in errs


def test_unknown_fields_are_refused_rather_than_silently_dropped() -> None:
    assert "nik" in errors_of(good(nik="3171234567890001"))["body"]


def test_every_problem_is_reported_at_once() -> None:
    errs = errors_of({"channel": "jaki"})
    assert {"external_id", "category", "description", "reported_at"} <= set(errs)


def test_non_object_body_is_refused() -> None:
    assert "body" in errors_of(["a", "list"])


def test_bad_base64_photo_is_named_by_index() -> None:
    assert "base64" in errors_of(good(photos=["aGVsbG8=", "!!!"]))["photos[1]"]


def test_too_many_photos_are_refused() -> None:
    assert "paling banyak" in errors_of(good(photos=["aGVsbG8="] * 6))["photos"]


def test_payload_hash_ignores_key_order() -> None:
    assert payload_hash({"a": 1, "b": 2}) == payload_hash({"b": 2, "a": 1})
    assert payload_hash({"a": 1}) != payload_hash({"a": 2})


def test_an_opened_ticket_waits_at_its_routed_unit_with_its_category_deadlines() -> None:
    actor = Actor.channel("jaki")
    opening = open_ticket(
        channel="jaki",
        route=Route(unit_id=7, kelurahan_id=7, routed_by="polygon"),
        response_hours=24,
        weight=2,
        repeat_of_id=3,
        actor=actor,
        now=NOW,
    )
    assert opening.status is Status.WAITING
    assert opening.response_due_at == NOW + timedelta(hours=24)
    assert opening.completion_due_at == sla.completion_due(NOW, 2)
    event = opening.received(41)
    assert isinstance(event, ev.TicketReceived)
    assert (event.ticket_id, event.at, event.actor) == (41, NOW, actor)
    assert (event.from_status, event.to_status) == (None, Status.WAITING)
    assert event.repeat_of_id == 3
    assert event.data() == {"channel": "jaki", "assigned_unit_id": 7, "routed_by": "polygon"}
