"""Validator bodies are measured on their own KPI page and on the governor's summary."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
import time_machine
from flask import Flask

from dashboard.services import workflow as svc
from tests.conftest import T0
from tests.factories import later, photo_bytes
from tests.http.helpers import AT_PALMERIAM, AT_UTAN_KAYU, actor, add_ticket, client_as, make_town

NOW = later(T0, days=6)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _complete(app: Flask, ticket_id: int, officer: str, at_h: float) -> None:
    with app.app_context():
        who = actor(app, officer)
        svc.start_work(ticket_id, actor=who, now=later(T0, hours=at_h), publish=svc.no_publish)
        svc.complete(
            ticket_id,
            note="Sudah diperbaiki.",
            photos=[photo_bytes()],
            actor=who,
            now=later(T0, hours=at_h),
            publish=svc.no_publish,
        )


def _seed(app: Flask) -> dict[str, int]:
    """Four decisions of Bagian Pemerintahan Jakarta Timur (deadline: 48 h after completion):
    verified after 10 h, verified after 50 h (late), reopened after 20 h, and the redo
    verified after 1 h. Biro Pemerintahan decided nothing."""
    town = make_town(app)
    a = add_ticket(app, **AT_UTAN_KAYU)
    b = add_ticket(app, **AT_PALMERIAM)
    c = add_ticket(app, **AT_UTAN_KAYU)
    _complete(app, a, "officer_a", 1)
    _complete(app, b, "officer_b", 1)
    _complete(app, c, "officer_a", 1)
    v = actor(app, "validator_tim")
    with app.app_context():
        svc.verify(
            a,
            note="",
            field_verified=False,
            actor=v,
            now=later(T0, hours=11),
            publish=svc.no_publish,
        )
        svc.verify(
            b,
            note="",
            field_verified=False,
            actor=v,
            now=later(T0, hours=51),
            publish=svc.no_publish,
        )
        svc.reopen(
            c, reason="Belum beres.", actor=v, now=later(T0, hours=21), publish=svc.no_publish
        )
    _complete(app, c, "officer_a", 30)
    with app.app_context():
        svc.verify(
            c,
            note="",
            field_verified=False,
            actor=v,
            now=later(T0, hours=31),
            publish=svc.no_publish,
        )
    return town.ids


def _table(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Badan validator"))
    return list(csv.DictReader(io.StringIO("\n".join(lines[start:]))))


def test_the_validators_own_page_and_the_governors_summary_count_decisions(app: Flask) -> None:
    ids = _seed(app)
    period = f"from={T0.date().isoformat()}&to={NOW.date().isoformat()}"
    body = ids["BAGPEM-JKT-TIM"]

    validator = client_as(app, "validator_tim")
    home = validator.get(f"/kpi/unit/{body}?{period}").get_data(as_text=True)
    assert "Kinerja validator" in home
    own = _table(validator, f"/kpi/unit/{body}?{period}&export=csv&table=validators")
    assert len(own) == 1
    row = own[0]
    assert row["Badan validator"] == "Bagian Pemerintahan Jakarta Timur"
    assert (row["Validasi"], row["Tepat waktu"], row["Terlambat"]) == ("4", "3", "1")
    assert float(row["Dibuka kembali (%)"]) == pytest.approx(25.0)
    assert float(row["Ketepatan (%)"]) == pytest.approx(75.0)
    # Waits 1, 10, 20, 50 h: median 15 h.
    assert float(row["Median waktu memutus"]) == pytest.approx(15.0)

    governor = client_as(app, "exec_prov")
    summary = governor.get(f"/kpi/?{period}").get_data(as_text=True)
    assert "Kinerja validator" in summary
    rows = {
        r["Badan validator"]: r
        for r in _table(governor, f"/kpi/?{period}&export=csv&table=validators")
    }
    assert rows["Bagian Pemerintahan Jakarta Timur"]["Validasi"] == "4"
    assert rows["Bagian Pemerintahan Jakarta Timur"]["Terlambat"] == "1"
    assert rows["Biro Pemerintahan"]["Validasi"] == "0"
    assert rows["Bagian Pemerintahan Jakarta Selatan"]["Validasi"] == "0"

    # A walikota sees their own kota's body only.
    walikota = client_as(app, "exec_tim")
    kota_rows = _table(walikota, f"/kpi/?{period}&export=csv&table=validators")
    assert [r["Badan validator"] for r in kota_rows] == ["Bagian Pemerintahan Jakarta Timur"]
