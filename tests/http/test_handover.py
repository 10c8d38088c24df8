"""The shift handover over HTTP: a shift's report after the clock moved on (an
arrival, a late one, a warning and what the unit did, a note), acceptance by the
next MRO, the rules around it, who may open it, and bad addresses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from flask import Flask
from sqlalchemy import func, select

from dashboard import create_app
from dashboard.domain.handover import ShiftConfigError
from dashboard.extensions import db
from dashboard.models import HandoverAck, HandoverNote, Ticket
from dashboard.services import accounts, escalation
from dashboard.services import workflow as svc
from tests.conftest import T0, _config
from tests.factories import PASSWORD, later, new_ticket
from tests.http.helpers import AT_SENAYAN, actor, add_ticket, client_as, make_town, tracking_of

# T0 is Monday 2 November 2026, 08:00 WIB: shift 1 (07.00–15.00).
SHIFT1 = "/serah-terima/2026-11-02/1"
AFTER = later(T0, hours=8)  # 16:00 WIB, shift 2 is running


@dataclass
class Story:
    app: Flask
    late: int  # arrived 08:00, response deadline 14:00 missed, warned 14:30, worked 15:05
    quiet: int  # arrived 08:00 in Jakarta Selatan, never touched: owed at the end
    old: int  # arrived the evening before: not an arrival of shift 1


def _story(app: Flask) -> Story:
    make_town(app)
    with app.app_context():
        accounts.create_user(
            username="mro_b", password=PASSWORD, display_name="Mro B", role="mro", now=T0
        )
    with app.app_context():  # 19:00 WIB the day before, responded to at once
        old = new_ticket(
            later(T0, hours=-13), external_id="OLD-1", reported_at="2026-11-01T19:00:00+07:00"
        )
        svc.start_work(
            old, actor=actor(app, "officer_a"), now=later(T0, hours=-12), publish=svc.no_publish
        )
    late = add_ticket(app)
    quiet = add_ticket(app, **AT_SENAYAN)
    with app.app_context():
        due = db.session.scalar(select(Ticket.response_due_at).where(Ticket.id == late))
        assert due == later(T0, hours=6)  # 14:00 WIB, inside shift 1
        escalation.sweep(now=later(T0, hours=6, minutes=1), publish=svc.no_publish)
        svc.add_note(
            late,
            text="Segera tangani, sudah lewat 6 jam.",
            kind="warning",
            actor=actor(app, "mro"),
            now=later(T0, hours=6, minutes=30),
            publish=svc.no_publish,
        )
        svc.start_work(
            late,
            actor=actor(app, "officer_a"),
            now=later(T0, hours=7, minutes=5),
            publish=svc.no_publish,
        )
    with time_machine.travel(later(T0, hours=6, minutes=45), tick=False):
        client = client_as(app, "mro")
        response = client.post(
            SHIFT1 + "/catatan", data={"catatan": "Pantau Senayan, belum disentuh."}
        )
        assert response.status_code == 302
    return Story(app, late, quiet, old)


@pytest.fixture
def story(sqlite_app: Flask) -> Story:
    return _story(sqlite_app)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(AFTER, tick=False):
        yield


def _page(app: Flask, user: str, path: str = SHIFT1) -> str:
    response = client_as(app, user).get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("<section", start)
    return html[start : end if end > 0 else None]


def test_the_report_shows_what_came_in_during_the_shift(story: Story) -> None:
    html = _section(_page(story.app, "mro_b"), "h-masuk")
    assert "3 laporan" not in html and "2 laporan" in html
    assert tracking_of(story.app, story.late) in html
    assert tracking_of(story.app, story.quiet) in html
    assert tracking_of(story.app, story.old) not in html
    assert "Jakarta Timur" in html and "Jakarta Selatan" in html


def test_the_report_shows_the_deadline_that_fell_in_the_shift(story: Story) -> None:
    html = _section(_page(story.app, "mro_b"), "h-terlambat")
    assert "Respons terlambat: <strong>2</strong>" in html  # both 08:00 arrivals, due 14:00
    assert "14:00" in html
    assert "✓ sudah" in html  # the warned one was worked at 15:05
    assert "✗ belum" in html  # the quiet one was not


def test_the_report_shows_the_warning_and_that_the_unit_acted_after_it(story: Story) -> None:
    html = _section(_page(story.app, "mro_b"), "h-teguran")
    assert tracking_of(story.app, story.late) in html
    assert "Ditindaklanjuti unit: <strong>1</strong>" in html
    assert "Mulai dikerjakan" in html and "15:05" in html


def test_the_report_reads_the_same_on_each_engine(app: Flask) -> None:
    """The JSON note kind, the windows and the owed rule on SQLite and PostgreSQL."""
    story = _story(app)
    html = _page(story.app, "mro_b")
    assert "2 laporan" in _section(html, "h-masuk")
    assert "Respons terlambat: <strong>2</strong>" in _section(html, "h-terlambat")
    assert "Ditindaklanjuti unit: <strong>1</strong>" in _section(html, "h-teguran")
    assert "Lewat batas respons: <strong>2</strong>" in _section(html, "h-terutang")


def test_a_warning_nobody_answered_shows_no_action(story: Story) -> None:
    with story.app.app_context():
        svc.add_note(
            story.quiet,
            text="Mohon ditindaklanjuti.",
            kind="warning",
            actor=actor(story.app, "mro"),
            now=later(T0, hours=6, minutes=50),
            publish=svc.no_publish,
        )
    html = _section(_page(story.app, "mro_b"), "h-teguran")
    assert "Belum ada tindakan: <strong>1</strong>" in html


def test_what_is_owed_at_the_end_of_the_shift(story: Story) -> None:
    html = _section(_page(story.app, "mro_b"), "h-terutang")
    assert "Lewat batas respons: <strong>2</strong>" in html  # at 15:00 neither had responded
    assert tracking_of(story.app, story.quiet) in html
    assert "di akhir shift" in html


def test_the_note_is_shown_with_its_author(story: Story) -> None:
    html = _section(_page(story.app, "mro_b"), "h-catatan")
    assert "Pantau Senayan, belum disentuh." in html and "Mro" in html


def test_the_next_mro_acknowledges_and_it_shows_as_accepted(story: Story) -> None:
    client = client_as(story.app, "mro_b")
    assert "Belum diterima" in client.get(SHIFT1).get_data(as_text=True)
    assert client.post(SHIFT1 + "/terima").status_code == 302
    assert client.post(SHIFT1 + "/terima").status_code == 302  # twice: harmless
    html = client.get(SHIFT1).get_data(as_text=True)
    assert "Diterima oleh <strong>Mro B</strong>" in html
    assert "Anda sudah menerima" in html
    with story.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HandoverAck)) == 1


def test_the_outgoing_mro_cannot_accept_their_own_handover(story: Story) -> None:
    client = client_as(story.app, "mro")
    assert "Terima serah terima" not in client.get(SHIFT1).get_data(as_text=True)
    response = client.post(SHIFT1 + "/terima", follow_redirects=True)
    assert "Anda bertugas di shift ini" in response.get_data(as_text=True)
    with story.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HandoverAck)) == 0


def test_an_mro_who_acted_on_tickets_in_the_shift_cannot_accept_it(story: Story) -> None:
    with story.app.app_context():
        svc.add_note(
            story.quiet,
            text="Dipantau.",
            kind="note",
            actor=actor(story.app, "mro_b"),
            now=later(T0, hours=3),
            publish=svc.no_publish,
        )
    client = client_as(story.app, "mro_b")
    assert "Terima serah terima" not in client.get(SHIFT1).get_data(as_text=True)
    client.post(SHIFT1 + "/terima")
    with story.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HandoverAck)) == 0


def test_an_accepted_handover_takes_no_more_notes(story: Story) -> None:
    client_as(story.app, "mro_b").post(SHIFT1 + "/terima")
    response = client_as(story.app, "mro").post(
        SHIFT1 + "/catatan", data={"catatan": "Lupa satu hal."}, follow_redirects=True
    )
    assert "sudah diterima" in response.get_data(as_text=True)
    with story.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HandoverNote)) == 1


def test_the_running_shift_cannot_be_accepted_before_its_last_half_hour(story: Story) -> None:
    running = "/serah-terima/2026-11-02/2"
    html = _page(story.app, "mro_b", running)
    assert "Berjalan" in html and "Terima serah terima" not in html
    client_as(story.app, "mro_b").post(running + "/terima")
    with story.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HandoverAck)) == 0


def test_an_empty_note_is_refused(story: Story) -> None:
    client_as(story.app, "mro_b").post(SHIFT1 + "/catatan", data={"catatan": "   "})
    with story.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HandoverNote)) == 1


@pytest.mark.parametrize("user", ["officer_a", "validator_prov", "validator_tim"])
def test_officers_and_validators_get_403(story: Story, user: str) -> None:
    client = client_as(story.app, user)
    assert client.get(SHIFT1).status_code == 403
    assert client.get("/serah-terima/").status_code == 403
    assert client.post(SHIFT1 + "/terima").status_code == 403
    assert client.post(SHIFT1 + "/catatan", data={"catatan": "x"}).status_code == 403


def test_executives_read_without_forms(story: Story) -> None:
    client = client_as(story.app, "exec_prov")
    html = client.get(SHIFT1).get_data(as_text=True)
    assert tracking_of(story.app, story.late) in html
    assert "Simpan catatan" not in html and "Terima serah terima" not in html
    assert client.post(SHIFT1 + "/terima").status_code == 403


def test_a_walikota_reads_their_own_kota(story: Story) -> None:
    html = _page(story.app, "exec_tim")
    assert tracking_of(story.app, story.late) in html
    assert tracking_of(story.app, story.quiet) not in html  # Jakarta Selatan


def test_kota_narrowing(story: Story) -> None:
    html = _page(story.app, "mro_b", SHIFT1 + "?kota=JKT-SEL")
    assert tracking_of(story.app, story.quiet) in html
    assert tracking_of(story.app, story.late) not in html


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/serah-terima/2026-13-02/1", 400, "tidak valid"),
        ("/serah-terima/kemarin/1", 400, "tidak valid"),
        ("/serah-terima/2026-11-02/4", 404, "1 sampai 3"),
        ("/serah-terima/2026-11-03/1", 404, "belum dimulai"),
        (SHIFT1 + "?kota=XXX", 404, "tidak dikenal"),
        ("/serah-terima/?tanggal=2026-11-02&shift=dua", 400, "Pilih tanggal"),
    ],
)
def test_bad_addresses_get_a_clear_answer(story: Story, path: str, status: int, says: str) -> None:
    response = client_as(story.app, "mro_b").get(path)
    assert response.status_code == status
    assert says in response.get_data(as_text=True)


def test_the_picker_and_the_neighbours(story: Story) -> None:
    client = client_as(story.app, "mro_b")
    picked = client.get("/serah-terima/?tanggal=2026-11-02&shift=1")
    assert picked.status_code == 302 and picked.headers["Location"].endswith(SHIFT1)
    html = client.get(SHIFT1).get_data(as_text=True)
    assert 'href="/serah-terima/2026-11-01/3"' in html  # the night before
    assert 'href="/serah-terima/2026-11-02/2"' in html
    current = client.get("/serah-terima/").get_data(as_text=True)
    assert "Shift 2 (15.00–23.00)" in current and "Berjalan" in current
    assert "Shift berikutnya" not in current  # the future has no report


def test_a_bad_shift_config_stops_the_app_with_the_reason(tmp_path: object) -> None:
    with pytest.raises(ShiftConfigError, match="PANTAU_SHIFTS"):
        create_app({**_config(f"sqlite:///{tmp_path}/x.sqlite"), "SHIFTS": "07:00,25:00"})
