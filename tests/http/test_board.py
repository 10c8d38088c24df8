"""The board over HTTP: who may open which board, the snapshot's scope per role,
wall tokens (issue, kiosk, revoke), and the workstation's actions."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from dashboard.domain import history as vocabulary
from dashboard.domain import sla
from dashboard.extensions import db
from dashboard.models import Ticket, TicketEventRow, User, WallToken
from dashboard.queries.board import OPEN
from dashboard.scope import actor_for_user, ticket_scope
from dashboard.views.board import CHRONIC_AFTER, COUNTERS
from tests.conftest import T0
from tests.factories import later
from tests.http.helpers import (
    AT_PALMERIAM,
    AT_SENAYAN,
    AT_UTAN_KAYU,
    HTMX,
    Town,
    add_ticket,
    client_as,
    make_town,
)

NOW = later(T0, hours=1)
USERS = [
    "admin",
    "mro",
    "officer_a",
    "officer_c",
    "officer_bm",
    "validator_prov",
    "validator_tim",
    "validator_sel",
    "exec_prov",
    "exec_tim",
]


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class Places:
    town: Town
    utan_kayu: int
    palmeriam: int
    senayan: int
    pungli: int  # in Utan Kayu, handled by the province's Inspektorat


def seed(app: Flask) -> Places:
    town = make_town(app)
    return Places(
        town=town,
        utan_kayu=add_ticket(app, **AT_UTAN_KAYU),
        palmeriam=add_ticket(app, **AT_PALMERIAM),
        senayan=add_ticket(app, **AT_SENAYAN),
        pungli=add_ticket(app, **AT_UTAN_KAYU, category="pungutan-liar"),
    )


@pytest.fixture
def places(app: Flask) -> Places:
    return seed(app)


@pytest.fixture
def places_sqlite(sqlite_app: Flask) -> Places:
    return seed(sqlite_app)


def snapshot_of(client: FlaskClient, query: str = "") -> dict:
    response = client.get(f"/board/snapshot.json{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def ids(snapshot: dict) -> set[int]:
    return {t["id"] for t in snapshot["tickets"]}


def open_ids_in_scope(app: Flask, username: str) -> set[int]:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        where = ticket_scope(actor_for_user(user))
        return set(db.session.scalars(select(Ticket.id).where(OPEN, where)))


# --- pages and roles --------------------------------------------------------------


def test_the_board_page_needs_a_login(places_sqlite: Places, sqlite_app: Flask) -> None:
    response = sqlite_app.test_client().get("/board")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", USERS)
def test_every_staff_role_has_a_board_of_its_own_scope(
    places_sqlite: Places, sqlite_app: Flask, username: str
) -> None:
    response = client_as(sqlite_app, username).get("/board")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="board"' in html and "live.js" in html
    config = json.loads(re.search(r"data-config='([^']+)'", html).group(1).replace("&#39;", "'"))
    assert config["snapshotUrl"].startswith("/board/snapshot.json")
    assert config["mode"] == "board"
    assert "Koneksi terputus — menyambung ulang…" in html


def test_the_board_page_ships_the_sla_thresholds_and_the_markers_words_to_live_js(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    html = client_as(sqlite_app, "mro").get("/board").get_data(as_text=True)
    config = json.loads(re.search(r"data-config='([^']+)'", html).group(1).replace("&#39;", "'"))

    assert config["rules"] == {
        "level1Ms": sla.UNWORKED_LEVEL1.total_seconds() * 1000,
        "level2Ms": sla.UNWORKED_LEVEL2.total_seconds() * 1000,
    }
    assert config["words"] == vocabulary.board_words()
    assert [c[0] for c in config["counters"]] == [c[0] for c in COUNTERS]
    for _key, glyph, label, _short in COUNTERS:
        assert glyph in html and label in html


def test_the_board_nav_link_is_shown_to_staff(places_sqlite: Places, sqlite_app: Flask) -> None:
    html = client_as(sqlite_app, "officer_a").get("/tickets").get_data(as_text=True)
    assert 'href="/board"' in html and ">Papan<" in html


def test_the_snapshot_needs_a_login_or_a_wall_token(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    client = sqlite_app.test_client()
    response = client.get("/board/snapshot.json")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert client.get("/board/snapshot.json?wall=pw_nope").status_code == 404


# --- snapshot scope per role -------------------------------------------------------


@pytest.mark.parametrize("username", USERS)
def test_the_snapshot_holds_exactly_the_open_tickets_the_user_may_see(
    places: Places, app: Flask, username: str
) -> None:
    snap = snapshot_of(client_as(app, username))
    assert ids(snap) == open_ids_in_scope(app, username)


def test_a_kota_executive_sees_only_its_kotas_rows(places: Places, app: Flask) -> None:
    snap = snapshot_of(client_as(app, "exec_tim"))
    assert ids(snap) == {places.utan_kayu, places.palmeriam, places.pungli}
    assert snap["scope"] == {"kind": "kota", "id": places.town["JKT-TIM"], "label": "Jakarta Timur"}
    assert [k["name"] for k in snap["kotas"]] == ["Jakarta Timur"]
    assert {t["kota"] for t in snap["tickets"]} == {"Jakarta Timur"}
    assert all(item["kota"] == "Jakarta Timur" for item in snap["ticker"])


def test_a_kota_validator_sees_the_tickets_its_kotas_units_handle(
    places: Places, app: Flask
) -> None:
    snap = snapshot_of(client_as(app, "validator_tim"))
    # Not the pungutan liar ticket: a province body handles it, Biro Pemerintahan validates it.
    assert ids(snap) == {places.utan_kayu, places.palmeriam}
    assert snap["scope"]["kind"] == "validation"


def test_an_officer_sees_only_its_units_rows(places: Places, app: Flask) -> None:
    snap = snapshot_of(client_as(app, "officer_a"))
    assert ids(snap) == {places.utan_kayu}
    assert snap["scope"] == {
        "kind": "unit",
        "id": places.town["KEL-UTAN-KAYU-UTARA"],
        "label": "Kel. Utan Kayu Utara",
    }


def test_the_mro_may_narrow_the_board_to_one_kota(places: Places, app: Flask) -> None:
    client = client_as(app, "mro")
    assert ids(snapshot_of(client)) == {
        places.utan_kayu,
        places.palmeriam,
        places.senayan,
        places.pungli,
    }
    assert ids(snapshot_of(client, "?kota=JKT-SEL")) == {places.senayan}
    page = client.get("/board?kota=JKT-SEL").get_data(as_text=True)
    assert "Jakarta Selatan" in page and "kota=JKT-SEL" in page
    assert client.get("/board?kota=NOWHERE").status_code == 404


def test_a_kota_executive_cannot_widen_its_board_by_asking_for_another_kota(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    snap = snapshot_of(client_as(sqlite_app, "exec_tim"), "?kota=JKT-SEL")
    assert places_sqlite.senayan not in ids(snap)
    assert snap["scope"]["label"] == "Jakarta Timur"


def test_a_row_carries_the_clock_fields_with_offsets(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    snap = snapshot_of(client_as(sqlite_app, "mro"))
    row = next(t for t in snap["tickets"] if t["id"] == places_sqlite.utan_kayu)
    assert row["status"] == "waiting" and row["status_label"] == "Menunggu"
    assert row["category"] == "Jalan Rusak"
    assert row["unit"] == "Kel. Utan Kayu Utara" and row["kota"] == "Jakarta Timur"
    assert row["kelurahan"] == "Utan Kayu Utara"
    assert row["received_at"] == T0.isoformat()
    assert row["response_due_at"] == later(T0, hours=6).isoformat()
    assert row["completion_due_at"] == later(T0, days=14).isoformat()  # bobot 2
    assert row["clock_stopped_at"] is None and row["owes_work"] is True
    assert row["escalation_level"] == 0 and row["version"] >= 1
    assert snap["seq"] > 0 and snap["generated_at"] == NOW.isoformat()
    assert snap["ticker"][0]["label"] == "Laporan baru"


def test_the_snapshot_is_gzipped_for_clients_that_accept_it(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    client = client_as(sqlite_app, "mro")
    response = client.get("/board/snapshot.json", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(response.data))
    assert ids(body) == ids(snapshot_of(client))
    assert response.headers["X-Board-Seq"] == str(body["seq"])


# --- wall tokens ---------------------------------------------------------------------


def issue(client: FlaskClient, label: str = "Ruang MRO layar 1", kota_id: str = "") -> str:
    response = client.post(
        "/board/tokens", data={"action": "issue", "label": label, "kota_id": kota_id}
    )
    assert response.status_code == 200
    match = re.search(r'value="http://pantau\.test/wall/([^"]+)"', response.get_data(as_text=True))
    assert match, "the new token's URL is shown once"
    return match.group(1)


@pytest.mark.parametrize("username", ["mro", "exec_prov", "officer_a", "validator_prov"])
def test_the_tokens_page_is_for_admins_only(
    places_sqlite: Places, sqlite_app: Flask, username: str
) -> None:
    client = client_as(sqlite_app, username)
    assert client.get("/board/tokens").status_code == 404
    response = client.post("/board/tokens", data={"action": "issue", "label": "x"})
    assert response.status_code == 404
    with sqlite_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WallToken)) == 0


def test_a_wall_token_opens_a_kiosk_board_and_is_stored_only_as_a_hash(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    token = issue(client_as(sqlite_app, "admin"))
    with sqlite_app.app_context():
        stored = db.session.scalars(select(WallToken.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    kiosk = sqlite_app.test_client()  # no log-in
    page = kiosk.get(f"/wall/{token}")
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    html = page.get_data(as_text=True)
    assert '"wall": "' + token in html.replace("&#34;", '"') or token in html
    assert "hx-headers" not in html  # read-only: no CSRF token, no actions
    snap = snapshot_of(kiosk, f"?wall={token}")
    assert ids(snap) == {
        places_sqlite.utan_kayu,
        places_sqlite.palmeriam,
        places_sqlite.senayan,
        places_sqlite.pungli,
    }
    # The token page never shows the token again.
    listing = client_as(sqlite_app, "admin").get("/board/tokens").get_data(as_text=True)
    assert token not in listing and "Ruang MRO layar 1" in listing


def test_a_kota_wall_token_shows_only_that_kota(places_sqlite: Places, sqlite_app: Flask) -> None:
    token = issue(client_as(sqlite_app, "admin"), kota_id=str(places_sqlite.town["JKT-SEL"]))
    snap = snapshot_of(sqlite_app.test_client(), f"?wall={token}")
    assert ids(snap) == {places_sqlite.senayan}


def test_a_revoked_wall_token_gives_404_everywhere(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    admin = client_as(sqlite_app, "admin")
    token = issue(admin)
    with sqlite_app.app_context():
        token_id = db.session.scalar(select(WallToken.id))
    response = admin.post("/board/tokens", data={"action": "revoke", "token_id": str(token_id)})
    assert response.status_code == 200
    assert "Dicabut" in response.get_data(as_text=True)
    kiosk = sqlite_app.test_client()
    assert kiosk.get(f"/wall/{token}").status_code == 404
    assert kiosk.get(f"/board/snapshot.json?wall={token}").status_code == 404
    assert kiosk.get("/wall/pw_never-issued").status_code == 404


def test_a_token_needs_a_label_and_a_real_kota(places_sqlite: Places, sqlite_app: Flask) -> None:
    admin = client_as(sqlite_app, "admin")
    response = admin.post("/board/tokens", data={"action": "issue", "label": "  ", "kota_id": ""})
    assert response.status_code == 422
    response = admin.post(
        "/board/tokens",
        data={
            "action": "issue",
            "label": "Layar",
            "kota_id": str(places_sqlite.town["KEC-MATRAMAN"]),
        },
    )
    assert response.status_code == 422
    with sqlite_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WallToken)) == 0


# --- the workstation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"), [("mro", 200), ("admin", 200), ("exec_prov", 404), ("officer_a", 404)]
)
def test_the_workstation_is_for_mro_and_admin(
    places_sqlite: Places, sqlite_app: Flask, username: str, status: int
) -> None:
    response = client_as(sqlite_app, username).get("/board/workstation")
    assert response.status_code == status
    if status == 200:
        html = response.get_data(as_text=True)
        assert '"mode": "workstation"' in html.replace("&#34;", '"')
        assert 'id="alerts"' in html and "htmx.min.js" in html and "X-CSRFToken" in html


def _history(app: Flask, ticket_id: int) -> list[TicketEventRow]:
    with app.app_context():
        rows = db.session.scalars(
            select(TicketEventRow)
            .where(TicketEventRow.ticket_id == ticket_id)
            .order_by(TicketEventRow.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


@pytest.mark.parametrize("kind", ["warning", "acknowledge", "note"])
def test_a_workstation_action_goes_through_the_service_and_writes_history(
    places: Places, app: Flask, kind: str
) -> None:
    mro = client_as(app, "mro")
    before = snapshot_of(mro)
    response = mro.post(
        f"/tickets/{places.utan_kayu}/note",
        data={"kind": kind, "text": "Mohon segera ditindaklanjuti."},
        headers=HTMX,
    )
    assert response.status_code == 200
    last = _history(app, places.utan_kayu)[-1]
    assert last.kind == "note" and last.data == {"note_kind": kind}
    assert last.actor_label == "Mro"
    after = snapshot_of(mro)
    assert after["seq"] == last.id > before["seq"]
    row = next(t for t in after["tickets"] if t["id"] == places.utan_kayu)
    assert (row["escalation_ack_at"] is not None) is (kind == "acknowledge")
    label = {
        "warning": "Teguran MRO ke unit",
        "acknowledge": "Eskalasi ditangani MRO",
        "note": "Catatan",
    }
    assert after["ticker"][0]["label"] == label[kind]


def test_a_warning_without_text_is_refused_into_the_alert_slot(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    response = client_as(sqlite_app, "mro").post(
        f"/tickets/{places_sqlite.utan_kayu}/note",
        data={"kind": "warning", "text": ""},
        headers=HTMX,
    )
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#alerts"
    assert len(_history(sqlite_app, places_sqlite.utan_kayu)) == 1


def test_a_snapshot_needs_only_one_pooled_connection(tmp_path) -> None:
    """The request's own connection goes back before the snapshot takes one: with a pool
    of one, a snapshot request must not wait on itself (it did: HTTP 500 after a stampede)."""
    from tests.conftest import make_app
    from tests.factories import PASSWORD, build_world

    options = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 2}
    answers: list = []
    gen = make_app("sqlite", tmp_path, {"SQLALCHEMY_ENGINE_OPTIONS": options})
    app = next(gen)
    try:
        with app.app_context():
            build_world(T0)
        client = app.test_client()
        client.post("/login", data={"username": "mro", "password": PASSWORD})
        # Bounded: without the fix the request waits on itself, and the suite must fail, not hang.
        worker = threading.Thread(
            target=lambda: answers.append(client.get("/board/snapshot.json")), daemon=True
        )
        worker.start()
        worker.join(15)
        assert answers, "the snapshot request is stuck waiting for a second pooled connection"
        assert answers[0].status_code == 200 and "tickets" in answers[0].get_json()
    finally:
        if answers:
            gen.close()


def test_the_board_ships_its_own_rules_and_the_history_words_for_marks(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    html = client_as(sqlite_app, "mro").get("/board").get_data(as_text=True)
    config = json.loads(re.search(r"data-config='([^']+)'", html).group(1).replace("&#39;", "'"))
    assert config["chronicMs"] == CHRONIC_AFTER.total_seconds() * 1000 == 30 * 86400 * 1000
    assert config["newMs"] > 0 and config["newMax"] >= 1
    assert config["touch"] == {
        "warning": {"label": "Teguran ke unit", "glyph": "!"},
        "acknowledge": {"label": "Eskalasi diterima", "glyph": "✓"},
    }
    # Two lists, a chronic tile that opens the workstation's chronic list.
    assert 'id="board-segera"' in html and 'id="board-late"' in html
    assert 'href="/board/workstation?keadaan=chronic"' in html
    assert "Kronis &gt; 30 hari" in html


def test_an_executive_board_has_the_chronic_tile_without_a_link(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    html = client_as(sqlite_app, "exec_prov").get("/board").get_data(as_text=True)
    assert 'data-counter="chronic"' in html
    assert "/board/workstation" not in html


def test_the_workstation_has_filters_for_every_row(
    places_sqlite: Places, sqlite_app: Flask
) -> None:
    html = client_as(sqlite_app, "mro").get("/board/workstation").get_data(as_text=True)
    for name in ("keadaan", "kota", "unit", "kategori", "status", "urut", "semua"):
        assert f'name="{name}"' in html
    assert "Tampilkan semua" in html
    assert 'src="/static/desk.js"' in html
    assert 'id="board-segera"' not in html  # the desk lists every row instead
