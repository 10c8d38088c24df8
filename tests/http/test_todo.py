"""Perlu tindakan: an officer's open tickets, the deadline that applies now first, with
chips that follow the clock; only their own unit's tickets; and the disposition picker
grouped by kind with the category's usual units first."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from flask import Flask
from sqlalchemy import update

from dashboard.extensions import db
from dashboard.models import Ticket
from dashboard.services import accounts
from dashboard.services import workflow as svc
from tests.conftest import T0
from tests.factories import PASSWORD, later, new_ticket
from tests.http.helpers import (
    AT_PALMERIAM,
    AT_SENAYAN,
    HTMX,
    actor,
    add_ticket,
    client_as,
    complete_ticket,
    make_town,
)

_ids = iter(range(1, 10_000))


def ticket_at(app: Flask, when: datetime, **overrides: object) -> int:
    overrides.setdefault("external_id", f"TODO-{next(_ids):05d}")
    with app.app_context():
        return new_ticket(when, **overrides)


def rows(html: str) -> list[tuple[int, str, list[str]]]:
    """(ticket id, countdown text, chips) of each row, top to bottom."""
    out = []
    for chunk in html.split('<tr class="todo-row')[1:]:
        tid = int(re.search(r'data-ticket="(\d+)"', chunk).group(1))
        countdown = re.search(r'class="countdown[^"]*"[^>]*>([^<]*)<', chunk).group(1)
        chips = re.findall(r'<span class="chip chip--(\w+)">', chunk)
        out.append((tid, countdown, chips))
    return out


def todo_as(app: Flask, username: str, when: datetime, query: str = "") -> str:
    with time_machine.travel(when, tick=False):
        response = client_as(app, username).get(f"/tickets/tindakan{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_list_runs_next_deadline_first_and_its_chips_follow_the_clock(
    sqlite_app: Flask,
) -> None:
    app = sqlite_app
    make_town(app)
    # Utan Kayu Utara (officer_a): sampah has a 6 h response and a 7-day completion.
    first = ticket_at(app, T0, category="sampah")  # response due T0 + 6 h
    second = ticket_at(app, later(T0, hours=1), category="sampah")  # T0 + 7 h
    started = ticket_at(app, T0, category="sampah")  # responded: completion T0 + 7 d
    done = ticket_at(app, T0, category="sampah")  # completed: the validator's turn
    elsewhere = ticket_at(app, T0, category="sampah", **AT_PALMERIAM)
    with app.app_context():
        svc.start_work(
            started, actor=actor(app, "officer_a"), now=later(T0, hours=1), publish=svc.no_publish
        )
    complete_ticket(app, done)

    html = todo_as(app, "officer_a", later(T0, hours=2))
    assert [(t, chips) for t, _c, chips in rows(html)] == [
        (first, ["new"]),
        (second, ["new"]),
        (started, []),
    ]
    assert [c for _t, c, _chips in rows(html)][:2] == ["4 jam lagi", "5 jam lagi"]
    assert done not in {t for t, *_ in rows(html)} and elsewhere not in {t for t, *_ in rows(html)}
    assert "Batas respons" in html and "Batas selesai" in html

    # 6 h 30 min: the first ticket's response is late; the second still has 30 minutes.
    html = todo_as(app, "officer_a", later(T0, hours=6, minutes=30))
    assert rows(html)[:2] == [
        (first, "lewat 30 menit", ["late_response"]),
        (second, "30 menit lagi", ["new"]),
    ]
    assert 'class="countdown countdown--late"' in html

    # Eight days on every completion deadline has passed.
    html = todo_as(app, "officer_a", later(T0, days=8))
    assert [(t, chips) for t, _c, chips in rows(html)] == [
        (first, ["late_response", "overdue"]),
        (second, ["late_response", "overdue"]),
        (started, ["overdue"]),
    ]
    assert rows(html)[2][1] == "lewat 1 hari"
    # The chip filter keeps the order and counts every chip.
    html = todo_as(app, "officer_a", later(T0, days=8), "?chip=late_response")
    assert [t for t, *_ in rows(html)] == [first, second]
    assert "lewat tenggat <b>3</b>" in html


def test_a_reopened_ticket_works_to_its_redo_deadline(sqlite_app: Flask) -> None:
    app = sqlite_app
    make_town(app)
    tid = add_ticket(app)
    complete_ticket(app, tid)
    with app.app_context():
        svc.reopen(
            tid,
            reason="Belum tuntas.",
            actor=actor(app, "validator_tim"),
            now=later(T0, hours=4),
            publish=svc.no_publish,
        )
    html = todo_as(app, "officer_a", later(T0, hours=5))
    assert rows(html) == [(tid, "2 hari 23 jam lagi", ["reopened"])]
    assert "Batas pengerjaan ulang" in html


def test_the_list_holds_only_the_officers_own_units_tickets(app: Flask) -> None:
    town = make_town(app)
    mine = add_ticket(app)  # Utan Kayu Utara
    theirs = add_ticket(app, **AT_SENAYAN)  # Senayan (officer_c)
    html = todo_as(app, "officer_b", later(T0, hours=1))  # Palmeriam: nothing open
    assert rows(html) == []
    assert "Tidak ada yang perlu ditindaklanjuti" in html
    html = todo_as(app, "officer_c", later(T0, hours=1))
    assert [t for t, *_ in rows(html)] == [theirs]
    # Another unit's ticket does not open by its id, nor leak through the htmx partial.
    client = client_as(app, "officer_c")
    assert client.get(f"/tickets/{mine}").status_code == 404
    assert f'data-ticket="{mine}"' not in client.get("/tickets/tindakan", headers=HTMX).get_data(
        as_text=True
    )
    # A supporting unit sees the ticket, marked as such.
    with app.app_context():
        svc.coordinate(
            mine,
            unit_ids=[town["DINAS-BINA-MARGA"]],
            note="Mohon bantuan alat berat.",
            actor=actor(app, "officer_a"),
            now=later(T0, hours=1),
            publish=svc.no_publish,
        )
    html = todo_as(app, "officer_bm", later(T0, hours=2))
    assert [t for t, *_ in rows(html)] == [mine]
    assert "unit pendukung" in html


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("exec_tim", "/kpi/"),
        ("validator_tim", "/validation"),
        ("mro", "/board"),
        ("admin", "/tickets"),
    ],
)
def test_other_roles_are_sent_to_their_own_landing(
    sqlite_app: Flask, username: str, landing: str
) -> None:
    make_town(sqlite_app)
    add_ticket(sqlite_app)
    response = client_as(sqlite_app, username).get("/tickets/tindakan")
    assert response.status_code == 302
    assert response.location == landing


def test_the_worklist_keeps_every_ticket_one_tab_away(sqlite_app: Flask) -> None:
    make_town(sqlite_app)
    tid = add_ticket(sqlite_app)
    complete_ticket(sqlite_app, tid)  # awaiting validation: not on Perlu tindakan
    client = client_as(sqlite_app, "officer_a")
    todo = client.get("/tickets/tindakan").get_data(as_text=True)
    assert 'href="/tickets">Semua tiket</a>' in todo
    assert f'data-ticket="{tid}"' not in todo
    everything = client.get("/tickets").get_data(as_text=True)
    assert f'href="/tickets/{tid}"' in everything
    assert 'aria-current="page">Semua tiket</a>' in everything


def optgroups(html: str, select_id: str) -> list[tuple[str, list[str]]]:
    body = re.search(rf'<select id="{select_id}".*?</select>', html, re.S).group(0)
    found = re.findall(r'<optgroup label="([^"]+)"[^>]*>(.*?)</optgroup>', body, re.S)
    return [
        (label, re.findall(r'<option value="\d+">([^<]+)</option>', inner))
        for label, inner in found
    ]


def test_the_picker_groups_units_by_kind_with_the_categorys_usual_units_first(
    sqlite_app: Flask,
) -> None:
    app = sqlite_app
    make_town(app)
    now = later(T0, days=100)
    tid = ticket_at(app, now)  # jalan-rusak in Utan Kayu Utara; its agency is Bina Marga
    for days in (10, 20):  # Palmeriam received jalan-rusak twice lately
        ticket_at(app, later(now, days=-days), **AT_PALMERIAM)
    ticket_at(app, later(now, days=-95), **AT_SENAYAN)  # too long ago to count
    ticket_at(app, later(now, days=-5), category="sampah", **AT_SENAYAN)  # another category
    with time_machine.travel(later(now, hours=1), tick=False):
        html = client_as(app, "officer_a").get(f"/tickets/{tid}").get_data(as_text=True)
    groups = optgroups(html, "disposisi-unit")
    assert [label for label, _ in groups] == [
        "Biasa menangani kategori ini",
        "Kelurahan",
        "Kecamatan",
        "Kota/Kabupaten Administrasi",
        "Dinas/Badan provinsi",
    ]
    assert groups[0][1] == ["Dinas Bina Marga", "Kelurahan Palmeriam"]
    # Every handling unit but the lead; no validator body, not the province.
    assert groups[1][1] == ["Kelurahan Palmeriam", "Kelurahan Senayan"]
    assert groups[4][1] == ["Dinas Bina Marga", "Inspektorat Provinsi"]
    assert "Biro Pemerintahan" not in html.split('id="disposisi-unit"')[1].split("</select>")[0]
    # The coordination picker has the same groups, as a multiple choice.
    assert optgroups(html, "koordinasi-unit") == groups
    # Labelled controls: the select and the search box each have their label.
    assert '<label for="disposisi-unit">Unit tujuan</label>' in html
    assert 'for="disposisi-unit-cari"' in html and 'aria-controls="disposisi-unit"' in html


def test_a_unit_listed_twice_in_the_picker_is_asked_to_coordinate_once(sqlite_app: Flask) -> None:
    app = sqlite_app
    town = make_town(app)
    tid = add_ticket(app)
    bm = town["DINAS-BINA-MARGA"]
    client = client_as(app, "officer_a")
    response = client.post(
        f"/tickets/{tid}/coordinate",
        data={"unit_ids": [str(bm), str(bm)], "note": "Mohon bantuan."},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = client_as(app, "officer_bm").get("/tickets/tindakan").get_data(as_text=True)
    assert [t for t, *_ in rows(html)] == [tid]


def test_a_level_2_escalation_puts_the_ticket_on_the_named_units_list_only(
    sqlite_app: Flask,
) -> None:
    app = sqlite_app
    town = make_town(app)
    escalated = add_ticket(app)  # Utan Kayu Utara, in Kecamatan Matraman
    add_ticket(app, **AT_PALMERIAM)  # also in Matraman, not escalated
    add_ticket(app, **AT_SENAYAN)  # another kecamatan
    with app.app_context():
        accounts.create_user(
            username="camat_matraman",
            password=PASSWORD,
            display_name="Camat Matraman",
            role="officer",
            unit_code="KEC-MATRAMAN",
            now=T0,
        )
        db.session.execute(
            update(Ticket)
            .where(Ticket.id == escalated)
            .values(escalated_unit_id=town["KEC-MATRAMAN"])
        )
        db.session.commit()
    html = todo_as(app, "camat_matraman", later(T0, days=2))
    assert [t for t, *_ in rows(html)] == [escalated]
    assert "eskalasi ke unit Anda" in html
