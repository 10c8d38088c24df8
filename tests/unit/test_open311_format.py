"""Open311 GeoReport v2 mapping and formats (domain/open311.py): statuses, w3 datetimes,
query arguments, the POST form, the documents and their XML form. No database."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.domain import open311
from dashboard.domain.open311 import Open311Error, RequestRecord, ServiceRecord
from dashboard.domain.workflow import Status

NOW = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # 08:00 WIB


def record(**overrides: object) -> RequestRecord:
    base = RequestRecord(
        tracking="JKT-2611-7K3QXM",
        status=Status.WAITING,
        service_code="jalan-rusak",
        service_name="Jalan Rusak",
        confidentiality="public",
        text="Jalan berlubang di depan SDN 05.",
        agency_responsible="Kelurahan Utan Kayu Utara",
        kelurahan="Kelurahan Utan Kayu Utara",
        kelurahan_code="KEL-UTAN-KAYU-UTARA",
        kota="Jakarta Timur",
        postal_code="13120",
        lat=-6.1985123,
        lon=106.8652456,
        received_at=NOW,
        updated_at=NOW + timedelta(hours=1),
        closed_at=None,
        ews_at=None,
        completion_due_at=NOW + timedelta(days=14),
        evidence_photo_id=None,
    )
    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type]


def as_document(rec: RequestRecord) -> dict:
    return open311.service_request(rec, photo_url=lambda pid: f"https://pantau.test/p/{pid}")


def form(**fields: str) -> dict[str, list[str]]:
    base = {
        "api_key": "pk_jaki_x",
        "service_code": "jalan-rusak",
        "lat": "-6.1985",
        "long": "106.8652",
        "description": "Jalan berlubang besar di depan sekolah.",
    }
    base.update(fields)
    return {k: [v] for k, v in base.items()}


def problems_of(call: object) -> tuple[int, list[str]]:
    with pytest.raises(Open311Error) as caught:
        call()  # type: ignore[operator]
    return caught.value.status, caught.value.descriptions


# --- statuses and datetimes --------------------------------------------------------------


@pytest.mark.parametrize("status", list(Status))
def test_every_open_status_is_open_and_verified_or_rejected_is_closed(status: Status) -> None:
    expected = "closed" if status in (Status.VERIFIED, Status.REJECTED) else "open"
    assert open311.request_status(status) == expected


def test_datetimes_are_written_in_jakarta_time_with_their_offset() -> None:
    assert open311.w3c(NOW) == "2026-11-02T08:00:00+07:00"
    assert open311.w3c(None) is None


def test_a_naive_datetime_cannot_be_written() -> None:
    with pytest.raises(ValueError):
        open311.w3c(datetime(2026, 11, 2, 8, 0))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-01T00:00:00+07:00", datetime(2026, 10, 31, 17, 0, tzinfo=UTC)),
        ("2026-11-01T00:00:00Z", datetime(2026, 11, 1, 0, 0, tzinfo=UTC)),
        ("2026-11-01t00:00:00.5z", datetime(2026, 11, 1, 0, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_a_w3_datetime_with_a_zone_is_read(text: str, expected: datetime) -> None:
    assert open311.parse_w3c("start_date", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-01",
        "2026-11-01T00:00:00",
        "2026-11-01 00:00:00+07:00",
        "2026-02-30T00:00:00Z",
        "kemarin",
        "20261101T000000+0700",
    ],
)
def test_a_datetime_without_a_zone_or_not_w3_is_refused_naming_the_argument(text: str) -> None:
    status, problems = problems_of(lambda: open311.parse_w3c("start_date", text))
    assert status == 400
    assert problems[0].startswith("start_date:")


# --- the window and the other query arguments -----------------------------------------


def test_without_dates_the_window_is_the_last_90_days() -> None:
    span = open311.window(None, None, now=NOW)
    assert (span.start, span.end) == (NOW - timedelta(days=90), NOW)


def test_an_empty_date_counts_as_no_date() -> None:
    assert open311.window("", "", now=NOW) == open311.window(None, None, now=NOW)


def test_a_start_date_alone_opens_90_days_from_it() -> None:
    span = open311.window("2026-06-01T00:00:00Z", None, now=NOW)
    assert span.end - span.start == timedelta(days=90)


def test_an_end_date_alone_closes_the_90_days_before_it() -> None:
    span = open311.window(None, "2026-06-01T00:00:00Z", now=NOW)
    assert span.end == datetime(2026, 6, 1, tzinfo=UTC)
    assert span.end - span.start == timedelta(days=90)


def test_a_range_of_exactly_90_days_is_allowed() -> None:
    span = open311.window("2026-06-01T00:00:00Z", "2026-08-30T00:00:00Z", now=NOW)
    assert span.end - span.start == timedelta(days=90)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-06-01T00:00:00Z", "2026-08-30T00:00:01Z", "end_date"),
        ("2026-06-02T00:00:00Z", "2026-06-01T00:00:00Z", "end_date"),
        ("0001-01-01T00:00:00+07:00", None, "start_date"),
        (None, "0001-02-01T00:00:00Z", "start_date"),
        ("9999-12-30T00:00:00Z", None, "start_date"),
    ],
    ids=["over-90-days", "end-before-start", "before-year-1", "window-before-year-1", "past-9999"],
)
def test_a_range_that_is_too_long_backwards_or_off_the_calendar_is_a_400(
    start: str | None, end: str | None, field: str
) -> None:
    status, problems = problems_of(lambda: open311.window(start, end, now=NOW))
    assert status == 400
    assert field in problems[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("open", frozenset({"open"})),
        ("closed", frozenset({"closed"})),
        ("open,closed", None),
        ("closed,open,closed", None),
        ("", None),
        (None, None),
    ],
)
def test_status_is_open_closed_or_both(text: str | None, expected: frozenset | None) -> None:
    assert open311.parse_statuses(text) == expected


@pytest.mark.parametrize("text", ["Open", "selesai", "open, closed", "open,", ","])
def test_any_other_status_is_a_400(text: str) -> None:
    status, problems = problems_of(lambda: open311.parse_statuses(text))
    assert status == 400 and problems[0].startswith("status:")


def test_service_request_ids_override_every_other_argument_and_are_normalised() -> None:
    query = open311.request_query(
        {"service_request_id": "jkt-2611-7k3qxm, JKT-2611-AAAAAA,", "status": "bogus"}, now=NOW
    )
    assert query.trackings == ("JKT-2611-7K3QXM", "JKT-2611-AAAAAA")
    assert query.start is None and query.statuses is None


def test_more_than_1000_ids_are_a_400() -> None:
    ids = ",".join(f"JKT-2611-{i:06d}" for i in range(1001))
    status, _ = problems_of(lambda: open311.request_query({"service_request_id": ids}, now=NOW))
    assert status == 400


def test_a_query_is_capped_at_1000_rows() -> None:
    assert open311.request_query({}, now=NOW).limit == 1000
    assert open311.update_query({}, now=NOW).limit == 1000


def test_control_characters_in_a_path_id_are_not_found_and_in_an_argument_a_400() -> None:
    assert problems_of(lambda: open311.check_arguments({}, {"token": "a\x00b"}))[0] == 404
    assert problems_of(lambda: open311.check_arguments({"status": "o\x01"}, {}))[0] == 400
    open311.check_arguments({"status": "open"}, {"token": "JKT-2611-7K3QXM"})


# --- services ------------------------------------------------------------------------------


SERVICE = ServiceRecord(
    code="pohon-tumbang",
    name="Pohon Tumbang",
    agency="Distamhut",
    location_based=True,
    weight=3,
    response_hours=6,
)


def test_a_category_is_a_realtime_service_without_required_metadata() -> None:
    doc = open311.service(SERVICE)
    assert list(doc) == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert doc["service_code"] == "pohon-tumbang"
    assert doc["metadata"] is False and doc["type"] == "realtime"
    assert doc["group"] == "Distamhut"
    assert "EWS" in doc["description"] and "21 hari" in doc["description"]


def test_the_service_definition_offers_the_client_request_id_attribute_optional() -> None:
    doc = open311.service_definition(SERVICE)
    assert doc["service_code"] == "pohon-tumbang"
    [attribute] = doc["attributes"]
    assert attribute["code"] == "client_request_id"
    assert attribute["required"] is False and attribute["variable"] is True
    assert attribute["datatype"] == "string" and attribute["values"] == []


# --- requests ------------------------------------------------------------------------------


def test_a_request_has_every_field_of_the_spec_in_order() -> None:
    assert list(as_document(record())) == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ]


def test_a_request_is_its_tracking_number_status_and_area() -> None:
    doc = as_document(record())
    assert doc["service_request_id"] == "JKT-2611-7K3QXM"
    assert (doc["status"], doc["status_notes"]) == ("open", "Menunggu")
    assert doc["requested_datetime"] == "2026-11-02T08:00:00+07:00"
    assert doc["updated_datetime"] == "2026-11-02T09:00:00+07:00"
    assert doc["address"] == "Kelurahan Utan Kayu Utara, Jakarta Timur, DKI Jakarta"
    assert (doc["address_id"], doc["zipcode"]) == ("KEL-UTAN-KAYU-UTARA", "13120")
    assert doc["media_url"] is None and doc["service_notice"] is None


def test_a_rejected_request_is_closed_with_its_label_and_its_closing_time() -> None:
    closed_at = NOW + timedelta(hours=5)
    doc = as_document(record(status=Status.REJECTED, closed_at=closed_at))
    assert (doc["status"], doc["status_notes"]) == ("closed", "Ditolak")
    assert doc["updated_datetime"] == open311.w3c(closed_at)


def test_expected_is_the_ews_date_when_set_else_the_completion_deadline() -> None:
    ews = NOW + timedelta(days=40)
    assert as_document(record())["expected_datetime"] == "2026-11-16T08:00:00+07:00"
    assert as_document(record(ews_at=ews))["expected_datetime"] == open311.w3c(ews)


def test_the_latest_completion_photo_is_the_media_url() -> None:
    assert as_document(record(evidence_photo_id=7))["media_url"] == "https://pantau.test/p/7"


def test_a_public_description_is_shown_redacted() -> None:
    rec = record(text="Hubungi saya di 0812-3456-7890 atau budi@example.id, jalan rusak.")
    text = as_document(rec)["description"]
    assert "0812" not in text and "budi@example.id" not in text
    assert "[telepon disembunyikan]" in text and "jalan rusak" in text


@pytest.mark.parametrize("confidentiality", ["confidential", "anonymous"])
def test_rahasia_and_anonim_requests_have_no_description(confidentiality: str) -> None:
    assert as_document(record(confidentiality=confidentiality))["description"] is None


def test_a_description_longer_than_the_spec_allows_is_cut_at_4000() -> None:
    text = as_document(record(text="Jalan rusak. " * 400))["description"]
    assert len(text) == 4000 and text.endswith("…")


def test_a_rahasia_request_shows_its_place_to_about_100_m() -> None:
    doc = as_document(record(confidentiality="confidential"))
    assert (doc["lat"], doc["long"]) == (-6.199, 106.865)
    public = as_document(record())
    assert (public["lat"], public["long"]) == (-6.198512, 106.865246)


def test_a_request_without_a_place_has_no_address() -> None:
    doc = as_document(record(kelurahan=None, kelurahan_code=None, kota=None, lat=None, lon=None))
    assert (doc["address"], doc["lat"], doc["long"]) == (None, None, None)


def test_a_token_is_the_tracking_number() -> None:
    assert open311.token("JKT-2611-7K3QXM") == {
        "service_request_id": "JKT-2611-7K3QXM",
        "token": "JKT-2611-7K3QXM",
    }


def test_the_post_answer_gives_the_id_no_token_and_no_account() -> None:
    notice = open311.post_notice(record(), media_url_given=True)
    [answer] = open311.post_answer("JKT-2611-7K3QXM", notice)
    assert answer == {
        "service_request_id": "JKT-2611-7K3QXM",
        "service_notice": notice,
        "account_id": None,
    }
    assert "Kelurahan Utan Kayu Utara" in notice and "16-11-2026 08:00 WIB" in notice
    assert "media_url" in notice
    assert "media_url" not in open311.post_notice(record(), media_url_given=False)


def test_an_update_is_the_new_status_and_its_label_only() -> None:
    update = open311.UpdateRecord(41, "JKT-2611-7K3QXM", Status.VERIFIED, NOW)
    assert open311.request_update(update) == {
        "update_id": "41",
        "service_request_id": "JKT-2611-7K3QXM",
        "status": "closed",
        "updated_datetime": "2026-11-02T08:00:00+07:00",
        "description": "Selesai",
    }


def test_discovery_names_the_georeport_v2_endpoint_and_both_formats() -> None:
    doc = open311.discovery(endpoint_url="https://x/open311/v2", contact="c", key_service="k")
    assert set(doc) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = doc["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]


def test_errors_are_a_list_of_code_and_description() -> None:
    assert open311.errors(403, ["api_key: x"]) == [{"code": 403, "description": "api_key: x"}]


# --- the POST form ------------------------------------------------------------------------


def test_a_form_becomes_pantau_s_report_payload() -> None:
    sub = open311.read_form(
        form(address_string="Jl. Pramuka 12", **{"attribute[client_request_id]": "APP-1"}),
        channel="jaki",
        now=NOW,
    )
    assert sub.payload == {
        "channel": "jaki",
        "category": "jalan-rusak",
        "description": "Jalan berlubang besar di depan sekolah.",
        "lat": -6.1985,
        "lon": 106.8652,
        "address": "Jl. Pramuka 12",
        "external_id": "APP-1",
        "reported_at": NOW.isoformat(),
    }
    assert sub.media_url_given is False


def test_reporter_fields_make_a_rahasia_reporter() -> None:
    sub = open311.read_form(
        form(first_name="Siti", last_name="Rahma", email="s@example.id", phone="0812345678"),
        channel="jaki",
        now=NOW,
    )
    assert sub.payload["reporter"] == {
        "name": "Siti Rahma",
        "phone": "0812345678",
        "email": "s@example.id",
        "confidential": True,
    }


def test_without_reporter_fields_the_report_is_anonymous() -> None:
    assert "reporter" not in open311.read_form(form(), channel="jaki", now=NOW).payload


def test_empty_fields_count_as_not_sent() -> None:
    sub = open311.read_form(form(address_string="", email=" "), channel="jaki", now=NOW)
    assert "address" not in sub.payload and "reporter" not in sub.payload


def test_media_url_device_and_account_are_read_but_not_kept() -> None:
    sub = open311.read_form(
        form(media_url="http://x/y.jpg", device_id="D1", account_id="A1"), channel="jaki", now=NOW
    )
    assert sub.media_url_given is True
    assert "http://x/y.jpg" not in str(sub.payload) and "A1" not in str(sub.payload)


def test_the_idempotency_basis_is_what_is_stored_not_who_sends_it() -> None:
    one = open311.read_form(form(media_url="a", device_id="1"), channel="jaki", now=NOW)
    two = open311.read_form(
        form(media_url="b", device_id="2", api_key="other"), channel="jaki", now=NOW + timedelta(1)
    )
    assert one.idempotency_basis == two.idempotency_basis
    other = open311.read_form(form(description="Isi yang lain sama sekali."), channel="j", now=NOW)
    assert other.idempotency_basis != one.idempotency_basis


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"service_code": ""}, "service_code"),
        ({"lat": "-6,2"}, "lat"),
        ({"lat": "nan"}, "lat"),
        ({"long": "1_06.8"}, "long"),
        ({"long": "inf"}, "long"),
        ({"lat": "1e999"}, "lat"),
        ({"long": ""}, "long"),
        ({"description": "x" * 4001}, "description"),
        ({"first_name": "x" * 100}, "first_name"),
        ({"media_url": "h" * 2001}, "media_url"),
        ({"description": "Jalan rusak\x00 sekali"}, "description"),
        ({"phone": "0812\x0b3456"}, "phone"),
    ],
    ids=[
        "no-service-code",
        "decimal-comma",
        "nan",
        "underscore",
        "inf",
        "overflow",
        "lat-without-long",
        "long-description",
        "long-first-name",
        "long-media-url",
        "nul",
        "vertical-tab",
    ],
)
def test_an_invalid_field_is_a_400_naming_it(fields: dict[str, str], named: str) -> None:
    status, problems = problems_of(lambda: open311.read_form(form(**fields), channel="j", now=NOW))
    assert status == 400
    assert any(p.startswith(f"{named}:") for p in problems), problems


def test_a_field_sent_twice_is_a_400_naming_it() -> None:
    fields = form()
    fields["description"] = ["Jalan rusak satu kali.", "Jalan rusak dua kali."]
    status, problems = problems_of(lambda: open311.read_form(fields, channel="j", now=NOW))
    assert status == 400 and problems[0].startswith("description:")


def test_a_request_without_any_location_is_a_400() -> None:
    fields = form()
    del fields["lat"], fields["long"]
    status, problems = problems_of(lambda: open311.read_form(fields, channel="j", now=NOW))
    assert status == 400 and "address_string" in problems[0]


def test_an_address_id_alone_is_a_location() -> None:
    fields = form(address_id="KEL-PALMERIAM")
    del fields["lat"], fields["long"]
    assert open311.read_form(fields, channel="j", now=NOW).payload["kelurahan"] == "KEL-PALMERIAM"


def test_pantau_field_errors_are_named_by_the_open311_field() -> None:
    assert open311.field_errors(
        {"lon": "a", "category": "b", "kelurahan": "c", "external_id": "d", "reporter.name": "e"}
    ) == [
        "long: a",
        "service_code: b",
        "address_id: c",
        "attribute[client_request_id]: d",
        "first_name, last_name: e",
    ]


# --- XML ------------------------------------------------------------------------------------


def test_xml_starts_with_the_utf8_declaration() -> None:
    assert open311.to_xml("errors", []).startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')


def test_xml_wraps_each_list_item_and_writes_null_as_an_empty_element() -> None:
    body = open311.to_xml("services", [open311.service(SERVICE)])
    root = ET.fromstring(body)
    assert root.tag == "services"
    [service] = root
    assert service.tag == "service"
    assert service.findtext("metadata") == "false"
    definition = ET.fromstring(
        open311.to_xml("service_definition", open311.service_definition(SERVICE))
    )
    attribute = definition.find("attributes/attribute")
    assert attribute is not None and attribute.findtext("required") == "false"
    assert attribute.find("values") is not None and len(attribute.find("values")) == 0  # type: ignore[arg-type]
    request = ET.fromstring(open311.to_xml("service_requests", [as_document(record())]))
    assert request.find("request/service_notice").text is None  # type: ignore[union-attr]
    assert request.findtext("request/lat") == "-6.198512"


def test_xml_escapes_markup_and_drops_characters_xml_cannot_carry() -> None:
    rec = record(text="<b>Jalan</b> & got\x01 rusak\ud800 parah")
    root = ET.fromstring(open311.to_xml("service_requests", [as_document(rec)]))
    assert root.findtext("request/description") == "<b>Jalan</b> & got\ufffd rusak\ufffd parah"


def test_every_list_in_a_document_has_an_item_tag() -> None:
    doc = open311.discovery(endpoint_url="u", contact="c", key_service="k")
    root = ET.fromstring(open311.to_xml("discovery", doc))
    assert [f.text for f in root.iterfind("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]
    updates = [open311.request_update(open311.UpdateRecord(1, "T", Status.WAITING, NOW))]
    root = ET.fromstring(open311.to_xml("service_requests_updates", updates))
    assert root[0].tag == "request_update"
