"""Logging in and out, the worklist and its filters, page vs htmx partial,
refused actions (409 fragments, flashes), the staff intake form, cookies and
CSRF."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from dashboard.extensions import db
from dashboard.models import Channel, Photo, Reporter, Ticket, User
from dashboard.services import workflow as svc
from tests.conftest import T0, make_app
from tests.factories import PASSWORD, later, photo_bytes, report_payload
from tests.http.helpers import (
    AT_UTAN_KAYU,
    HTMX,
    Town,
    actor,
    add_ticket,
    client_as,
    csrf_token_from,
    make_town,
    row_counts,
    snapshot,
    tracking_of,
)

NOW = later(T0, hours=1)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def town(sqlite_app: Flask) -> Town:
    return make_town(sqlite_app)


@pytest.fixture
def ticket(sqlite_app: Flask, town: Town) -> int:
    return add_ticket(sqlite_app, **AT_UTAN_KAYU)


def logged_in_user_id(client: FlaskClient) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def listed_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'href="/tickets/(\d+)"', html)}


def start_and_complete(app: Flask, ticket_id: int) -> None:
    officer = actor(app, "officer_a")
    with app.app_context():
        common = dict(actor=officer, now=NOW, publish=svc.no_publish)
        svc.start_work(ticket_id, **common)
        svc.complete(ticket_id, note="Sudah ditambal.", photos=[photo_bytes()], **common)


# --- logging in and out ---------------------------------------------------------------


def test_login_page_renders_the_form(sqlite_app: Flask) -> None:
    response = sqlite_app.test_client().get("/login")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="username"' in html and 'name="password"' in html


@pytest.mark.parametrize(
    ("username", "password"),
    [("officer_a", "wrong-password-123"), ("nobody", PASSWORD)],
    ids=["wrong-password", "unknown-user"],
)
def test_a_failed_login_answers_401_and_starts_no_session(
    sqlite_app: Flask, town: Town, username: str, password: str
) -> None:
    client = sqlite_app.test_client()

    response = client.post("/login", data={"username": username, "password": password})

    assert response.status_code == 401
    assert logged_in_user_id(client) is None
    assert client.get("/tickets").status_code == 302


def test_a_login_with_an_empty_password_starts_no_session(sqlite_app: Flask, town: Town) -> None:
    client = sqlite_app.test_client()

    response = client.post("/login", data={"username": "officer_a", "password": ""})

    assert response.status_code != 302
    assert logged_in_user_id(client) is None


def test_a_wrong_password_answers_401_with_a_message(sqlite_app: Flask, town: Town) -> None:
    response = sqlite_app.test_client().post(
        "/login", data={"username": "officer_a", "password": "wrong-password-123"}
    )

    assert response.status_code == 401
    assert "kata sandi salah" in response.get_data(as_text=True)


def test_a_good_login_redirects_an_officer_to_perlu_tindakan(sqlite_app: Flask, town: Town) -> None:
    client = sqlite_app.test_client()

    response = client.post("/login", data={"username": "officer_a", "password": PASSWORD})

    assert response.status_code == 302
    assert response.location == "/tickets/tindakan"
    assert logged_in_user_id(client) == str(town.user_ids["officer_a"])


def test_a_deactivated_user_cannot_log_in(sqlite_app: Flask, town: Town) -> None:
    with sqlite_app.app_context():
        db.session.execute(update(User).where(User.username == "officer_a").values(active=False))
        db.session.commit()
    client = sqlite_app.test_client()

    response = client.post("/login", data={"username": "officer_a", "password": PASSWORD})

    assert response.status_code == 401
    assert logged_in_user_id(client) is None


def test_a_user_deactivated_mid_session_is_logged_out(sqlite_app: Flask, town: Town) -> None:
    client = client_as(sqlite_app, "officer_a")
    with sqlite_app.app_context():
        db.session.execute(update(User).where(User.username == "officer_a").values(active=False))
        db.session.commit()

    response = client.get("/tickets")

    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_login_follows_a_local_next_path(sqlite_app: Flask, town: Town) -> None:
    response = sqlite_app.test_client().post(
        "/login?next=/tickets/new", data={"username": "officer_a", "password": PASSWORD}
    )

    assert response.location == "/tickets/new"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "http://pantau.test.evil.example/",
        "//evil.example/phish",
        "///evil.example/phish",
        "/\\evil.example/phish",
        "\\\\evil.example/phish",
        "/\t/evil.example/phish",
        "/\n/evil.example/phish",
        "javascript:alert(1)",
        "tickets",
    ],
    ids=[
        "absolute",
        "lookalike-host",
        "scheme-relative",
        "triple-slash",
        "backslash",
        "double-backslash",
        "tab",
        "newline",
        "javascript",
        "relative",
    ],
)
def test_login_ignores_a_next_that_is_not_a_local_path(
    sqlite_app: Flask, town: Town, target: str
) -> None:
    response = sqlite_app.test_client().post(
        "/login",
        query_string={"next": target},
        data={"username": "officer_a", "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response.location == "/tickets/tindakan"


def test_logout_is_not_possible_with_get(sqlite_app: Flask, town: Town) -> None:
    client = client_as(sqlite_app, "officer_a")

    response = client.get("/logout")

    assert response.status_code == 405
    assert logged_in_user_id(client) is not None


def test_logout_by_post_ends_the_session(sqlite_app: Flask, town: Town) -> None:
    client = client_as(sqlite_app, "officer_a")

    response = client.post("/logout")

    assert response.status_code == 302
    assert response.location == "/login"
    assert logged_in_user_id(client) is None
    assert client.get("/tickets").status_code == 302


def test_the_session_cookie_is_httponly_and_samesite_lax(sqlite_app: Flask, town: Town) -> None:
    response = sqlite_app.test_client().post(
        "/login", data={"username": "officer_a", "password": PASSWORD}
    )

    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1
    assert "HttpOnly" in cookies[0]
    assert "SameSite=Lax" in cookies[0]


def test_the_home_page_sends_staff_to_the_worklist_and_visitors_to_the_portal(
    sqlite_app: Flask, town: Town
) -> None:
    assert client_as(sqlite_app, "officer_a").get("/").location == "/tickets/tindakan"
    assert sqlite_app.test_client().get("/").location == "/portal/"


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("mro", "/board"),
        ("exec_prov", "/kpi/"),
        ("exec_tim", "/kpi/"),
        ("validator_tim", "/validation"),
        ("officer_bm", "/tickets/tindakan"),
        ("admin", "/tickets"),
    ],
)
def test_each_role_lands_where_its_work_is(
    sqlite_app: Flask, town: Town, username: str, landing: str
) -> None:
    client = sqlite_app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == landing
    assert client.get("/").location == landing  # the home page sends them there too
    assert client.get(landing).status_code == 200  # and the page is theirs to open


def test_a_next_page_wins_over_the_roles_landing(sqlite_app: Flask, town: Town) -> None:
    response = sqlite_app.test_client().post(
        "/login",
        query_string={"next": "/tickets?status=open"},
        data={"username": "mro", "password": PASSWORD},
    )
    assert response.location == "/tickets?status=open"


# --- the worklist ----------------------------------------------------------------------


@pytest.fixture
def three(sqlite_app: Flask, town: Town) -> dict[str, int]:
    """Three tickets of Utan Kayu Utara: road waiting, rubbish waiting, road in progress."""
    ids = {
        "road": add_ticket(sqlite_app, **AT_UTAN_KAYU),
        "rubbish": add_ticket(sqlite_app, **AT_UTAN_KAYU, category="sampah"),
        "started": add_ticket(sqlite_app, **AT_UTAN_KAYU),
    }
    with sqlite_app.app_context():
        svc.start_work(
            ids["started"], actor=actor(sqlite_app, "officer_a"), now=NOW, publish=svc.no_publish
        )
    return ids


def test_worklist_filters_by_status(sqlite_app: Flask, three: dict[str, int]) -> None:
    client = client_as(sqlite_app, "officer_a")

    html = client.get("/tickets?status=in_progress").get_data(as_text=True)

    assert listed_ids(html) == {three["started"]}


def test_worklist_open_filter_lists_every_open_ticket(
    sqlite_app: Flask, three: dict[str, int]
) -> None:
    client = client_as(sqlite_app, "officer_a")

    html = client.get("/tickets?status=open").get_data(as_text=True)

    assert listed_ids(html) == set(three.values())


def test_worklist_ignores_an_unknown_status(sqlite_app: Flask, three: dict[str, int]) -> None:
    client = client_as(sqlite_app, "officer_a")

    response = client.get("/tickets?status=drop-table")

    assert response.status_code == 200
    assert listed_ids(response.get_data(as_text=True)) == set(three.values())


def test_worklist_filters_by_category(sqlite_app: Flask, three: dict[str, int]) -> None:
    client = client_as(sqlite_app, "officer_a")

    html = client.get("/tickets?category=sampah").get_data(as_text=True)

    assert listed_ids(html) == {three["rubbish"]}


def test_worklist_combines_status_and_category(sqlite_app: Flask, three: dict[str, int]) -> None:
    client = client_as(sqlite_app, "officer_a")

    html = client.get("/tickets?status=waiting&category=jalan-rusak").get_data(as_text=True)

    assert listed_ids(html) == {three["road"]}


def test_worklist_searches_by_tracking_number(sqlite_app: Flask, three: dict[str, int]) -> None:
    client = client_as(sqlite_app, "officer_a")
    tracking = tracking_of(sqlite_app, three["rubbish"])

    html = client.get("/tickets", query_string={"q": tracking}).get_data(as_text=True)

    assert listed_ids(html) == {three["rubbish"]}


def test_worklist_search_ignores_case_and_spaces(sqlite_app: Flask, three: dict[str, int]) -> None:
    client = client_as(sqlite_app, "officer_a")
    tail = tracking_of(sqlite_app, three["road"]).rsplit("-", 1)[1]

    html = client.get("/tickets", query_string={"q": f" {tail[:3].lower()} {tail[3:]} "})

    assert listed_ids(html.get_data(as_text=True)) == {three["road"]}


@pytest.mark.parametrize("query", ["%", "_", "JKT_"])
def test_worklist_search_treats_wildcards_literally(
    sqlite_app: Flask, three: dict[str, int], query: str
) -> None:
    client = client_as(sqlite_app, "officer_a")

    html = client.get("/tickets", query_string={"q": query}).get_data(as_text=True)

    assert listed_ids(html) == set()


def test_htmx_worklist_request_gets_only_the_list_partial(
    sqlite_app: Flask, three: dict[str, int]
) -> None:
    client = client_as(sqlite_app, "officer_a")

    response = client.get("/tickets?status=open", headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="ticket-list"')
    assert listed_ids(html) == set(three.values())
    assert "HX-Request" in response.headers["Vary"]


def test_full_worklist_request_gets_the_whole_page(
    sqlite_app: Flask, three: dict[str, int]
) -> None:
    client = client_as(sqlite_app, "officer_a")

    response = client.get("/tickets")

    html = response.get_data(as_text=True)
    assert "<html" in html and 'id="ticket-list"' in html and 'id="alerts"' in html
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_history_restore_gets_the_whole_page(sqlite_app: Flask, three: dict[str, int]) -> None:
    client = client_as(sqlite_app, "officer_a")

    response = client.get("/tickets", headers={**HTMX, "HX-History-Restore-Request": "true"})

    assert "<html" in response.get_data(as_text=True)


def test_htmx_ticket_request_gets_only_the_ticket_partial(sqlite_app: Flask, ticket: int) -> None:
    response = client_as(sqlite_app, "officer_a").get(f"/tickets/{ticket}", headers=HTMX)

    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert '<article id="ticket"' in html
    assert "HX-Request" in response.headers["Vary"]


# --- actions: partials, refusals, conflicts ------------------------------------------------


def test_htmx_action_answers_with_the_updated_ticket_partial(
    sqlite_app: Flask, ticket: int
) -> None:
    client = client_as(sqlite_app, "officer_a")

    response = client.post(
        f"/tickets/{ticket}/start",
        data={"version": snapshot(sqlite_app, ticket).version},
        headers=HTMX,
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert '<article id="ticket"' in html
    assert "badge--in_progress" in html
    assert snapshot(sqlite_app, ticket).status == "in_progress"


def test_form_action_redirects_to_the_ticket_with_a_success_flash(
    sqlite_app: Flask, ticket: int
) -> None:
    client = client_as(sqlite_app, "officer_a")

    response = client.post(
        f"/tickets/{ticket}/start", data={"version": snapshot(sqlite_app, ticket).version}
    )

    assert response.status_code == 302
    assert response.location == f"/tickets/{ticket}"
    assert "Tindakan tersimpan" in client.get(response.location).get_data(as_text=True)


def test_invalid_htmx_action_answers_409_fragment_retargeted_to_alerts(
    sqlite_app: Flask, ticket: int
) -> None:
    start_and_complete(sqlite_app, ticket)
    before = snapshot(sqlite_app, ticket)

    response = client_as(sqlite_app, "officer_a").post(
        f"/tickets/{ticket}/start", data={"version": before.version}, headers=HTMX
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#alerts"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert "<html" not in html and 'id="conflict"' in html
    assert "Menunggu Validasi" in html
    assert snapshot(sqlite_app, ticket) == before


def test_stale_version_answers_409_with_the_conflict_message(
    sqlite_app: Flask, ticket: int
) -> None:
    stale = snapshot(sqlite_app, ticket).version
    client = client_as(sqlite_app, "officer_a")
    client.post(f"/tickets/{ticket}/note", data={"text": "Dicek sore ini."}, headers=HTMX)
    before = snapshot(sqlite_app, ticket)

    response = client.post(f"/tickets/{ticket}/start", data={"version": stale}, headers=HTMX)

    assert response.status_code == 409
    assert "baru saja diubah oleh orang lain" in response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#alerts"
    assert snapshot(sqlite_app, ticket) == before


def test_stale_version_by_form_post_flashes_the_conflict(sqlite_app: Flask, ticket: int) -> None:
    stale = snapshot(sqlite_app, ticket).version
    client = client_as(sqlite_app, "officer_a")
    client.post(f"/tickets/{ticket}/note", data={"text": "Dicek sore ini."})

    response = client.post(f"/tickets/{ticket}/start", data={"version": stale})

    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "flash--error" in page and "baru saja diubah oleh orang lain" in page
    assert snapshot(sqlite_app, ticket).status == "waiting"


def test_invalid_form_action_redirects_back_with_a_flashed_error(
    sqlite_app: Flask, ticket: int
) -> None:
    start_and_complete(sqlite_app, ticket)
    before = snapshot(sqlite_app, ticket)
    client = client_as(sqlite_app, "officer_a")
    detail = f"http://pantau.test/tickets/{ticket}"

    response = client.post(
        f"/tickets/{ticket}/start",
        data={"version": before.version},
        headers={"Referer": detail},
    )

    assert response.status_code == 302
    assert response.location == detail
    page = client.get(f"/tickets/{ticket}").get_data(as_text=True)
    assert re.search(r'class="flash flash--error"[^>]*>[^<]*Menunggu Validasi', page)
    assert snapshot(sqlite_app, ticket) == before


def test_action_with_a_missing_reason_is_refused_and_changes_nothing(
    sqlite_app: Flask, ticket: int
) -> None:
    before = snapshot(sqlite_app, ticket)

    response = client_as(sqlite_app, "officer_a").post(
        f"/tickets/{ticket}/hand-back",
        data={"version": before.version, "reason": "   "},
        headers=HTMX,
    )

    assert response.status_code == 409
    assert "wajib diisi" in response.get_data(as_text=True)
    assert snapshot(sqlite_app, ticket) == before


def test_an_unknown_action_answers_404(sqlite_app: Flask, ticket: int) -> None:
    before = snapshot(sqlite_app, ticket)

    response = client_as(sqlite_app, "officer_a").post(f"/tickets/{ticket}/explode")

    assert response.status_code == 404
    assert snapshot(sqlite_app, ticket) == before


def test_an_action_on_a_missing_ticket_answers_404(sqlite_app: Flask, town: Town) -> None:
    response = client_as(sqlite_app, "mro").post("/tickets/424242/start", headers=HTMX)

    assert response.status_code == 404


def test_completing_by_htmx_with_a_non_image_is_refused_naming_the_photo(
    sqlite_app: Flask, ticket: int
) -> None:
    client = client_as(sqlite_app, "officer_a")
    client.post(f"/tickets/{ticket}/start", data={"version": snapshot(sqlite_app, ticket).version})
    before = snapshot(sqlite_app, ticket)

    response = client.post(
        f"/tickets/{ticket}/complete",
        data={
            "version": before.version,
            "note": "Sudah diperbaiki.",
            "photos": [(io.BytesIO(b"%PDF-1.7 not a photo"), "bukti.pdf")],
        },
        content_type="multipart/form-data",
        headers=HTMX,
    )

    assert response.status_code == 422
    # The first photo, named in the page's words (views.errors.field_label).
    assert "Foto 1: bukan gambar" in response.get_data(as_text=True)
    assert snapshot(sqlite_app, ticket) == before
    assert row_counts(sqlite_app)["Photo"] == 0


# --- the staff intake form ----------------------------------------------------------------


def intake_form(**overrides: str) -> dict[str, str]:
    form = {
        "channel": "kelurahan",
        "category": "sampah",
        "description": "Tumpukan sampah di pinggir kali belum diangkut tiga hari.",
        "address": "Jl. Utan Kayu Raya, dekat jembatan",
        "kelurahan": "KEL-UTAN-KAYU-UTARA",
        "lat": "",
        "lon": "",
        "privacy": "confidential",
        "reporter_name": "Budi Santoso",
        "reporter_phone": "081211112222",
        "reporter_email": "",
    }
    form.update(overrides)
    return form


def test_intake_form_offers_only_offline_channels(sqlite_app: Flask, town: Town) -> None:
    html = client_as(sqlite_app, "officer_a").get("/tickets/new").get_data(as_text=True)

    assert 'value="kelurahan"' in html
    assert 'value="jaki"' not in html


def test_intake_form_starts_on_the_officers_own_office_and_kelurahan(
    sqlite_app: Flask, town: Town
) -> None:
    html = client_as(sqlite_app, "officer_a").get("/tickets/new").get_data(as_text=True)

    assert '<option selected value="kelurahan">' in html
    assert '<option selected value="KEL-UTAN-KAYU-UTARA">' in html


def test_intake_of_a_report_routed_to_another_unit_returns_to_the_form_with_its_number(
    sqlite_app: Flask, town: Town
) -> None:
    client = client_as(sqlite_app, "officer_a")
    response = client.post("/tickets/new", data=intake_form(kelurahan="KEL-SENAYAN"))

    with sqlite_app.app_context():
        t = db.session.scalars(select(Ticket)).one()
        assert t.assigned_unit_id == town["KEL-SENAYAN"]
        tracking = t.tracking
    # To the reporter's receipt (tests/http/test_receipt.py), which names the number.
    assert response.status_code == 302 and response.location == f"/tickets/{t.id}/receipt"
    assert tracking in client.get("/tickets/new").get_data(as_text=True)


@pytest.mark.parametrize("username", ["exec_prov", "validator_tim"])
def test_intake_form_is_not_there_for_roles_that_do_not_take_reports(
    sqlite_app: Flask, town: Town, username: str
) -> None:
    client = client_as(sqlite_app, username)

    assert client.get("/tickets/new").status_code == 404
    assert client.post("/tickets/new", data=intake_form()).status_code == 404
    assert row_counts(sqlite_app)["Ticket"] == 0


def test_intake_form_creates_a_routed_ticket_from_an_offline_channel(
    sqlite_app: Flask, town: Town
) -> None:
    response = client_as(sqlite_app, "officer_a").post("/tickets/new", data=intake_form())

    assert response.status_code == 302
    ticket_id = int(response.location.split("/")[2])  # /tickets/<id>/receipt
    with sqlite_app.app_context():
        t = db.session.get(Ticket, ticket_id)
        channel = db.session.get(Channel, t.channel_id)
        assert channel.code == "kelurahan"
        assert t.status == "waiting" and t.external_id is None
        assert t.assigned_unit_id == town["KEL-UTAN-KAYU-UTARA"]
        assert t.received_at == NOW
        assert t.confidentiality == "confidential"
        assert db.session.get(Reporter, t.reporter_id).name == "Budi Santoso"


def test_intake_form_anonymous_choice_stores_no_reporter(sqlite_app: Flask, town: Town) -> None:
    response = client_as(sqlite_app, "officer_a").post(
        "/tickets/new", data=intake_form(privacy="anonymous")
    )

    assert response.status_code == 302
    with sqlite_app.app_context():
        t = db.session.scalars(select(Ticket)).one()
        assert t.confidentiality == "anonymous"
        assert t.reporter_id is None and t.reporter_hash is None
        assert db.session.scalars(select(Reporter)).all() == []


def test_intake_form_stores_an_uploaded_photo_as_a_report_photo(
    sqlite_app: Flask, town: Town
) -> None:
    form = {**intake_form(), "photo": (io.BytesIO(photo_bytes()), "foto.jpg")}

    response = client_as(sqlite_app, "officer_a").post(
        "/tickets/new", data=form, content_type="multipart/form-data"
    )

    assert response.status_code == 302
    with sqlite_app.app_context():
        assert [p.purpose for p in db.session.scalars(select(Photo))] == ["report"]


@pytest.mark.parametrize(
    ("overrides", "field_id"),
    [
        ({"description": "pendek"}, "description"),
        ({"channel": "jaki"}, "channel"),
        ({"category": "banjir-bandang"}, "category"),
        ({"lat": "-7.25", "lon": "112.75"}, "lat"),
        ({"reporter_email": "bukan-email"}, "reporter_email"),
    ],
    ids=["short-description", "online-channel", "unknown-category", "outside-jakarta", "email"],
)
def test_intake_form_with_bad_input_shows_the_field_error_and_stores_nothing(
    sqlite_app: Flask, town: Town, overrides: dict[str, str], field_id: str
) -> None:
    before = row_counts(sqlite_app)

    response = client_as(sqlite_app, "officer_a").post(
        "/tickets/new", data=intake_form(**overrides)
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field_id}-error"' in html  # the message under the field
    assert f'aria-describedby="{field_id}-error"' in html  # and tied to its input
    assert row_counts(sqlite_app) == before


def test_intake_form_keeps_what_was_typed_after_an_error(sqlite_app: Flask, town: Town) -> None:
    response = client_as(sqlite_app, "officer_a").post(
        "/tickets/new", data=intake_form(description="pendek")
    )

    assert "Jl. Utan Kayu Raya, dekat jembatan" in response.get_data(as_text=True)


# --- CSRF ----------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(tmp_path: object) -> Iterator[Flask]:
    app_gen = make_app("sqlite", tmp_path, {"WTF_CSRF_ENABLED": True})
    app = next(app_gen)
    try:
        yield app
    finally:
        app_gen.close()


@pytest.fixture
def csrf_town(csrf_app: Flask) -> Town:
    return make_town(csrf_app)


def csrf_login(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def test_with_csrf_on_a_login_without_token_starts_no_session(
    csrf_app: Flask, csrf_town: Town
) -> None:
    client = csrf_app.test_client()

    client.post("/login", data={"username": "officer_a", "password": PASSWORD})

    assert logged_in_user_id(client) is None


def test_with_csrf_on_an_htmx_action_without_token_is_refused_with_400(
    csrf_app: Flask, csrf_town: Town
) -> None:
    ticket_id = add_ticket(csrf_app, **AT_UTAN_KAYU)
    before = snapshot(csrf_app, ticket_id)
    client = csrf_login(csrf_app, "officer_a")

    response = client.post(
        f"/tickets/{ticket_id}/start", data={"version": before.version}, headers=HTMX
    )

    assert response.status_code == 400
    assert snapshot(csrf_app, ticket_id) == before


def test_with_csrf_on_a_form_action_without_token_is_refused(
    csrf_app: Flask, csrf_town: Town
) -> None:
    ticket_id = add_ticket(csrf_app, **AT_UTAN_KAYU)
    before = snapshot(csrf_app, ticket_id)
    client = csrf_login(csrf_app, "officer_a")

    response = client.post(
        f"/tickets/{ticket_id}/start", data={"version": before.version}, follow_redirects=True
    )

    assert "flash--error" in response.get_data(as_text=True)
    assert snapshot(csrf_app, ticket_id) == before


def test_with_csrf_on_an_action_with_the_pages_token_is_carried_out(
    csrf_app: Flask, csrf_town: Town
) -> None:
    ticket_id = add_ticket(csrf_app, **AT_UTAN_KAYU)
    client = csrf_login(csrf_app, "officer_a")
    token = csrf_token_from(client.get(f"/tickets/{ticket_id}").get_data(as_text=True))

    response = client.post(
        f"/tickets/{ticket_id}/start",
        data={"version": snapshot(csrf_app, ticket_id).version},
        headers={**HTMX, "X-CSRFToken": token},
    )

    assert response.status_code == 200
    assert snapshot(csrf_app, ticket_id).status == "in_progress"


def test_with_csrf_on_the_key_authenticated_api_needs_no_token(
    csrf_app: Flask, csrf_town: Town
) -> None:
    response = csrf_app.test_client().post(
        "/api/v1/tickets", json=report_payload(), headers={"X-API-Key": csrf_town.api_key}
    )

    assert response.status_code == 201
    assert row_counts(csrf_app)["Ticket"] == 1
