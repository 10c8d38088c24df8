"""Nothing carrying reporter data is kept by a browser or a proxy: every
response to a logged-in user, every API / Open311 answer and the boards are
``Cache-Control: no-store``; static files and deliberately public assets stay
cacheable. The CSP lets pages connect to their own origin only."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Photo
from tests.factories import report_payload
from tests.http.helpers import (
    HTMX,
    add_ticket,
    client_as,
    complete_ticket,
    make_town,
    photo_b64,
    tracking_of,
)


def no_store(response: object) -> bool:
    value = response.headers.get("Cache-Control", "")  # type: ignore[attr-defined]
    return "no-store" in [part.strip() for part in value.split(",")]


def test_every_staff_response_is_no_store(sqlite_app: Flask) -> None:
    make_town(sqlite_app)
    tid = add_ticket(sqlite_app, photos=[photo_b64()])
    with sqlite_app.app_context():
        photo_id = db.session.scalar(select(Photo.id).where(Photo.ticket_id == tid))
    mro = client_as(sqlite_app, "mro")
    pages = {
        "worklist": mro.get("/tickets"),
        "ticket page": mro.get(f"/tickets/{tid}"),
        "ticket partial": mro.get(f"/tickets/{tid}", headers=HTMX),
        "report photo": mro.get(f"/photos/{photo_id}"),
        "reveal": mro.post(
            f"/tickets/{tid}/reporter", data={"reason": "Konfirmasi lokasi."}, headers=HTMX
        ),
        "action answer": mro.post(f"/tickets/{tid}/note", data={"text": "dicek"}, headers=HTMX),
        "board": mro.get("/board"),
        "board snapshot": mro.get("/board/snapshot.json"),
        "kpi page": mro.get("/kpi/"),
        "refusal": mro.post(f"/tickets/{tid}/reporter", data={"reason": ""}, headers=HTMX),
        "not found": mro.get("/tickets/987654"),
    }
    admin = client_as(sqlite_app, "admin")
    pages["access log csv"] = admin.get("/admin/access-log?export=csv")
    pages["access log xlsx"] = admin.get("/admin/access-log?export=xlsx")
    assert {name: r.status_code for name, r in pages.items()} == {
        **{name: 200 for name in pages},
        "refusal": 422,
        "not found": 404,
    }
    assert [name for name, r in pages.items() if not no_store(r)] == []


def test_every_api_and_open311_answer_is_no_store(sqlite_app: Flask) -> None:
    town = make_town(sqlite_app)
    client = sqlite_app.test_client()
    created = client.post(
        "/api/v1/tickets", json=report_payload(), headers={"X-API-Key": town.api_key}
    )
    tracking = created.get_json()["tracking"]
    answers = {
        "ingest": created,
        "public view": client.get(f"/api/v1/tickets/{tracking}"),
        "api 404": client.get("/api/v1/tickets/JKT-0000-NOPE00"),
        "api unknown path": client.get("/api/v1/nothing-here"),
        "open311 requests": client.get("/open311/v2/requests.json"),
        "open311 discovery": client.get("/open311/discovery.json"),
    }
    assert [name for name, r in answers.items() if not no_store(r)] == []


def test_static_files_and_public_assets_stay_cacheable(sqlite_app: Flask) -> None:
    make_town(sqlite_app)
    tid = add_ticket(sqlite_app)
    complete_ticket(sqlite_app, tid)
    with sqlite_app.app_context():
        evidence = db.session.scalar(
            select(Photo.id).where(Photo.ticket_id == tid, Photo.purpose == "evidence")
        )
    # Logged in or not, a static file and a public completion photo may be cached.
    for client in (sqlite_app.test_client(), client_as(sqlite_app, "mro")):
        static = client.get("/static/live.js")
        public_photo = client.get(f"/p/{evidence}")
        assert static.status_code == 200 and not no_store(static)
        assert public_photo.status_code == 200 and not no_store(public_photo)
        assert "public" in public_photo.headers["Cache-Control"]
        static.close()
    # The public tracking page carries no reporter data: not forced to no-store.
    anonymous = sqlite_app.test_client().get(f"/t/{tracking_of(sqlite_app, tid)}")
    assert anonymous.status_code == 200 and not no_store(anonymous)


def test_the_csp_lets_pages_connect_to_their_own_origin_only(sqlite_app: Flask) -> None:
    csp = sqlite_app.test_client().get("/login").headers["Content-Security-Policy"]
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    assert directives["connect-src"] == "'self'"
    assert directives["default-src"] == "'self'"
