"""No 500 from a URL, a query string, a body or a log-in redirect that someone typed.

Each case here answered 500 (or was stored) on the code before issue 10: an id
beyond 64 bits in any ``<int:…>`` segment or filter, ``?export=foo`` on the
access log, "²" (a digit to ``str.isdigit``) as an id, the day after
9999-12-31, ``?endpoint=`` handed on to ``url_for``, JSON 10,000 levels deep,
a CR/LF in ``next=``, a report dated in year 1.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from dashboard.domain.inputs import MAX_ID
from tests.conftest import T0
from tests.factories import PASSWORD, report_payload
from tests.http.helpers import (
    HTMX,
    Town,
    add_ticket,
    client_as,
    complete_ticket,
    make_town,
    row_counts,
    snapshot,
    tracking_of,
)

HUGE = "99999999999999999999999"  # > 2**64
JUST_OVER = str(MAX_ID + 1)
SUPERSCRIPT_TWO = "\u00b2"  # "²".isdigit() is True; int("²") raises


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(T0, tick=False):
        yield


@pytest.fixture
def town(sqlite_app: Flask) -> Town:
    return make_town(sqlite_app)


@pytest.fixture
def admin(sqlite_app: Flask, town: Town) -> FlaskClient:
    return client_as(sqlite_app, "admin")


def text_of(response: object) -> str:
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


# --- ids in URL segments ------------------------------------------------------------------


def int_rules(app: Flask) -> list[tuple[str, str, list[str]]]:
    """(rule, method, int argument names) of every rule with an ``<int:…>`` segment."""
    out = []
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if conv.regex == r"\d+"]
        if ints:
            method = "GET" if "GET" in rule.methods else "POST"
            out.append((rule.rule, method, ints))
    return out


@pytest.mark.parametrize("value", [HUGE, JUST_OVER, "9" * 5000])
def test_every_int_segment_beyond_64_bits_is_a_404_for_an_admin(
    sqlite_app: Flask, admin: FlaskClient, value: str
) -> None:
    ticket_id = add_ticket(sqlite_app)
    complete_ticket(sqlite_app, ticket_id)
    rules = int_rules(sqlite_app)
    assert len(rules) >= 7, rules  # tickets, actions, reporter, photos, p, validation, kpi unit
    for rule, method, _ints in rules:
        # Every int segment huge; any other segment a real action name.
        path = re.sub(r"<int:\w+>", value, rule)
        path = re.sub(r"<(?:\w+:)?action>", "verify" if "validation" in rule else "start", path)
        path = path.replace("<day>", "2026-11-02")  # the shift handover's date (views/handover.py)
        assert "<" not in path, path
        response = admin.open(path, method=method, data={"version": "1", "reason": "uji"})
        assert response.status_code == 404, (method, path[:80], response.status_code)


def test_the_largest_id_is_still_an_id_that_finds_nothing(admin: FlaskClient) -> None:
    assert admin.get(f"/tickets/{MAX_ID}").status_code == 404
    assert admin.get(f"/p/{MAX_ID}").status_code == 404


# --- ids, pages, days and formats in query strings ----------------------------------------


BAD_ACCESS_LOG_FILTERS = [
    ("export=foo", "csv atau xlsx"),
    ("export=foo&user=1", "csv atau xlsx"),
    (f"user={HUGE}", "'user'"),
    (f"user={SUPERSCRIPT_TWO}", "'user'"),
    (f"page={HUGE}", "'page'"),
    ("page=-1", "'page'"),
    ("from=0001-01-01", "'from'"),
    ("to=9999-12-31", "'to'"),
    ("tracking=JKT%00", "karakter kontrol"),
]


def test_the_access_log_refuses_a_bad_filter_with_a_400_naming_it(admin: FlaskClient) -> None:
    for query, named in BAD_ACCESS_LOG_FILTERS:
        response = admin.get(f"/admin/access-log?{query}")
        assert response.status_code == 400, (query, response.status_code)
        assert response.mimetype == "text/html"
        assert named in text_of(response), query


def test_the_access_log_export_link_keeps_the_filters_and_not_a_stray_export(
    admin: FlaskClient,
) -> None:
    page = text_of(admin.get("/admin/access-log?from=2026-11-01&endpoint=x&_external=1"))
    assert 'href="/admin/access-log?export=csv&from=2026-11-01"' in page
    assert admin.get("/admin/access-log?export=csv&from=2026-11-01").status_code == 200


BAD_KPI_FILTERS = [
    (f"/kpi/?kota={SUPERSCRIPT_TWO}", "'kota'"),
    (f"/kpi/?kota={HUGE}", "'kota'"),
    (f"/kpi/rankings?kota={SUPERSCRIPT_TWO}", "'kota'"),
    ("/kpi/?to=9999-12-31", "'to'"),
    ("/kpi/?from=0001-01-01", "'from'"),
    ("/kpi/?to=0001-01-01", "'to'"),
    ("/kpi/tickets?figure=received&to=0001-01-01", "'to'"),
    (f"/kpi/tickets?figure=received&scope=unit:{SUPERSCRIPT_TWO}", "'scope'"),
    (f"/kpi/tickets?figure=received&category={HUGE}", "'category'"),
    (f"/kpi/tickets?figure=received&page={HUGE}", "'page'"),
]


def test_kpi_filters_out_of_range_are_a_400_naming_the_parameter(
    admin: FlaskClient, town: Town
) -> None:
    unit_page = (f"/kpi/unit/{town['JKT-TIM']}?to=9999-12-31", "'to'")
    for url, named in [*BAD_KPI_FILTERS, unit_page]:
        response = admin.get(url)
        assert response.status_code == 400, (url, response.status_code)
        assert named in text_of(response), url


def test_portal_list_filters_that_are_no_number_are_a_400(sqlite_app: Flask, town: Town) -> None:
    client = sqlite_app.test_client()
    for name in ("kota", "kecamatan", "halaman"):
        for value in (SUPERSCRIPT_TWO, "9" * 5000, HUGE):
            response = client.get(f"/portal/laporan?{name}={value}")
            assert response.status_code == 400, (name, value[:10], response.status_code)
            assert "tidak" in text_of(response)


@pytest.mark.parametrize("arg", ["endpoint=x", "_scheme=javascript", "_external=1", "unit_id=5"])
def test_url_for_s_own_names_in_a_query_string_are_not_handed_on(
    admin: FlaskClient, town: Town, arg: str
) -> None:
    for url in ("/kpi/", f"/kpi/unit/{town['JKT-TIM']}", "/kpi/tickets?figure=received"):
        sep = "&" if "?" in url else "?"
        response = admin.get(f"{url}{sep}{arg}")
        assert response.status_code == 200, (url, arg, response.status_code)
        assert "javascript:" not in response.get_data(as_text=True)


def test_the_worklist_pages_keep_filters_but_not_url_for_s_own_names(
    sqlite_app: Flask, admin: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dashboard.queries.tickets.PAGE_SIZE", 1)
    add_ticket(sqlite_app)
    add_ticket(sqlite_app)
    response = admin.get("/tickets?status=open&endpoint=x&_scheme=javascript")
    assert response.status_code == 200
    page = text_of(response)
    assert 'href="/tickets?status=open&page=2"' in page
    assert "endpoint" not in page and "javascript" not in page


# --- JSON bodies --------------------------------------------------------------------------


def deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


@pytest.mark.parametrize("levels", [5_000, 10_000])
def test_deeply_nested_json_to_ingest_is_a_400_in_its_format_and_stores_nothing(
    sqlite_app: Flask, town: Town, levels: int
) -> None:
    client = sqlite_app.test_client()
    counts = row_counts(sqlite_app)
    headers = {"X-API-Key": town.api_key, "Content-Type": "application/json"}
    inside = json.dumps(report_payload(description='[{"x":' * 800)).encode()
    for body in (
        deep(levels),
        b'{"reporter":' * levels + b"{}" + b"}" * levels,
        inside[:-1] + b', "photos": ' + deep(levels) + b"}",
    ):
        response = sqlite_app.test_client().post("/api/v1/tickets", data=body, headers=headers)
        assert response.status_code == 400
        assert response.get_json()["error"] == "invalid_json"
        assert "16" in response.get_json()["message"]
    # Brackets inside a string are text, not nesting: that report is stored.
    assert client.post("/api/v1/tickets", data=inside, headers=headers).status_code == 201
    assert row_counts(sqlite_app)["Ticket"] == counts["Ticket"] + 1


def test_deeply_nested_json_to_the_rating_api_is_a_400_and_rates_nothing(
    sqlite_app: Flask, town: Town
) -> None:
    ticket_id = add_ticket(sqlite_app)
    complete_ticket(sqlite_app, ticket_id)
    tracking = tracking_of(sqlite_app, ticket_id)
    counts = row_counts(sqlite_app)
    headers = {"X-API-Key": town.api_key, "Content-Type": "application/json"}
    for body in (deep(10_000), b'{"rating": 1, "comment": ' + deep(8_000) + b"}"):
        response = sqlite_app.test_client().post(
            f"/api/v1/tickets/{tracking}/rating", data=body, headers=headers
        )
        assert response.status_code == 400
        assert response.get_json()["error"] == "invalid_json"
    assert row_counts(sqlite_app) == counts


def test_a_key_sent_twice_is_refused_rather_than_guessed(sqlite_app: Flask, town: Town) -> None:
    body = json.dumps(report_payload())[:-1] + ', "category": "sampah"}'
    response = sqlite_app.test_client().post(
        "/api/v1/tickets",
        data=body,
        headers={"X-API-Key": town.api_key, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "'category'" in response.get_json()["message"]
    assert row_counts(sqlite_app)["Ticket"] == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_deeply_nested_json_to_open311_is_refused_in_its_format(
    sqlite_app: Flask, town: Town, fmt: str
) -> None:
    response = sqlite_app.test_client().post(
        f"/open311/v2/requests.{fmt}?api_key={town.api_key}",
        data=deep(10_000),
        headers={"Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500
    assert response.mimetype == ("application/json" if fmt == "json" else "text/xml")
    assert row_counts(sqlite_app)["Ticket"] == 0


# --- reported_at --------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+00:00", "1999-12-31T23:59:59+07:00"])
def test_a_report_dated_before_2015_is_refused_naming_reported_at(
    sqlite_app: Flask, town: Town, value: str
) -> None:
    response = sqlite_app.test_client().post(
        "/api/v1/tickets",
        json=report_payload(reported_at=value),
        headers={"X-API-Key": town.api_key},
    )
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"reported_at"}
    assert "2015" in response.get_json()["fields"]["reported_at"]
    assert row_counts(sqlite_app)["Ticket"] == 0


# --- next= after log-in -------------------------------------------------------------------


UNSAFE_NEXT = [
    "/tickets\r\nSet-Cookie: pwned=1",
    "/tickets\nLocation: https://evil.example/",
    "/\t/evil.example/",
    "/ /evil.example/",
    "/tickets\x00",
    "/tickets\x7f",
    "/tickets\x85",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example/",
    "javascript:alert(1)",
]


def test_a_next_with_control_characters_or_another_host_falls_back_to_the_landing_page(
    sqlite_app: Flask, town: Town
) -> None:
    for target in UNSAFE_NEXT:
        response = sqlite_app.test_client().post(
            "/login",
            query_string={"next": target},
            data={"username": "officer_a", "password": PASSWORD},
        )
        assert response.status_code == 302, (target, response.status_code)
        assert response.headers["Location"] == "/tickets/tindakan", target
        assert "pwned" not in str(response.headers)


def test_a_plain_next_path_is_still_followed(sqlite_app: Flask, town: Town) -> None:
    response = sqlite_app.test_client().post(
        "/login",
        query_string={"next": "/kpi/?from=2026-10-01&to=2026-10-31"},
        data={"username": "officer_a", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/kpi/?from=2026-10-01&to=2026-10-31"


# --- control characters in URLs (PostgreSQL cannot compare text holding NUL) ---------------


def test_control_characters_in_staff_and_public_urls_are_refused_before_any_query(
    app: Flask,
) -> None:
    make_town(app)
    ticket_id = add_ticket(app)
    admin = client_as(app, "admin")
    for url in (
        "/tickets?q=JKT%00",
        "/tickets?category=sampah%00",
        "/tickets?status=open&q=%1b",
        "/validation?category=%00",
        "/validation?kota=JKT%00",
        "/validation?unit=%00",
        "/board?kota=%00",
        "/board/workstation?kota=%00",
        "/board/snapshot.json?kota=%00",
        f"/tickets/{ticket_id}?x%00=1",
        "/kpi/?kota=%00",
    ):
        response = admin.get(url)
        assert response.status_code == 400, (url, response.status_code)
        assert "karakter kontrol" in text_of(response), url
    assert app.test_client().get("/t/JKT-2611-%00AAAA").status_code == 404
    assert admin.get("/tickets?q=JKT").status_code == 200


# --- ids in forms -------------------------------------------------------------------------


def test_ids_in_staff_forms_beyond_64_bits_or_no_number_are_refused_and_change_nothing(
    sqlite_app: Flask, town: Town
) -> None:
    ticket_id = add_ticket(sqlite_app)
    mro = client_as(sqlite_app, "mro")
    before = snapshot(sqlite_app, ticket_id)
    for action, form in (
        ("dispose", {"unit_id": HUGE, "reason": "salah wilayah"}),
        ("dispose", {"unit_id": SUPERSCRIPT_TWO, "reason": "salah wilayah"}),
        ("coordinate", {"unit_ids": [str(town["DINAS-BINA-MARGA"]), HUGE], "note": "bantu"}),
        ("coordinate", {"unit_ids": [SUPERSCRIPT_TWO], "note": "bantu"}),
    ):
        response = mro.post(f"/tickets/{ticket_id}/{action}", data=form, headers=HTMX)
        assert response.status_code == 422, (action, form, response.status_code)
    assert snapshot(sqlite_app, ticket_id) == before
    admin = client_as(sqlite_app, "admin")
    revoke = admin.post("/board/tokens", data={"action": "revoke", "token_id": HUGE})
    assert revoke.status_code == 404
    issue = admin.post("/board/tokens", data={"action": "issue", "label": "x", "kota_id": HUGE})
    assert issue.status_code == 422
