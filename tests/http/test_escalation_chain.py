"""The people a level-2 escalation names can act: the camat above a kelurahan,
the walikota's office above a kecamatan. They open the ticket, see it on their
board and get its live pushes, and may warn, note and dispose — nothing more,
and nothing outside what an escalation gave them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from dashboard.domain import events as ev
from dashboard.domain.workflow import Actor
from dashboard.extensions import db
from dashboard.live.publisher import rooms_for, rooms_left
from dashboard.models import Ticket, TicketEventRow
from dashboard.services import accounts, escalation
from dashboard.services import workflow as svc
from tests.conftest import T0
from tests.factories import PASSWORD, later
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
)

NOW = later(T0, hours=49)  # past the 48 h level-2 threshold of tickets received at T0


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class Chain:
    town: Town
    utan_kayu: int  # kelurahan ticket in Matraman, escalated to level 2
    palmeriam: int  # kelurahan ticket in Matraman, worked in time: never escalated
    senayan: int  # kelurahan ticket in Kebayoran Baru, escalated to its kecamatan
    pungli: int  # agency ticket (Inspektorat), escalated to level 2: the agency itself


def _officer(app: Flask, username: str, unit_code: str) -> None:
    with app.app_context():
        accounts.create_user(
            username=username,
            password=PASSWORD,
            display_name=username,
            role="officer",
            unit_code=unit_code,
            now=T0,
        )


def seed(app: Flask) -> Chain:
    with time_machine.travel(T0, tick=False):
        town = make_town(app)
        chain = Chain(
            town=town,
            utan_kayu=add_ticket(app, **AT_UTAN_KAYU),
            palmeriam=add_ticket(app, **AT_PALMERIAM),
            senayan=add_ticket(app, **AT_SENAYAN),
            pungli=add_ticket(app, category="pungutan-liar", **AT_UTAN_KAYU),
        )
        _officer(app, "camat_matraman", "KEC-MATRAMAN")
        _officer(app, "camat_kebayoran", "KEC-KEBAYORAN-BARU")
        _officer(app, "walikota_tim", "JKT-TIM")
    with app.app_context(), time_machine.travel(later(T0, hours=1), tick=False):
        svc.start_work(
            chain.palmeriam,
            actor=actor(app, "officer_b"),
            now=later(T0, hours=1),
            publish=svc.no_publish,
        )
    with app.app_context():
        escalation.sweep(now=NOW, publish=svc.no_publish)
    return chain


@pytest.fixture
def chain(app: Flask) -> Chain:
    return seed(app)


def _ticket(app: Flask, ticket_id: int) -> Ticket:
    with app.app_context():
        t = db.session.get(Ticket, ticket_id)
        assert t is not None
        db.session.expunge(t)
        return t


def test_level2_names_the_kecamatan_and_stores_it(app: Flask, chain: Chain) -> None:
    assert _ticket(app, chain.utan_kayu).escalated_unit_id == chain.town["KEC-MATRAMAN"]
    assert _ticket(app, chain.senayan).escalated_unit_id == chain.town["KEC-KEBAYORAN-BARU"]
    assert _ticket(app, chain.palmeriam).escalated_unit_id is None  # worked in time
    # An agency's level 2 goes to the agency itself: nobody new is named.
    pungli = _ticket(app, chain.pungli)
    assert pungli.escalation_level == 2 and pungli.escalated_unit_id is None


def test_the_camat_opens_the_escalated_ticket_and_nothing_else(app: Flask, chain: Chain) -> None:
    camat = client_as(app, "camat_matraman")
    assert camat.get(f"/tickets/{chain.utan_kayu}").status_code == 200
    # Not a kelurahan of another kecamatan, not a non-escalated ticket of its own
    # kelurahan, not an agency ticket in its area.
    for other in (chain.senayan, chain.palmeriam, chain.pungli):
        assert camat.get(f"/tickets/{other}").status_code == 404
    other_camat = client_as(app, "camat_kebayoran")
    assert other_camat.get(f"/tickets/{chain.senayan}").status_code == 200
    assert other_camat.get(f"/tickets/{chain.utan_kayu}").status_code == 404
    # The kota's office is not named by a kelurahan's level 2.
    assert client_as(app, "walikota_tim").get(f"/tickets/{chain.utan_kayu}").status_code == 404


def test_the_escalated_ticket_is_on_the_camats_board_and_worklist(app: Flask, chain: Chain) -> None:
    camat = client_as(app, "camat_matraman")
    board = camat.get("/board/snapshot.json")
    assert board.status_code == 200
    assert {t["id"] for t in board.get_json()["tickets"]} == {chain.utan_kayu}
    worklist = camat.get("/tickets").get_data(as_text=True)
    tracking = _ticket(app, chain.utan_kayu).tracking
    assert tracking in worklist
    assert _ticket(app, chain.senayan).tracking not in worklist


def test_the_camat_may_warn_note_and_dispose_but_not_work_the_ticket(
    app: Flask, chain: Chain
) -> None:
    camat = client_as(app, "camat_matraman")
    page = camat.get(f"/tickets/{chain.utan_kayu}").get_data(as_text=True)
    assert 'value="warning"' in page and 'value="acknowledge"' not in page
    assert "Disposisi ke unit lain" in page and "Mulai kerjakan" not in page

    base = f"/tickets/{chain.utan_kayu}"
    refused = camat.post(f"{base}/start", data={"note": ""}, headers=HTMX)
    assert refused.status_code == 403
    refused = camat.post(f"{base}/note", data={"kind": "acknowledge", "text": "x"}, headers=HTMX)
    assert refused.status_code == 403
    assert _ticket(app, chain.utan_kayu).status == "waiting"
    # A note of a kind that does not exist is refused by name, and nothing is stored.
    before = _ticket(app, chain.utan_kayu).version
    refused = camat.post(f"{base}/note", data={"kind": "perintah", "text": "x"}, headers=HTMX)
    assert refused.status_code in (400, 422)
    assert "jenis catatan" in refused.get_data(as_text=True)
    assert _ticket(app, chain.utan_kayu).version == before
    r = camat.post(f"{base}/note", data={"kind": "warning", "text": "Segera tindak lanjuti."})
    assert r.status_code in (200, 302), r.get_data(as_text=True)[:300]
    r = camat.post(f"{base}/note", data={"kind": "note", "text": "Sudah saya telepon lurah."})
    assert r.status_code in (200, 302)
    with app.app_context():
        kinds = [
            d.get("note_kind")
            for d in db.session.scalars(
                select(TicketEventRow.data).where(
                    TicketEventRow.ticket_id == chain.utan_kayu, TicketEventRow.kind == "note"
                )
            )
        ]
    assert kinds == ["warning", "note"]
    # Notes do not stop the kelurahan's unworked clock: still unworked, still escalated.
    t = _ticket(app, chain.utan_kayu)
    assert t.clock_stopped_at is None and t.escalated_unit_id == chain.town["KEC-MATRAMAN"]

    r = camat.post(
        f"{base}/dispose",
        data={"unit_id": chain.town["DINAS-BINA-MARGA"], "reason": "Jalan provinsi."},
    )
    assert r.status_code in (200, 204, 302), r.get_data(as_text=True)[:300]
    t = _ticket(app, chain.utan_kayu)
    assert t.assigned_unit_id == chain.town["DINAS-BINA-MARGA"]
    assert t.escalated_unit_id is None  # a new clock: the escalation belonged to the old one
    assert camat.get(base).status_code == 404


def test_the_camat_cannot_act_on_a_ticket_of_another_kecamatan(app: Flask, chain: Chain) -> None:
    camat = client_as(app, "camat_matraman")
    before = _ticket(app, chain.senayan)
    r = camat.post(
        f"/tickets/{chain.senayan}/dispose",
        data={"unit_id": chain.town["DINAS-BINA-MARGA"], "reason": "coba"},
    )
    assert r.status_code == 404
    r = camat.post(f"/tickets/{chain.palmeriam}/note", data={"kind": "warning", "text": "coba"})
    assert r.status_code == 404
    assert _ticket(app, chain.senayan).version == before.version


def test_a_kecamatan_tickets_level2_goes_to_the_walikota_office(app: Flask, chain: Chain) -> None:
    # Matraman's own ticket: the MRO routes Palmeriam's report to the kecamatan.
    mro = actor(app, "mro")
    with app.app_context():
        svc.dispose(
            chain.palmeriam,
            to_unit_id=chain.town["KEC-MATRAMAN"],
            reason="Urusan kecamatan.",
            actor=mro,
            now=NOW,
            publish=svc.no_publish,
        )
    two_days = later(NOW, hours=48)
    with app.app_context():
        escalation.sweep(now=two_days, publish=svc.no_publish)
    assert _ticket(app, chain.palmeriam).escalated_unit_id == chain.town["JKT-TIM"]
    with time_machine.travel(two_days, tick=False):
        office = client_as(app, "walikota_tim")
        assert office.get(f"/tickets/{chain.palmeriam}").status_code == 200
        assert office.get(f"/tickets/{chain.senayan}").status_code == 404
        ids = {t["id"] for t in office.get("/board/snapshot.json").get_json()["tickets"]}
        assert chain.palmeriam in ids and chain.senayan not in ids


def test_live_pushes_reach_the_escalated_units_room_and_leave_it(app: Flask, chain: Chain) -> None:
    kec = chain.town["KEC-MATRAMAN"]
    published: list[ev.TicketEvent] = []
    camat: Actor = actor(app, "camat_matraman")
    with app.app_context():
        svc.add_note(
            chain.utan_kayu,
            text="Mohon segera.",
            kind="warning",
            actor=camat,
            now=NOW,
            publish=published.append,
        )
        svc.dispose(
            chain.utan_kayu,
            to_unit_id=chain.town["DINAS-BINA-MARGA"],
            reason="Jalan provinsi.",
            actor=camat,
            now=NOW,
            publish=published.append,
        )
    note, disposed = published
    assert f"unit:{kec}" in rooms_for(note)
    assert f"unit:{kec}" not in rooms_for(disposed)
    assert disposed.left_unit_ids == (kec,)
    with app.app_context():
        from dashboard.queries.board import ticket_facts

        facts = ticket_facts(chain.utan_kayu, from_unit_id=chain.town["KEL-UTAN-KAYU-UTARA"])
        assert facts is not None
        gone = rooms_left(disposed, facts)
    assert f"unit:{kec}" in gone and f"unit:{chain.town['KEL-UTAN-KAYU-UTARA']}" in gone
