"""The validators' pages: the queue of the right body, the review page, and the
verify / reopen / field-check actions, through HTTP on a real database."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import Photo, Ticket, TicketEventRow
from dashboard.services import validation
from dashboard.services import workflow as svc
from tests.conftest import T0
from tests.factories import later, photo_bytes
from tests.http.helpers import (
    AT_PALMERIAM,
    AT_SENAYAN,
    AT_UTAN_KAYU,
    HTMX,
    Town,
    actor,
    add_ticket,
    client_as,
    make_town,
    photo_b64,
    snapshot,
    tracking_of,
)

NOW = later(T0, hours=3)  # what the views' clock reads
# In Utan Kayu Utara too, but 390 m from AT_UTAN_KAYU: not a repeat report of it.
ELSEWHERE = {"lat": -6.1950, "lon": 106.8652}
CHECKED = {"check_place": "on", "check_resolved": "on", "check_note": "on"}


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def completed(
    app: Flask,
    *,
    where: dict | None = None,
    officer: str = "officer_a",
    category: str = "jalan-rusak",
    dispose_to: int | None = None,
    at=T0,
    **overrides,
) -> int:
    """A ticket taken through intake, worked and completed with a photo by ``officer``."""
    tid = add_ticket(app, **{**(where or AT_UTAN_KAYU), "category": category, **overrides})
    with app.app_context():
        if dispose_to is not None:
            svc.dispose(
                tid,
                to_unit_id=dispose_to,
                reason="Jalan provinsi: kewenangan dinas.",
                actor=actor(app, "mro"),
                now=at,
                publish=svc.no_publish,
            )
        worker = actor(app, officer)
        svc.start_work(tid, actor=worker, now=at + timedelta(minutes=10), publish=svc.no_publish)
        svc.complete(
            tid,
            note="Lubang sudah ditambal aspal.",
            photos=[photo_bytes()],
            actor=worker,
            now=at + timedelta(hours=1),
            publish=svc.no_publish,
        )
    return tid


def rated_low(app: Flask, tid: int, comment: str = "Lubangnya masih ada.") -> None:
    """The channel forwards a 1-star 'not fixed'; the job sends it back to validation."""
    with app.app_context():
        validation.rate_by_channel(
            tid,
            channel_code="jaki",
            rating=1,
            fixed=False,
            comment=comment,
            now=later(T0, hours=2),
            publish=svc.no_publish,
        )
        validation.reopen_low_rated(now=later(T0, hours=2), publish=svc.no_publish)


def queue_html(client: FlaskClient, **args: str) -> str:
    response = client.get("/validation", query_string=args, headers=HTMX)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def history_kinds(app: Flask, tid: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(TicketEventRow.kind)
                .where(TicketEventRow.ticket_id == tid)
                .order_by(TicketEventRow.id)
            )
        )


def stored(app: Flask, tid: int) -> Ticket:
    with app.app_context():
        ticket = db.session.get(Ticket, tid)
        assert ticket is not None
        db.session.expunge(ticket)
        return ticket


def post_action(client: FlaskClient, app: Flask, tid: int, action: str, data: dict, **kw):
    data = {"version": snapshot(app, tid).version, **data}
    return client.post(f"/validation/{tid}/{action}", data=data, headers=HTMX, **kw)


@pytest.fixture
def town(app: Flask) -> Town:
    return make_town(app)


@pytest.fixture
def stown(sqlite_app: Flask) -> Town:
    return make_town(sqlite_app)


# --- who sees which queue ------------------------------------------------------------


def test_the_queue_shows_a_kelurahan_completion_to_its_kota_validator_only(
    app: Flask, town: Town
) -> None:
    tracking = tracking_of(app, completed(app))

    seen = {
        who: tracking in queue_html(client_as(app, who))
        for who in ("validator_tim", "validator_sel", "validator_prov", "admin")
    }

    assert seen == {
        "validator_tim": True,
        "validator_sel": False,
        "validator_prov": False,  # sees every ticket, validates only province-level ones
        "admin": True,
    }


def test_the_province_validator_sees_a_completion_by_a_province_agency(
    app: Flask, town: Town
) -> None:
    tid = completed(app, officer="officer_bm", dispose_to=town["DINAS-BINA-MARGA"])
    tracking = tracking_of(app, tid)

    assert tracking in queue_html(client_as(app, "validator_prov"))
    assert tracking not in queue_html(client_as(app, "validator_tim"))


@pytest.mark.parametrize("username", ["mro", "officer_a", "exec_prov", "exec_tim"])
def test_staff_who_do_not_validate_get_404_for_the_queue(
    sqlite_app: Flask, stown: Town, username: str
) -> None:
    assert client_as(sqlite_app, username).get("/validation").status_code == 404


def test_the_queue_asks_an_anonymous_visitor_to_log_in(sqlite_app: Flask, stown: Town) -> None:
    response = sqlite_app.test_client().get("/validation")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_nav_shows_validasi_to_validators_and_admins_only(
    sqlite_app: Flask, stown: Town
) -> None:
    def has_link(who: str) -> bool:
        return 'href="/validation"' in client_as(sqlite_app, who).get("/tickets").get_data(
            as_text=True
        )

    assert [has_link(w) for w in ("validator_tim", "admin", "mro", "officer_a")] == [
        True,
        True,
        False,
        False,
    ]


# --- the queue's list --------------------------------------------------------------


@pytest.fixture
def three(sqlite_app: Flask, stown: Town) -> dict[str, str]:
    """Three completions in Jakarta Timur: plain, in the sample, and rated low."""
    app = sqlite_app
    plain = completed(app)
    sampled = completed(app, where=AT_PALMERIAM, officer="officer_b", category="sampah")
    low = completed(app, **ELSEWHERE)
    with app.app_context():
        validation.flag_only(sampled, "sample", now=later(T0, hours=2), detail={"week": "x"})
    rated_low(app, low)
    return {
        name: tracking_of(app, tid)
        for name, tid in [("plain", plain), ("sampled", sampled), ("low", low)]
    }


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, {"plain", "sampled", "low"}),
        ({"reason": "completed"}, {"plain"}),
        ({"reason": "sample"}, {"sampled"}),
        ({"reason": "low_rating"}, {"low"}),
        ({"reason": "repeat_report"}, set()),
        ({"unit": "KEL-PALMERIAM"}, {"sampled"}),
        ({"category": "sampah"}, {"sampled"}),
        ({"kota": "JKT-TIM"}, {"plain", "sampled", "low"}),
        ({"kota": "JKT-SEL"}, set()),
    ],
)
def test_the_queue_filters_by_reason_unit_category_and_kota(
    sqlite_app: Flask, three: dict[str, str], args: dict, expected: set
) -> None:
    html = queue_html(client_as(sqlite_app, "admin"), **args)

    assert {name for name, tracking in three.items() if tracking in html} == expected


def test_each_row_shows_its_reasons_and_the_rating(sqlite_app: Flask, three: dict) -> None:
    html = queue_html(client_as(sqlite_app, "validator_tim"))

    assert html.count("reason--sample") == 1 and html.count("reason--low_rating") == 1
    assert html.count("reason--completed") == 1
    assert "1/5" in html and "belum selesai" in html


def test_the_queue_answers_htmx_with_the_list_alone_and_varies_on_hx_request(
    sqlite_app: Flask, three: dict
) -> None:
    client = client_as(sqlite_app, "validator_tim")

    page = client.get("/validation")
    partial = client.get("/validation", query_string={"reason": "sample"}, headers=HTMX)

    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in partial.headers["Vary"]
    assert "<html" in page.get_data(as_text=True)
    body = partial.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<section id="validation-queue"')
    assert three["sampled"] in body and three["plain"] not in body


def test_the_queue_lists_the_oldest_deadline_first_and_marks_the_late_one(
    sqlite_app: Flask, stown: Town
) -> None:
    newer = completed(sqlite_app, at=later(T0, hours=30))
    older = completed(sqlite_app, **ELSEWHERE)
    # Two days after the older completion: its validation deadline has passed.
    with time_machine.travel(later(T0, hours=50), tick=False):
        html = queue_html(client_as(sqlite_app, "validator_tim"))

    first, second = tracking_of(sqlite_app, older), tracking_of(sqlite_app, newer)
    assert html.index(first) < html.index(second)
    assert html.count("late late--1 late--block") == 1 and "Lewat" in html
    assert "1 lewat tenggat" in html


# --- the review page: scope ------------------------------------------------------------


def test_a_kota_validator_gets_404_for_another_kotas_review_page_and_cannot_act_on_it(
    app: Flask, town: Town
) -> None:
    tid = completed(app)
    before = snapshot(app, tid)

    for who in ("validator_sel", "validator_prov"):
        client = client_as(app, who)
        assert client.get(f"/validation/{tid}").status_code == 404
        assert post_action(client, app, tid, "verify", CHECKED).status_code == 404
        assert post_action(client, app, tid, "reopen", {"reason": "x"}).status_code == 404
        assert post_action(client, app, tid, "field-check", {"note": "x"}).status_code == 404

    assert snapshot(app, tid) == before


def test_a_kota_validator_gets_404_for_a_province_level_review_page(app: Flask, town: Town) -> None:
    tid = completed(app, officer="officer_bm", dispose_to=town["DINAS-BINA-MARGA"])

    assert client_as(app, "validator_tim").get(f"/validation/{tid}").status_code == 404
    assert client_as(app, "validator_prov").get(f"/validation/{tid}").status_code == 200


def test_an_officer_gets_404_for_the_review_page(sqlite_app: Flask, stown: Town) -> None:
    tid = completed(sqlite_app)

    assert client_as(sqlite_app, "officer_a").get(f"/validation/{tid}").status_code == 404


def test_a_ticket_never_completed_has_no_review_page(sqlite_app: Flask, stown: Town) -> None:
    tid = add_ticket(sqlite_app, **AT_UTAN_KAYU)

    assert client_as(sqlite_app, "validator_tim").get(f"/validation/{tid}").status_code == 404


# --- the review page: what it shows -------------------------------------------------------


def test_the_review_page_shows_before_and_after_the_history_the_rating_and_the_record(
    sqlite_app: Flask, stown: Town
) -> None:
    tid = completed(sqlite_app, photos=[photo_b64()])
    rated_low(sqlite_app, tid, comment="Masih berlubang di sisi kiri.")
    with sqlite_app.app_context():
        photos = {p.purpose: p.id for p in db.session.scalars(select(Photo))}

    response = client_as(sqlite_app, "validator_tim").get(f"/validation/{tid}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="review"' in html
    assert f"/photos/{photos['report']}" in html and f"/photos/{photos['evidence']}" in html
    assert "Sebelum" in html and "Sesudah" in html
    for label in ("Laporan diterima", "Mulai dikerjakan", "Diselesaikan unit", "Dinilai pelapor"):
        assert label in html
    assert "Dikembalikan ke validasi" in html
    assert "Masih berlubang di sisi kiri." in html and "Belum selesai" in html
    assert "reason--low_rating" in html
    assert "Rekam validasi unit" in html and "Kelurahan Utan Kayu Utara" in html


def test_a_repeat_report_flag_names_the_new_report(sqlite_app: Flask, stown: Town) -> None:
    earlier = completed(sqlite_app)
    again = add_ticket(sqlite_app, **AT_UTAN_KAYU)  # same category, same spot

    html = (
        client_as(sqlite_app, "validator_tim").get(f"/validation/{earlier}").get_data(as_text=True)
    )

    assert "reason--repeat_report" in html
    assert tracking_of(sqlite_app, again) in html


def test_the_units_record_counts_first_time_verifications_and_reopens(
    sqlite_app: Flask, stown: Town
) -> None:
    ids = [completed(sqlite_app, lat=-6.1985, lon=106.8652 + 0.003 * i) for i in range(6)]
    with sqlite_app.app_context():
        validator = actor(sqlite_app, "validator_tim")
        for tid in ids[:5]:
            svc.verify(
                tid,
                note="ok",
                field_verified=False,
                actor=validator,
                now=NOW,
                publish=svc.no_publish,
            )
    client = client_as(sqlite_app, "validator_tim")
    reopen = post_action(client, sqlite_app, ids[5], "reopen", {"reason": "Foto buram."})
    assert reopen.status_code == 200

    html = client.get(f"/validation/{ids[5]}").get_data(as_text=True)

    assert "83%" in html  # 5 of 6 verified at the first decision
    assert "grade--B" in html  # 83 on the quality scale: B, Baik


# --- the review page: actions ---------------------------------------------------------------


def test_verifying_from_the_review_page_closes_the_ticket_and_writes_history(
    app: Flask, town: Town
) -> None:
    tid = completed(app)
    client = client_as(app, "validator_tim")

    response = post_action(client, app, tid, "verify", {**CHECKED, "note": "Sesuai foto."})

    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<article id="review"')
    assert "decision__state--done" in body
    assert stored(app, tid).status == "verified"
    assert history_kinds(app, tid)[-1] == "verified"
    with app.app_context():
        note = db.session.scalars(
            select(TicketEventRow.note).where(TicketEventRow.kind == "verified")
        ).one()
    assert "Foto bukti menunjukkan lokasi yang dilaporkan" in note and "Sesuai foto." in note
    assert tracking_of(app, tid) not in queue_html(client)


def test_reopening_from_the_review_page_sends_the_ticket_back_to_the_unit(
    app: Flask, town: Town
) -> None:
    tid = completed(app)
    client = client_as(app, "validator_tim")

    response = post_action(client, app, tid, "reopen", {"reason": "Foto bukan lokasi ini."})

    assert response.status_code == 200 and "decision__state--reopened" in response.get_data(
        as_text=True
    )
    ticket = stored(app, tid)
    assert (ticket.status, ticket.reopen_confirmed) == ("reopened", True)
    assert ticket.redo_due_at is not None
    assert history_kinds(app, tid)[-1] == "reopened"
    assert tracking_of(app, tid) not in queue_html(client)


def test_a_low_rated_completion_stays_in_the_queue_until_the_validator_decides(
    sqlite_app: Flask, stown: Town
) -> None:
    tid = completed(sqlite_app)
    rated_low(sqlite_app, tid)
    client = client_as(sqlite_app, "validator_tim")
    assert tracking_of(sqlite_app, tid) in queue_html(client)  # reopened, pending review

    post_action(client, sqlite_app, tid, "reopen", {"reason": "Pelapor benar."})

    assert tracking_of(sqlite_app, tid) not in queue_html(client)


def test_a_verify_without_every_checklist_box_is_refused_and_nothing_is_stored(
    sqlite_app: Flask, stown: Town
) -> None:
    tid = completed(sqlite_app)
    before = snapshot(sqlite_app, tid)
    client = client_as(sqlite_app, "validator_tim")

    response = post_action(
        client, sqlite_app, tid, "verify", {"check_place": "on", "check_resolved": "on"}
    )

    assert response.status_code == 422
    # The review again, the error at the checklist (the form stays where it was typed).
    body = response.get_data(as_text=True)
    assert 'id="decision-errors"' in body and 'id="checklist-error"' in body
    assert "Catatan penyelesaian menjelaskan pekerjaan" in body
    assert snapshot(sqlite_app, tid) == before


def test_a_reopen_without_a_reason_is_refused_and_nothing_is_stored(
    sqlite_app: Flask, stown: Town
) -> None:
    tid = completed(sqlite_app)
    before = snapshot(sqlite_app, tid)

    response = post_action(
        client_as(sqlite_app, "validator_tim"), sqlite_app, tid, "reopen", {"reason": "  "}
    )

    assert response.status_code == 422
    assert snapshot(sqlite_app, tid) == before


def test_a_stale_form_gets_a_conflict_and_changes_nothing(sqlite_app: Flask, stown: Town) -> None:
    tid = completed(sqlite_app)
    stale = snapshot(sqlite_app, tid).version - 1

    response = client_as(sqlite_app, "validator_tim").post(
        f"/validation/{tid}/verify", data={**CHECKED, "version": stale}, headers=HTMX
    )

    assert response.status_code == 409
    assert "baru saja diubah" in response.get_data(as_text=True)
    assert stored(sqlite_app, tid).status == "awaiting_validation"


def test_without_htmx_an_action_redirects_to_the_review_page_with_a_message(
    sqlite_app: Flask, stown: Town
) -> None:
    tid = completed(sqlite_app)
    client = client_as(sqlite_app, "validator_tim")

    response = client.post(
        f"/validation/{tid}/verify",
        data={**CHECKED, "version": snapshot(sqlite_app, tid).version},
        follow_redirects=True,
    )

    assert response.request.path == f"/validation/{tid}"
    assert "Penyelesaian diverifikasi" in response.get_data(as_text=True)


def test_a_field_check_keeps_the_ticket_in_the_queue_until_its_result_is_recorded(
    sqlite_app: Flask, stown: Town
) -> None:
    tid = completed(sqlite_app)
    client = client_as(sqlite_app, "validator_tim")

    asked = post_action(client, sqlite_app, tid, "field-check", {"note": "Cek lubang di lokasi."})
    assert asked.status_code == 200 and "Verifikasi lapangan diminta" in asked.get_data(
        as_text=True
    )
    assert stored(sqlite_app, tid).status == "awaiting_validation"
    assert "Cek lapangan diminta" in queue_html(client)

    # Verifying on paper alone is refused while the field result is missing.
    refused = post_action(client, sqlite_app, tid, "verify", CHECKED)
    assert refused.status_code == 409
    assert stored(sqlite_app, tid).status == "awaiting_validation"

    done = post_action(
        client,
        sqlite_app,
        tid,
        "verify",
        {
            **CHECKED,
            "field_done": "on",
            "field_note": "Sudah rata, dicek langsung.",
            "field_photos": [(io.BytesIO(photo_bytes()), "lapangan.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert done.status_code == 200
    ticket = stored(sqlite_app, tid)
    assert ticket.status == "verified" and ticket.field_check_requested_at is None
    with sqlite_app.app_context():
        field_photos = db.session.scalar(
            select(func.count()).select_from(Photo).where(Photo.purpose == "field")
        )
    assert field_photos == 1
    assert tracking_of(sqlite_app, tid) not in queue_html(client)


def test_a_field_verification_without_a_photo_is_refused(sqlite_app: Flask, stown: Town) -> None:
    tid = completed(sqlite_app)
    before = snapshot(sqlite_app, tid)

    response = post_action(
        client_as(sqlite_app, "validator_tim"),
        sqlite_app,
        tid,
        "verify",
        {**CHECKED, "field_done": "on", "field_note": "Sudah dicek."},
    )

    assert response.status_code == 422
    assert "verifikasi lapangan perlu foto" in response.get_data(as_text=True)
    assert snapshot(sqlite_app, tid) == before


def test_a_senayan_completion_goes_to_jakarta_selatans_queue(
    sqlite_app: Flask, stown: Town
) -> None:
    tracking = tracking_of(sqlite_app, completed(sqlite_app, where=AT_SENAYAN, officer="officer_c"))

    assert tracking in queue_html(client_as(sqlite_app, "validator_sel"))
    assert tracking not in queue_html(client_as(sqlite_app, "validator_tim"))
