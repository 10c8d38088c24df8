"""The citizen's tracking and rating pages answer "when?" and speak the portal's
language, and no English form message reaches an Indonesian page (issue 12 §3, §5)."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Ticket
from dashboard.services import workflow as svc
from tests.conftest import T0
from tests.factories import later, photo_bytes
from tests.http.helpers import Town, actor, client_as, make_town
from tests.http.test_public_pages import REPORTER, Report, deliver, rate_form, work_and_complete

# Every message WTForms ships (its .pot): none may show on an Indonesian page.
ENGLISH_FORM_WORDS = re.compile(
    r"This field is required|Not a valid|Invalid (input|value|Choice|CSRF)|"
    r"Field must be|Field cannot be|Number must be|CSRF token"
)


@pytest.fixture
def town(sqlite_app: Flask) -> Town:
    return make_town(sqlite_app)


def _page(client, path: str, **args: str) -> str:
    response = client.get(path, query_string=args)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _when(html: str) -> str:
    box = html.split('id="public-when"', 1)[1].split("</div>\n    </div>", 1)[0]
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", box)))


def _due(app: Flask, tid: int, column: str):
    with app.app_context():
        return db.session.scalar(select(getattr(Ticket, column)).where(Ticket.id == tid))


# --- "when?" -------------------------------------------------------------------------


def test_a_new_report_shows_its_response_target_then_how_late_it_is(
    sqlite_app: Flask, town: Town
) -> None:
    report = deliver(sqlite_app.test_client(), town)
    due = _due(sqlite_app, report.ticket_id, "response_due_at")
    client = sqlite_app.test_client()

    with time_machine.travel(due - timedelta(minutes=5), tick=False):
        when = _when(_page(client, f"/t/{report.tracking}"))
    assert "Target ditanggapi unit" in when and "masih dalam target" in when

    with time_machine.travel(due + timedelta(days=2, hours=3), tick=False):
        html = _page(client, f"/t/{report.tracking}")
        english = _page(client, f"/t/{report.tracking}", lang="en")
    assert "terlambat 3 hari" in _when(html)
    assert "Target for the unit's response" in _when(english) and "3 days late" in _when(english)


def test_once_responded_the_target_is_the_completion_deadline(
    sqlite_app: Flask, town: Town
) -> None:
    report = deliver(sqlite_app.test_client(), town)
    with sqlite_app.app_context():
        svc.start_work(
            report.ticket_id,
            actor=actor(sqlite_app, "officer_a"),
            now=later(T0, hours=1),
            publish=svc.no_publish,
        )
    due = _due(sqlite_app, report.ticket_id, "completion_due_at")
    with time_machine.travel(due + timedelta(hours=1), tick=False):
        when = _when(_page(sqlite_app.test_client(), f"/t/{report.tracking}"))
    assert "Target selesai" in when and "terlambat 1 hari" in when


# --- the unit's note for the citizen ------------------------------------------------


def test_the_units_public_note_is_shown_redacted_and_the_staff_note_never(
    sqlite_app: Flask, town: Town
) -> None:
    report = deliver(sqlite_app.test_client(), town)
    with sqlite_app.app_context():
        officer = actor(sqlite_app, "officer_a")
        svc.start_work(
            report.ticket_id, actor=officer, now=later(T0, hours=1), publish=svc.no_publish
        )
        svc.complete(
            report.ticket_id,
            note="ZZSTAFFONLY7 internal",
            public_note=(
                f"Lubang ditambal aspal. Terima kasih {REPORTER['name']}, "
                "hubungi 0812-3456-7890 bila rusak lagi."
            ),
            photos=[photo_bytes()],
            actor=officer,
            now=later(T0, hours=3),
            publish=svc.no_publish,
        )
    html = _page(sqlite_app.test_client(), f"/t/{report.tracking}")
    note = html.split('id="public-note"', 1)[1].split("</section>", 1)[0]
    assert "Lubang ditambal aspal." in note
    assert REPORTER["name"] not in html and "0812-3456-7890" not in html and "3456" not in note
    assert "ZZSTAFFONLY7" not in html


def test_without_a_public_note_none_is_shown(sqlite_app: Flask, town: Town) -> None:
    report = deliver(sqlite_app.test_client(), town)
    work_and_complete(sqlite_app, report.ticket_id)
    html = _page(sqlite_app.test_client(), f"/t/{report.tracking}")
    assert 'id="public-note"' not in html and "ZZCOMPLETENOTE4" not in html


# --- one vocabulary, two languages ---------------------------------------------------


def test_the_stage_words_are_the_portals_in_both_languages(sqlite_app: Flask, town: Town) -> None:
    report = deliver(sqlite_app.test_client(), town)
    work_and_complete(sqlite_app, report.ticket_id)
    client = sqlite_app.test_client()
    indonesian = _page(client, f"/t/{report.tracking}")
    assert '<html lang="id">' in indonesian
    assert indonesian.count("Diperiksa validator") >= 2  # badge, stepper, summary
    assert "Menunggu Validasi" not in indonesian  # the staff status word

    # The portal's switch: the cookie carries it to /t/ and /r/.
    _page(client, "/portal/", lang="en")
    english = _page(client, f"/t/{report.tracking}")
    assert '<html lang="en">' in english
    assert "Being validated" in english and "Diperiksa validator" not in english
    assert "The report's journey" in english and "Perjalanan laporan" not in english


def test_the_rating_page_follows_the_switch_and_its_errors_too(
    sqlite_app: Flask, town: Town
) -> None:
    report: Report = deliver(sqlite_app.test_client(), town)
    work_and_complete(sqlite_app, report.ticket_id)
    client = sqlite_app.test_client()
    _page(client, "/portal/", lang="en")
    page = _page(client, f"/r/{report.token}")
    assert '<html lang="en">' in page
    assert "How was your report handled?" in page and "Send rating" in page
    assert "Bagaimana penanganan" not in page

    refused = rate_form(client, report, fixed="no", rating="9")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Choose a rating from 1 to 5." in body and "Tell us what is not fixed yet" in body

    back = client.get(f"/r/{report.token}", query_string={"lang": "id"}).get_data(as_text=True)
    assert '<html lang="id">' in back and "Kirim penilaian" in back


# --- WTForms messages on Indonesian pages ----------------------------------------------


def test_an_intake_form_error_is_in_indonesian(sqlite_app: Flask, town: Town) -> None:
    client = client_as(sqlite_app, "officer_a")
    # The English cookie must not matter: staff pages are Indonesian.
    client.get("/portal/", query_string={"lang": "en"})
    response = client.post(
        "/tickets/new",
        data={"channel": "", "category": "", "description": "pendek", "lat": "abc"},
    )
    html = response.get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "Isian ini wajib diisi." in html
    assert "Bukan angka desimal yang valid." in html
    assert "Isian harus antara 10 dan 5000 karakter." in html
    assert not ENGLISH_FORM_WORDS.search(html), ENGLISH_FORM_WORDS.search(html)


def test_the_login_form_errors_are_in_indonesian(sqlite_app: Flask) -> None:
    html = sqlite_app.test_client().post("/login", data={}).get_data(as_text=True)
    assert "Isian ini wajib diisi." in html
    assert not ENGLISH_FORM_WORDS.search(html)
