"""The public tracking page, its JSON twin, public photos and the rating link:
what happened and who handled it, never who reported it."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from dashboard.extensions import db
from dashboard.models import Photo, Rating, RatingToken, Ticket
from dashboard.services import validation
from dashboard.services import workflow as svc
from tests.conftest import T0
from tests.factories import later, photo_bytes, report_payload
from tests.http.helpers import Town, actor, make_town, photo_b64, snapshot

NOW = later(T0, hours=6)

# Unique markers in every reporter field and every piece of free text.
REPORTER = {"name": "ZZPUBNAME4", "phone": "081299990004", "email": "zzpub4@example.id"}
FREE_TEXT = {
    "start": "ZZSTARTNOTE4",
    "ews": "ZZEWSREASON4",
    "complete": "ZZCOMPLETENOTE4",
    "comment": "ZZCOMMENT4",
    "reopen": "ZZREOPENREASON4",
    "verify": "ZZVERIFYNOTE4",
}


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class Report:
    tracking: str
    ticket_id: int
    token: str
    rating_url: str
    created: dict


def deliver(client: FlaskClient, town: Town, **overrides: object) -> Report:
    """A channel delivers a report through the API at T0; the rating link comes back once."""
    payload = report_payload(
        reported_at=T0.isoformat(),
        photos=[photo_b64()],
        **{"reporter": {**REPORTER, "confidential": True}, **overrides},
    )
    with time_machine.travel(T0, tick=False):
        response = client.post("/api/v1/tickets", json=payload, headers={"X-API-Key": town.api_key})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    token = body["rating_url"].rsplit("/r/", 1)[1]
    with client.application.app_context():
        tid = db.session.scalar(select(Ticket.id).where(Ticket.tracking == body["tracking"]))
    return Report(body["tracking"], tid, token, body["rating_url"], body)


def work_and_complete(app: Flask, tid: int, *, ews: bool = False) -> None:
    with app.app_context():
        officer = actor(app, "officer_a")
        svc.start_work(
            tid,
            note=FREE_TEXT["start"],
            actor=officer,
            now=later(T0, hours=1),
            publish=svc.no_publish,
        )
        if ews:
            svc.set_ews(
                tid,
                ews_at=later(T0, days=43),  # 15 December 2026
                reason=FREE_TEXT["ews"],
                actor=officer,
                now=later(T0, hours=2),
                publish=svc.no_publish,
            )
        svc.complete(
            tid,
            note=FREE_TEXT["complete"],
            photos=[photo_bytes()],
            actor=officer,
            now=later(T0, hours=3),
            publish=svc.no_publish,
        )


def rate_form(client: FlaskClient, report: Report, **data: str) -> TestResponse:
    return client.post(f"/r/{report.token}", data=data)


@pytest.fixture
def town(sqlite_app: Flask) -> Town:
    return make_town(sqlite_app)


@pytest.fixture
def public(sqlite_app: Flask) -> FlaskClient:
    return sqlite_app.test_client()


@pytest.fixture
def completed(sqlite_app: Flask, town: Town, public: FlaskClient) -> Report:
    report = deliver(public, town)
    work_and_complete(sqlite_app, report.ticket_id)
    return report


def public_responses(client: FlaskClient, tracking: str) -> list[TestResponse]:
    """Everything anyone can fetch about the ticket without logging in."""
    page = client.get(f"/t/{tracking}")
    responses = [
        page,
        client.get(f"/t/{tracking.lower()}"),
        client.get(f"/api/v1/tickets/{tracking}"),
    ]
    for photo_id in sorted(set(re.findall(r"/p/(\d+)", page.get_data(as_text=True)))):
        responses.append(client.get(f"/p/{photo_id}"))
    return responses


# --- never the reporter, never the token, never free text ------------------------------------


def test_public_pages_never_contain_the_reporter_the_rating_token_or_free_text(
    sqlite_app: Flask, town: Town, public: FlaskClient
) -> None:
    report = deliver(public, town)
    work_and_complete(sqlite_app, report.ticket_id, ews=True)
    assert (
        rate_form(public, report, fixed="no", rating="1", comment=FREE_TEXT["comment"]).status_code
        == 200
    )
    with sqlite_app.app_context():
        validation.reopen_low_rated(now=NOW, publish=svc.no_publish)
        validator = actor(sqlite_app, "validator_tim")
        svc.reopen(
            report.ticket_id,
            reason=FREE_TEXT["reopen"],
            actor=validator,
            now=NOW,
            publish=svc.no_publish,
        )
        officer = actor(sqlite_app, "officer_a")
        svc.complete(
            report.ticket_id,
            note=FREE_TEXT["complete"],
            photos=[photo_bytes()],
            actor=officer,
            now=NOW,
            publish=svc.no_publish,
        )
        svc.verify(
            report.ticket_id,
            note=FREE_TEXT["verify"],
            field_verified=False,
            actor=validator,
            now=NOW,
            publish=svc.no_publish,
        )

    responses = public_responses(public, report.tracking)

    assert [r.status_code for r in responses] == [200] * len(responses)
    assert len(responses) == 3 + 2  # two completions' evidence photos
    secrets = [*REPORTER.values(), *FREE_TEXT.values(), report.token]
    for response in responses:
        body = response.get_data()
        for secret in secrets:
            assert secret.encode() not in body, f"{secret} leaked in {response.request.path}"
    view = responses[2].get_json()
    assert "reporter" not in view and "rating_url" not in view
    assert "Officer" not in responses[0].get_data(as_text=True)  # no staff names either


def test_the_report_photo_is_not_public(
    sqlite_app: Flask, completed: Report, public: FlaskClient
) -> None:
    with sqlite_app.app_context():
        ids = dict(db.session.execute(select(Photo.purpose, Photo.id)).all())

    page = public.get(f"/t/{completed.tracking}").get_data(as_text=True)

    assert f"/p/{ids['evidence']}" in page and f"/p/{ids['report']}" not in page
    assert public.get(f"/p/{ids['report']}").status_code == 404
    assert public.get(f"/p/{ids['evidence']}").status_code == 200


def test_a_confidential_report_shows_no_description(
    sqlite_app: Flask, town: Town, public: FlaskClient
) -> None:
    report = deliver(public, town, description="ZZDESC4 jalan berlubang di depan rumah Pak RT.")

    page = public.get(f"/t/{report.tracking}").get_data(as_text=True)
    view = public.get(f"/api/v1/tickets/{report.tracking}").get_json()

    assert "ZZDESC4" not in page and view["description"] is None
    assert "Laporan rahasia" in page


def test_an_anonymous_report_shows_its_description(
    sqlite_app: Flask, town: Town, public: FlaskClient
) -> None:
    report = deliver(
        public,
        town,
        description="ZZDESC5 jalan berlubang di depan sekolah.",
        reporter={"anonymous": True},
    )

    page = public.get(f"/t/{report.tracking}").get_data(as_text=True)

    # Anonim: nobody is identified, so the description may be shown.
    assert "ZZDESC5" in page


# --- the plain-language timeline -----------------------------------------------------------


def test_the_public_timeline_says_what_happened_and_which_unit_did_it(
    sqlite_app: Flask, town: Town, public: FlaskClient
) -> None:
    report = deliver(public, town)
    work_and_complete(sqlite_app, report.ticket_id, ews=True)
    with sqlite_app.app_context():
        svc.verify(
            report.ticket_id,
            note="",
            field_verified=False,
            actor=actor(sqlite_app, "validator_tim"),
            now=NOW,
            publish=svc.no_publish,
        )

    texts = [
        item["text"]
        for item in public.get(f"/api/v1/tickets/{report.tracking}").get_json()["timeline"]
    ]

    assert texts == [
        "Laporan diterima melalui JAKI. Diteruskan ke Kelurahan Utan Kayu Utara.",
        "Kelurahan Utan Kayu Utara mulai mengerjakan laporan.",
        "Kelurahan Utan Kayu Utara menetapkan estimasi waktu selesai (EWS): 15 Desember 2026.",
        "Kelurahan Utan Kayu Utara menyelesaikan pekerjaan dengan foto bukti; "
        "diserahkan ke validator.",
        "Bagian Pemerintahan Jakarta Timur memvalidasi penyelesaian: laporan selesai.",
    ]


def test_the_tracking_page_and_its_json_tell_the_same_timeline(
    sqlite_app: Flask, completed: Report, public: FlaskClient
) -> None:
    timeline = public.get(f"/api/v1/tickets/{completed.tracking}").get_json()["timeline"]
    page = public.get(f"/t/{completed.tracking}").get_data(as_text=True)

    assert len(timeline) == 3
    for item in timeline:
        assert html_lib.escape(item["text"]) in page
        assert set(item) == {"at", "kind", "text", "unit"}


def test_a_disposition_and_a_reopen_appear_with_their_units(
    sqlite_app: Flask, town: Town, public: FlaskClient
) -> None:
    report = deliver(public, town)
    with sqlite_app.app_context():
        svc.dispose(
            report.ticket_id,
            to_unit_id=town["DINAS-BINA-MARGA"],
            reason="ZZDISPOSE4",
            actor=actor(sqlite_app, "mro"),
            now=later(T0, hours=1),
            publish=svc.no_publish,
        )
        officer = actor(sqlite_app, "officer_bm")
        svc.start_work(
            report.ticket_id, actor=officer, now=later(T0, hours=2), publish=svc.no_publish
        )
        svc.complete(
            report.ticket_id,
            note="x",
            photos=[photo_bytes()],
            actor=officer,
            now=later(T0, hours=3),
            publish=svc.no_publish,
        )
        svc.reopen(
            report.ticket_id,
            reason="ZZREOPEN5",
            actor=actor(sqlite_app, "validator_prov"),
            now=later(T0, hours=4),
            publish=svc.no_publish,
        )

    page = public.get(f"/t/{report.tracking}").get_data(as_text=True)

    assert "Laporan dialihkan (disposisi) ke Dinas Bina Marga." in page
    assert (
        "Biro Pemerintahan membuka kembali laporan: Dinas Bina Marga harus mengerjakan ulang"
        in page
    )
    assert "ZZDISPOSE4" not in page and "ZZREOPEN5" not in page


def test_the_ews_date_is_shown_when_set(sqlite_app: Flask, town: Town, public: FlaskClient) -> None:
    report = deliver(public, town)
    with sqlite_app.app_context():
        officer = actor(sqlite_app, "officer_a")
        svc.start_work(
            report.ticket_id, actor=officer, now=later(T0, hours=1), publish=svc.no_publish
        )
        svc.set_ews(
            report.ticket_id,
            ews_at=later(T0, days=43),
            reason="anggaran",
            actor=officer,
            now=later(T0, hours=2),
            publish=svc.no_publish,
        )

    page = public.get(f"/t/{report.tracking}").get_data(as_text=True)

    assert "Estimasi selesai (EWS)" in page and "15 Des 2026" in page


def test_an_unknown_tracking_number_is_404(
    sqlite_app: Flask, town: Town, public: FlaskClient
) -> None:
    answer = public.get("/t/JKT-2611-ZZZZZZ")
    assert answer.status_code == 404
    # A citizen who mistyped a link is offered the portal and the search, not only a log-in.
    page = answer.get_data(as_text=True)
    assert 'href="/portal/"' in page and 'href="/portal/cari"' in page


# --- the rating link ------------------------------------------------------------------------


def ratings(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Rating)) or 0


def test_the_rating_link_rates_once_and_refuses_a_second_time_clearly(
    sqlite_app: Flask, completed: Report, public: FlaskClient
) -> None:
    first = rate_form(public, completed, fixed="yes", rating="5", comment="")
    second = rate_form(public, completed, fixed="no", rating="1", comment="Ternyata belum.")
    again = public.get(f"/r/{completed.token}")

    assert first.status_code == 200 and "Penilaian Anda tercatat" in first.get_data(as_text=True)
    assert second.status_code == 409
    assert "sudah dipakai" in second.get_data(as_text=True)
    assert again.status_code == 200 and "sudah dipakai" in again.get_data(as_text=True)
    assert ratings(sqlite_app) == 1
    with sqlite_app.app_context():
        assert db.session.get(Ticket, completed.ticket_id).rating == 5


def test_not_fixed_without_a_reason_is_refused_with_a_field_error_and_nothing_stored(
    sqlite_app: Flask, completed: Report, public: FlaskClient
) -> None:
    before = snapshot(sqlite_app, completed.ticket_id)

    response = rate_form(public, completed, fixed="no", rating="1", comment="   ")

    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="comment-error"' in body and "apa yang belum selesai" in body
    assert ratings(sqlite_app) == 0
    assert snapshot(sqlite_app, completed.ticket_id) == before
    with sqlite_app.app_context():
        assert db.session.scalars(select(RatingToken.used_at)).one() is None


def test_a_rating_without_the_fixed_answer_is_refused(
    sqlite_app: Flask, completed: Report, public: FlaskClient
) -> None:
    response = rate_form(public, completed, rating="4")

    assert response.status_code == 422 and 'id="fixed-error"' in response.get_data(as_text=True)
    assert ratings(sqlite_app) == 0


def test_a_not_fixed_answer_with_a_reason_counts_as_a_low_rating(
    sqlite_app: Flask, completed: Report, public: FlaskClient
) -> None:
    response = rate_form(public, completed, fixed="no", rating="4", comment="Masih ada lubang.")

    assert response.status_code == 200
    assert "diperiksa ulang oleh validator" in response.get_data(as_text=True)
    with sqlite_app.app_context():
        ticket = db.session.get(Ticket, completed.ticket_id)
        # Counted low and already with its validator: returned for review at once.
        assert ticket.status == "reopened" and not ticket.reopen_confirmed
        assert ticket.low_rated_at is None


def test_a_ticket_not_yet_completed_cannot_be_rated(
    sqlite_app: Flask, town: Town, public: FlaskClient
) -> None:
    report = deliver(public, town)

    page = public.get(f"/r/{report.token}")
    posted = rate_form(public, report, fixed="yes", rating="5")

    assert "belum diselesaikan" in page.get_data(as_text=True)
    assert posted.status_code == 409 and ratings(sqlite_app) == 0


def test_an_unknown_rating_link_is_404(sqlite_app: Flask, town: Town, public: FlaskClient) -> None:
    assert public.get("/r/guessed-token").status_code == 404
    assert public.post("/r/guessed-token", data={"fixed": "yes", "rating": "5"}).status_code == 404


def test_the_rating_page_stays_out_of_caches_search_engines_and_referrers(
    sqlite_app: Flask, completed: Report, public: FlaskClient
) -> None:
    response = public.get(f"/r/{completed.token}")

    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_the_rating_page_offers_not_fixed_as_plainly_as_fixed(
    sqlite_app: Flask, completed: Report, public: FlaskClient
) -> None:
    body = public.get(f"/r/{completed.token}").get_data(as_text=True)

    assert 'name="fixed" value="yes"' in body and 'name="fixed" value="no"' in body
    assert "checked" not in body  # no answer chosen for the reporter
    assert "Belum selesai" in body


def test_the_rating_page_shows_only_the_completion_photos(
    sqlite_app: Flask, completed: Report, public: FlaskClient
) -> None:
    # Only evidence reaches the reporter's page too (the report photo may show people).
    with sqlite_app.app_context():
        report_photo = db.session.scalar(select(Photo.id).where(Photo.purpose == "report"))

    body = public.get(f"/r/{completed.token}").get_data(as_text=True)

    assert f"/p/{report_photo}" not in body
