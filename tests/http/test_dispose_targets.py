"""Disposition and coordination targets are checked on the server: only units
that handle tickets, that exist, may receive one (not a validator body, not
the province as a whole, not an id nobody has). Refused: 422 with the reason,
nothing stored. On both engines."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.http.helpers import HTMX, add_ticket, client_as, make_town, snapshot


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("BIRO-PEMERINTAHAN", "badan validasi"),
        ("BAGPEM-JKT-TIM", "badan validasi"),
        ("DKI", "bukan unit penanganan"),
        (None, "tidak dikenal"),  # an id no unit has
    ],
)
def test_a_ticket_cannot_be_disposed_to_a_unit_that_handles_no_tickets(
    app: Flask, target: str | None, expected: str
) -> None:
    town = make_town(app)
    tid = add_ticket(app)
    before = snapshot(app, tid)
    unit_id = town[target] if target else 987654
    for who in ("officer_a", "mro"):
        response = client_as(app, who).post(
            f"/tickets/{tid}/dispose",
            data={"unit_id": str(unit_id), "reason": "Bukan wilayah kami."},
            headers=HTMX,
        )
        assert response.status_code == 422, (who, response.status_code)
        assert expected in response.get_data(as_text=True)
        assert snapshot(app, tid) == before


def test_an_id_beyond_64_bits_is_an_unknown_unit_not_a_server_error(app: Flask) -> None:
    make_town(app)
    tid = add_ticket(app)
    before = snapshot(app, tid)
    client = client_as(app, "mro")
    response = client.post(
        f"/tickets/{tid}/dispose",
        data={"unit_id": "99999999999999999999999", "reason": "x"},
        headers=HTMX,
    )
    assert response.status_code == 422
    # The form reads ids within 64 bits (domain.inputs) and names the field in the
    # page's words (views.errors.FIELD_LABELS), never its raw key.
    body = response.get_data(as_text=True)
    assert "Unit: pilih salah satu" in body
    assert "unit_id" not in body
    assert snapshot(app, tid) == before


def test_coordination_is_refused_with_a_validator_body_and_stores_nothing(app: Flask) -> None:
    town = make_town(app)
    tid = add_ticket(app)
    before = snapshot(app, tid)
    client = client_as(app, "officer_a")
    # One good unit and one bad: the whole request is refused, not half applied.
    response = client.post(
        f"/tickets/{tid}/coordinate",
        data={
            "unit_ids": [str(town["DINAS-BINA-MARGA"]), str(town["BAGPEM-JKT-TIM"])],
            "note": "Perlu bantuan.",
        },
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "Bagian Pemerintahan Jakarta Timur adalah badan validasi" in response.get_data(
        as_text=True
    )
    assert snapshot(app, tid) == before
    # A superscript digit is no unit id either (it used to reach int() and fail).
    response = client.post(
        f"/tickets/{tid}/coordinate", data={"unit_ids": ["²"], "note": "x"}, headers=HTMX
    )
    assert response.status_code in (409, 422)
    assert snapshot(app, tid) == before


def test_handling_units_still_receive_dispositions_and_coordination(app: Flask) -> None:
    town = make_town(app)
    coordinated = add_ticket(app)
    officer = client_as(app, "officer_a")
    response = officer.post(
        f"/tickets/{coordinated}/coordinate",
        data={"unit_ids": [str(town["KEC-MATRAMAN"])], "note": "Perlu bantuan kecamatan."},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert snapshot(app, coordinated).status == "coordinating"
    for code in ("DINAS-BINA-MARGA", "JKT-TIM", "KEL-SENAYAN"):
        tid = add_ticket(app)
        response = client_as(app, "mro").post(
            f"/tickets/{tid}/dispose",
            data={"unit_id": str(town[code]), "reason": "Diteruskan."},
            headers=HTMX,
        )
        assert response.status_code == 200, code
        after = snapshot(app, tid)
        assert after.status == "dispositioned" and after.assigned_unit_id == town[code]
