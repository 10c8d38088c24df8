"""A confidential reporter's identity never reaches the handling unit or the
public; an MRO or admin can open it only with a reason, and that is logged."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from dashboard.extensions import db
from dashboard.models import Reporter, ReporterAccess, Ticket
from dashboard.services import workflow as svc
from tests.conftest import T0
from tests.factories import later, photo_bytes
from tests.http.helpers import (
    AT_UTAN_KAYU,
    HTMX,
    Town,
    actor,
    add_ticket,
    client_as,
    make_town,
    row_counts,
    snapshot,
    tracking_of,
)

MARKERS = {"name": "ZZMARKNAME7", "email": "zzmark7@example.id", "phone": "081299990007"}
REASON = "Pelapor minta dihubungi ulang soal lokasi."


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(later(T0, hours=1), tick=False):
        yield


@dataclass
class Case:
    town: Town
    ticket_id: int
    tracking: str


@pytest.fixture
def case(sqlite_app: Flask) -> Case:
    town = make_town(sqlite_app)
    ticket_id = add_ticket(sqlite_app, **AT_UTAN_KAYU, reporter={**MARKERS, "confidential": True})
    return Case(town, ticket_id, tracking_of(sqlite_app, ticket_id))


def assert_no_markers(*responses: TestResponse) -> None:
    for response in responses:
        body = response.get_data(as_text=True)
        for marker in MARKERS.values():
            assert marker not in body, f"{marker} leaked in {response.request.path}"


def access_rows(app: Flask) -> list[tuple[int, int, str]]:
    with app.app_context():
        return [
            (r.user_id, r.ticket_id, r.reason)
            for r in db.session.scalars(select(ReporterAccess).order_by(ReporterAccess.id))
        ]


def test_the_seeded_reporter_is_stored_with_the_markers(sqlite_app: Flask, case: Case) -> None:
    with sqlite_app.app_context():
        ticket = db.session.get(Ticket, case.ticket_id)
        reporter = db.session.get(Reporter, ticket.reporter_id)
        assert (reporter.name, reporter.email, reporter.phone) == (
            MARKERS["name"],
            MARKERS["email"],
            MARKERS["phone"],
        )


# --- what the handling unit and the public get ------------------------------------


def test_handling_officer_pages_never_show_the_confidential_reporter(
    sqlite_app: Flask, case: Case
) -> None:
    officer_a = client_as(sqlite_app, "officer_a")
    public = sqlite_app.test_client()
    responses = [
        officer_a.get("/tickets"),
        officer_a.get("/tickets", headers=HTMX),
        officer_a.get("/tickets", query_string={"q": case.tracking}, headers=HTMX),
        officer_a.get(f"/tickets/{case.ticket_id}"),
        officer_a.get(f"/tickets/{case.ticket_id}", headers=HTMX),
        officer_a.get(f"/api/v1/tickets/{case.tracking}"),
        public.get(f"/api/v1/tickets/{case.tracking}"),
        public.get(f"/t/{case.tracking}"),
    ]

    assert [r.status_code for r in responses] == [200] * len(responses)
    assert case.tracking in responses[3].get_data(as_text=True)
    assert_no_markers(*responses)


def test_handling_officer_action_responses_never_show_the_confidential_reporter(
    sqlite_app: Flask, case: Case
) -> None:
    officer_a = client_as(sqlite_app, "officer_a")
    url = f"/tickets/{case.ticket_id}"

    def version() -> int:
        return snapshot(sqlite_app, case.ticket_id).version

    responses = [
        officer_a.post(f"{url}/note", data={"text": "Sudah dicek ke lokasi."}, headers=HTMX),
        officer_a.post(
            f"{url}/start", data={"version": version(), "note": "Mulai."}, follow_redirects=True
        ),
        officer_a.post(
            f"{url}/ews",
            data={"version": version(), "ews_date": "2026-12-15", "reason": "Perlu anggaran."},
            headers=HTMX,
        ),
        officer_a.post(
            f"{url}/complete",
            data={
                "version": version(),
                "note": "Jalan sudah ditambal.",
                "photos": [(io.BytesIO(photo_bytes()), "bukti.jpg")],
            },
            content_type="multipart/form-data",
            headers=HTMX,
        ),
        # Refused: already completed; the 409 fragment must not leak either.
        officer_a.post(f"{url}/start", data={"version": version()}, headers=HTMX),
        officer_a.post(f"{url}/start", data={"version": version()}, follow_redirects=True),
    ]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 409, 200]
    assert snapshot(sqlite_app, case.ticket_id).status == "awaiting_validation"
    assert_no_markers(*responses)


def test_supporting_unit_officer_never_sees_the_confidential_reporter(
    sqlite_app: Flask, case: Case
) -> None:
    with sqlite_app.app_context():
        svc.coordinate(
            case.ticket_id,
            unit_ids=[case.town["KEL-PALMERIAM"]],
            note="Bantu angkut material.",
            actor=actor(sqlite_app, "officer_a"),
            now=later(T0, hours=1),
            publish=svc.no_publish,
        )
    officer_b = client_as(sqlite_app, "officer_b")

    responses = [
        officer_b.get("/tickets"),
        officer_b.get(f"/tickets/{case.ticket_id}"),
        officer_b.get(f"/tickets/{case.ticket_id}", headers=HTMX),
    ]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert_no_markers(*responses)


@pytest.mark.parametrize(
    "username", ["mro", "admin", "validator_prov", "validator_tim", "exec_prov", "exec_tim"]
)
def test_no_role_sees_the_reporter_on_the_ticket_page_without_asking(
    sqlite_app: Flask, case: Case, username: str
) -> None:
    client = client_as(sqlite_app, username)

    responses = [client.get(f"/tickets/{case.ticket_id}"), client.get("/tickets")]

    assert [r.status_code for r in responses] == [200, 200]
    assert_no_markers(*responses)


def test_the_handling_officer_is_not_offered_the_reveal_form(sqlite_app: Flask, case: Case) -> None:
    html = (
        client_as(sqlite_app, "officer_a").get(f"/tickets/{case.ticket_id}").get_data(as_text=True)
    )

    assert f"/tickets/{case.ticket_id}/reporter" not in html
    assert "Rahasia" in html


def test_mro_is_offered_the_reveal_form(sqlite_app: Flask, case: Case) -> None:
    html = client_as(sqlite_app, "mro").get(f"/tickets/{case.ticket_id}").get_data(as_text=True)

    assert f"/tickets/{case.ticket_id}/reporter" in html


# --- revealing the identity ------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "oke"], ids=["empty", "blank", "too-short"])
def test_mro_reveal_without_a_reason_is_refused_and_not_logged(
    sqlite_app: Flask, case: Case, reason: str
) -> None:
    mro = client_as(sqlite_app, "mro")

    response = mro.post(
        f"/tickets/{case.ticket_id}/reporter", data={"reason": reason}, headers=HTMX
    )

    assert response.status_code == 422
    assert_no_markers(response)
    assert access_rows(sqlite_app) == []


def test_mro_reveal_without_a_reason_field_is_refused_and_not_logged(
    sqlite_app: Flask, case: Case
) -> None:
    response = client_as(sqlite_app, "mro").post(
        f"/tickets/{case.ticket_id}/reporter", headers=HTMX
    )

    assert response.status_code == 422
    assert access_rows(sqlite_app) == []


def test_mro_reveal_with_a_reason_shows_the_identity(sqlite_app: Flask, case: Case) -> None:
    response = client_as(sqlite_app, "mro").post(
        f"/tickets/{case.ticket_id}/reporter", data={"reason": REASON}, headers=HTMX
    )

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for marker in MARKERS.values():
        assert marker in body


def test_mro_reveal_writes_exactly_one_access_log_row(sqlite_app: Flask, case: Case) -> None:
    client_as(sqlite_app, "mro").post(
        f"/tickets/{case.ticket_id}/reporter", data={"reason": f"  {REASON}  "}, headers=HTMX
    )

    assert access_rows(sqlite_app) == [(case.town.user_ids["mro"], case.ticket_id, REASON)]


def test_admin_reveal_is_logged_under_the_admin(sqlite_app: Flask, case: Case) -> None:
    response = client_as(sqlite_app, "admin").post(
        f"/tickets/{case.ticket_id}/reporter", data={"reason": REASON}, headers=HTMX
    )

    assert MARKERS["name"] in response.get_data(as_text=True)
    assert access_rows(sqlite_app) == [(case.town.user_ids["admin"], case.ticket_id, REASON)]


@pytest.mark.parametrize("username", ["officer_a", "validator_prov", "exec_prov"])
def test_other_roles_asking_to_reveal_are_refused_and_not_logged(
    sqlite_app: Flask, case: Case, username: str
) -> None:
    response = client_as(sqlite_app, username).post(
        f"/tickets/{case.ticket_id}/reporter", data={"reason": REASON}, headers=HTMX
    )

    assert response.status_code == 403
    assert_no_markers(response)
    assert access_rows(sqlite_app) == []


def test_officer_reveal_by_form_post_is_refused_and_not_logged(
    sqlite_app: Flask, case: Case
) -> None:
    response = client_as(sqlite_app, "officer_a").post(
        f"/tickets/{case.ticket_id}/reporter", data={"reason": REASON}, follow_redirects=True
    )

    assert "flash--error" in response.get_data(as_text=True)
    assert_no_markers(response)
    assert access_rows(sqlite_app) == []


def test_mro_cannot_reveal_the_reporter_of_a_ticket_that_does_not_exist(
    sqlite_app: Flask, case: Case
) -> None:
    response = client_as(sqlite_app, "mro").post(
        "/tickets/999999/reporter", data={"reason": REASON}, headers=HTMX
    )

    assert response.status_code == 404
    assert access_rows(sqlite_app) == []


# --- anonymous reports --------------------------------------------------------------------


@pytest.fixture
def anonymous_ticket(sqlite_app: Flask, case: Case) -> int:
    return add_ticket(sqlite_app, **AT_UTAN_KAYU, reporter={**MARKERS, "anonymous": True})


def test_an_anonymous_report_stores_no_reporter(sqlite_app: Flask, anonymous_ticket: int) -> None:
    assert row_counts(sqlite_app)["Reporter"] == 1  # the confidential case's only
    with sqlite_app.app_context():
        ticket = db.session.get(Ticket, anonymous_ticket)
        assert ticket.confidentiality == "anonymous"
        assert ticket.reporter_id is None and ticket.reporter_hash is None


def test_revealing_an_anonymous_report_shows_anonim_and_logs_nothing(
    sqlite_app: Flask, anonymous_ticket: int
) -> None:
    response = client_as(sqlite_app, "mro").post(
        f"/tickets/{anonymous_ticket}/reporter", data={"reason": REASON}, headers=HTMX
    )

    assert response.status_code == 200
    assert "anonim" in response.get_data(as_text=True).lower()
    assert_no_markers(response)
    assert access_rows(sqlite_app) == []


def test_an_anonymous_report_page_says_anonim_to_the_mro(
    sqlite_app: Flask, anonymous_ticket: int
) -> None:
    client: FlaskClient = client_as(sqlite_app, "mro")

    html = client.get(f"/tickets/{anonymous_ticket}").get_data(as_text=True)

    assert "Anonim" in html
    assert f"/tickets/{anonymous_ticket}/reporter" not in html


# --- the admin's review of the access log ---------------------------------------------


def test_admins_review_every_reveal_and_nobody_else_can(sqlite_app: Flask, case: Case) -> None:
    client_as(sqlite_app, "mro").post(
        f"/tickets/{case.ticket_id}/reporter", data={"reason": REASON}, headers=HTMX
    )
    admin = client_as(sqlite_app, "admin")

    page = admin.get("/admin/access-log")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert REASON in body and case.tracking in body and "Mro" in body
    assert_no_markers(page)  # the log says who looked, never what they saw

    csv_text = admin.get("/admin/access-log?export=csv").get_data(as_text=True)
    lines = csv_text.lstrip("\ufeff").strip().splitlines()
    assert lines[0] == "waktu_utc,pengguna,username,tiket,alasan"
    assert len(lines) == 2 and case.tracking in lines[1] and REASON in lines[1]

    filtered = admin.get("/admin/access-log?tracking=JKT-0000-NOPE00").get_data(as_text=True)
    assert REASON not in filtered
    assert admin.get("/admin/access-log?from=kemarin").status_code == 400

    # Admins find it in their top bar; nobody else is shown the link or the page.
    assert 'href="/admin/access-log"' in admin.get("/tickets").get_data(as_text=True)
    for username in ("mro", "officer_a", "exec_prov", "validator_prov"):
        other = client_as(sqlite_app, username)
        assert 'href="/admin/access-log"' not in other.get("/tickets").get_data(as_text=True)
        assert other.get("/admin/access-log").status_code == 404
    assert sqlite_app.test_client().get("/admin/access-log").status_code == 302


# --- the public portal ---------------------------------------------------------------------


def test_no_portal_page_in_either_language_shows_a_reporter_field(
    sqlite_app: Flask, case: Case
) -> None:
    # A biasa report (its description is public) and an anonymous one with the same
    # markers in every reporter field and in the text: the portal masks or hides them all.
    telling = f"Saya {MARKERS['name']}, hubungi {MARKERS['phone']} atau {MARKERS['email']}."
    biasa = add_ticket(
        sqlite_app,
        **AT_UTAN_KAYU,
        description=f"{telling} Jalan berlubang dalam.",
        address=f"Jl. {MARKERS['name']} No. 7",
        reporter={**MARKERS, "confidential": False},
    )
    add_ticket(sqlite_app, **AT_UTAN_KAYU, category="sampah", reporter={**MARKERS})
    with sqlite_app.app_context():
        svc.start_work(
            biasa,
            actor=actor(sqlite_app, "officer_a"),
            now=later(T0, hours=1),
            publish=svc.no_publish,
        )
        svc.complete(
            biasa,
            note=f"Sudah, kata {MARKERS['name']}.",
            photos=[photo_bytes()],
            actor=actor(sqlite_app, "officer_a"),
            now=later(T0, hours=1),
            publish=svc.no_publish,
        )
    town = case.town
    filters = [
        {},
        {"kota": town["JKT-TIM"]},
        {"kecamatan": town["KEC-MATRAMAN"]},
        {"kategori": "jalan-rusak"},
        {"kategori": "sampah"},
        *(
            {"status": stage}
            for stage in ("received", "handling", "validation", "done", "rejected")
        ),
        {"dari": "2026-11-01", "sampai": "2026-11-30"},
        {"kota": town["JKT-TIM"], "kecamatan": town["KEC-MATRAMAN"], "status": "validation"},
        {"kota": "bukan-angka"},  # a 400 page must not leak either
    ]
    responses = []
    for lang in ("id", "en"):
        client = sqlite_app.test_client()
        responses += [
            client.get("/", query_string={"lang": lang}, follow_redirects=True),
            client.get("/portal/", query_string={"lang": lang}),
            client.get("/portal/", query_string={"lang": lang, "periode": "year"}),
            client.get("/portal/cari", query_string={"lang": lang}),
            client.get("/portal/cari", query_string={"lang": lang, "nomor": case.tracking}),
            client.get("/portal/cari", query_string={"lang": lang, "nomor": "JKT-0000-ZZZZZZ"}),
        ]
        for args in filters:
            query = {"lang": lang, **args}
            responses.append(client.get("/portal/laporan", query_string=query))
            responses.append(client.get("/portal/laporan", query_string=query, headers=HTMX))

    statuses = {r.status_code for r in responses}
    assert statuses <= {200, 303, 400, 404}, statuses
    shown = [r for r in responses if r.status_code == 200 and "/portal/laporan" in r.request.path]
    assert any("[nama disembunyikan]" in r.get_data(as_text=True) for r in shown)
    assert_no_markers(*responses)


def _export_text(response: TestResponse) -> str:
    """Every cell of an XLSX download, or the CSV text."""
    if response.mimetype.endswith("spreadsheetml.sheet"):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
        return "\n".join(
            str(v)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    return response.get_data(as_text=True)


def test_no_export_a_staff_member_can_reach_carries_a_reporter_field(
    sqlite_app: Flask, case: Case
) -> None:
    # The marked reporter's ticket is open, late and worked on, so it sits behind
    # many figures (received, backlog, overdue, the worst-late list...).
    from dashboard.queries.kpi_tickets import FIGURES

    with sqlite_app.app_context():
        svc.start_work(
            case.ticket_id,
            actor=actor(sqlite_app, "officer_a"),
            now=later(T0, hours=1),
            publish=svc.no_publish,
        )
    town = case.town
    summary = [
        "headline", "trend", "backlog", "per_kota", "per_kecamatan",
        "per_category", "per_channel", "worst_late",
    ]  # fmt: skip
    unit = ["headline", "trend", "score", "per_category", "per_channel", "backlog"]
    kel = town["KEL-UTAN-KAYU-UTARA"]
    urls = [f"/kpi/?export={fmt}&table={t}" for t in summary for fmt in ("csv", "xlsx")]
    urls += [f"/kpi/unit/{kel}?export={fmt}&table={t}" for t in unit for fmt in ("csv", "xlsx")]
    urls += [
        f"/kpi/tickets?scope=unit:{kel}&figure={figure}&export={fmt}&table=tickets"
        for figure in FIGURES
        for fmt in ("csv", "xlsx")
    ]
    urls.append("/kpi/rankings?group=kelurahan&export=csv&table=ranking")
    seen = 0
    with time_machine.travel(later(T0, hours=24 * 9), tick=False):  # past its deadlines
        for username in ("officer_a", "mro", "exec_prov", "exec_tim", "validator_tim"):
            client = client_as(sqlite_app, username)
            for url in urls:
                response = client.get(url)
                if response.status_code != 200:
                    continue  # outside this reader's scope: refused, nothing to leak
                seen += 1
                text = _export_text(response)
                for marker in MARKERS.values():
                    assert marker not in text, f"{marker} in {username}'s {url}"
        # The ticket itself is in the exports: the check looked at real rows.
        tickets = client_as(sqlite_app, "officer_a").get(
            f"/kpi/tickets?scope=unit:{kel}&figure=backlog&export=csv&table=tickets"
        )
        assert case.tracking in tickets.get_data(as_text=True)
    assert seen > 100
