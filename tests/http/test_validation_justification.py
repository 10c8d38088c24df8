"""Verifying against the reporter's "belum selesai" needs a one-line justification
(issue 12 §3): the rating sits in the decision panel, a verify without the
justification is refused in Indonesian with nothing stored, and with it the
justification is kept in the history row's data and shown there."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from dashboard.domain import validation as rules
from dashboard.extensions import db
from dashboard.models import TicketEventRow
from tests.http.helpers import HTMX, client_as, snapshot
from tests.http.test_validation_pages import (  # noqa: F401 (fixtures)
    CHECKED,
    completed,
    frozen,
    post_action,
    rated_low,
    stown,
)

pytestmark = pytest.mark.usefixtures("stown")


def _verified_rows(app: Flask, tid: int) -> list[TicketEventRow]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(TicketEventRow).where(
                    TicketEventRow.ticket_id == tid, TicketEventRow.kind == "verified"
                )
            )
        )
        for r in rows:
            db.session.expunge(r)
        return rows


def test_the_decision_panel_shows_the_reporters_rating_and_asks_for_a_justification(
    sqlite_app: Flask,
) -> None:
    tid = completed(sqlite_app)
    rated_low(sqlite_app, tid, comment="Lubangnya masih ada di sisi kiri.")
    html = client_as(sqlite_app, "validator_tim").get(f"/validation/{tid}").get_data(as_text=True)
    panel = html.split('id="decision"', 1)[1].split("</section>", 1)[0]
    assert 'id="decision-rating"' in panel
    assert "Belum selesai" in panel and "Lubangnya masih ada di sisi kiri." in panel
    assert 'name="justification"' in panel and rules.JUSTIFICATION_LABEL in panel


def test_without_a_not_fixed_rating_no_justification_is_asked(sqlite_app: Flask) -> None:
    tid = completed(sqlite_app)
    html = client_as(sqlite_app, "validator_tim").get(f"/validation/{tid}").get_data(as_text=True)
    assert 'name="justification"' not in html
    assert "Pelapor belum menilai penyelesaian ini." in html
    client = client_as(sqlite_app, "validator_tim")
    response = post_action(client, sqlite_app, tid, "verify", CHECKED)
    assert response.status_code == 200
    assert "justification" not in _verified_rows(sqlite_app, tid)[0].data


def test_verify_against_not_fixed_without_justification_is_refused_storing_nothing(
    sqlite_app: Flask,
) -> None:
    tid = completed(sqlite_app)
    rated_low(sqlite_app, tid)
    before = snapshot(sqlite_app, tid)
    client = client_as(sqlite_app, "validator_tim")

    response = post_action(
        client, sqlite_app, tid, "verify", {**CHECKED, "justification": "   ", "note": "Cek foto"}
    )

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="justification-error"' in body
    assert rules.JUSTIFICATION_NEEDED in body  # Indonesian, naming the field
    assert "Alasan memverifikasi meski pelapor menyatakan belum selesai wajib diisi" in body
    assert ">Cek foto</textarea>" in body  # what was typed stays
    assert snapshot(sqlite_app, tid) == before
    assert _verified_rows(sqlite_app, tid) == []


def test_verify_with_a_justification_keeps_it_in_the_history(sqlite_app: Flask) -> None:
    tid = completed(sqlite_app)
    rated_low(sqlite_app, tid)
    client = client_as(sqlite_app, "validator_tim")
    why = "Foto sesudah\n menunjukkan lubang sudah ditambal rata."

    response = post_action(client, sqlite_app, tid, "verify", {**CHECKED, "justification": why})

    assert response.status_code == 200
    (row,) = _verified_rows(sqlite_app, tid)
    assert row.data["justification"] == "Foto sesudah menunjukkan lubang sudah ditambal rata."
    assert "Foto sesudah" not in row.note  # in the data, shown once
    page = client.get(f"/validation/{tid}", headers=HTMX).get_data(as_text=True)
    history = page.split('id="history-title"', 1)[1].split("</section>", 1)[0]
    assert "timeline__note--justification" in history
    assert history.count("Foto sesudah menunjukkan lubang sudah ditambal rata.") == 1
    ticket_page = client.get(f"/tickets/{tid}").get_data(as_text=True)
    assert "Foto sesudah menunjukkan lubang sudah ditambal rata." in ticket_page


def test_the_ticket_pages_verify_follows_the_same_rule(sqlite_app: Flask) -> None:
    tid = completed(sqlite_app)
    rated_low(sqlite_app, tid)
    before = snapshot(sqlite_app, tid)
    client = client_as(sqlite_app, "validator_tim")

    refused = client.post(
        f"/tickets/{tid}/verify", data={"version": before.version, "note": "ok"}, headers=HTMX
    )
    assert refused.status_code == 422
    assert rules.JUSTIFICATION_NEEDED in refused.get_data(as_text=True)
    assert snapshot(sqlite_app, tid) == before

    done = client.post(
        f"/tickets/{tid}/verify",
        data={"version": before.version, "justification": "Foto bukti jelas."},
        headers=HTMX,
    )
    assert done.status_code == 200
    assert _verified_rows(sqlite_app, tid)[0].data["justification"] == "Foto bukti jelas."
