"""Downloads of a KPI table: CSV (UTF-8 with BOM, for Excel) and XLSX (openpyxl).

Both write the same ``Table`` the page renders. XLSX keeps numbers as numbers
(rates as fractions with a percent format, so the cell shows what the page
shows); CSV writes rates as percent numbers with one decimal, hours with one,
ratings and scores with two — the page's figures, with a decimal point.

Text that a spreadsheet would read as a formula (OWASP "CSV injection": a
cell starting with ``= + - @``, a tab or a carriage return; an access-log
reason typed as ``=HYPERLINK(...)``) gets a leading apostrophe in both
formats, and XLSX stores every text cell as a string, never a formula.
Numbers are never touched: a negative number stays a number.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..formatting import status as fmt_status
from ..formatting import wall_time
from ..queries.kpi_tables import Table, TableRow

FORMATS = ("csv", "xlsx")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# openpyxl number formats by value kind.
NUMBER_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "pct": "0.0%",
    "hours": "0.0",
    "duration": "0.0",
    "rating": "0.00",
    "scale4": "0.00",
    "score": "0.00",
    "weight": "0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "delta_int": "+#,##0;-#,##0;0",
    "delta_pp": "+0.0%;-0.0%;0.0%",
    "delta_hours": "+0.0;-0.0;0.0",
    "delta_num": "+0.00;-0.00;0.00",
    "rank_change": "+0;-0;0",
}
CSV_DECIMALS: dict[str, int] = {
    "pct": 1,
    "delta_pp": 1,
    "hours": 1,
    "duration": 1,
    "delta_hours": 1,
    "rating": 2,
    "scale4": 2,
    "score": 2,
    "weight": 2,
    "delta_num": 2,
}


# First characters that make a spreadsheet evaluate a cell (the full-width forms
# too: some Excel locales accept them).
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def neutralise(text: str) -> str:
    """Text as a spreadsheet cell that can never be a formula."""
    first = text[:1]
    if first in FORMULA_STARTS or text.lstrip()[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def _text_safe(value: Any) -> Any:
    return neutralise(value) if isinstance(value, str) else value


def header(table: Table, key: str, label: str) -> str:
    """A CSV header: percent columns say so, since their cells are percent numbers."""
    kinds = {table.kind_of(r, key) for r in table.rows} or {table.columns[table.index(key)].kind}
    if kinds <= {"pct", "delta_pp"}:
        return f"{label} (%)"
    if kinds <= {"duration"}:
        return f"{label} (jam)"
    return label


def csv_value(value: Any, kind: str) -> Any:
    """A table value as a CSV cell: the page's number with a decimal point."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(fmt_status(value) if kind == "status" else value)
    if kind in ("pct", "delta_pp"):
        return f"{value * 100:.1f}"
    if kind in CSV_DECIMALS:
        return f"{value:.{CSV_DECIMALS[kind]}f}"
    if kind == "datetime" and isinstance(value, datetime):
        return f"{wall_time(value):%Y-%m-%d %H:%M}"
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    if kind == "status":
        return fmt_status(value)
    return value


def xlsx_value(value: Any, kind: str) -> Any:
    """A table value as an XLSX cell value (naive Jakarta time for instants)."""
    if kind == "datetime" and isinstance(value, datetime):
        return wall_time(value)
    if kind == "status" and value is not None:
        return neutralise(fmt_status(value))
    return _text_safe(value)


def _put(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write one cell; text is stored as text (openpyxl would make "=…" a formula)."""
    cell = ws.cell(row=row, column=column)
    cell.value = _text_safe(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def _row_kinds(table: Table, row: TableRow) -> list[str]:
    return [row.kinds.get(c.key, c.kind) for c in table.columns]


def to_csv(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(header(table, c.key, c.label)) for c in table.columns])
    for row in table.rows:
        writer.writerow(
            [csv_value(v, k) for v, k in zip(row.values, _row_kinds(table, row), strict=True)]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


TITLE_ROWS = 2  # title, subtitle; then a blank row, then the header
HEADER_ROW = TITLE_ROWS + 2


def to_xlsx(table: Table) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = table.name[:31]
    _put(ws, 1, 1, table.title).font = Font(bold=True, size=13)
    _put(ws, 2, 1, table.subtitle).font = Font(italic=True, color="5B6577")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEF2F7")
    widths = [len(c.label) for c in table.columns]
    for j, column in enumerate(table.columns, start=1):
        cell = _put(ws, HEADER_ROW, j, column.label)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(table.rows, start=HEADER_ROW + 1):
        for j, (value, kind) in enumerate(
            zip(row.values, _row_kinds(table, row), strict=True), start=1
        ):
            cell = _put(ws, i, j, xlsx_value(value, kind))
            if kind in NUMBER_FORMATS and value is not None:
                cell.number_format = NUMBER_FORMATS[kind]
            width = (
                17 if kind in ("datetime", "date") else len(str(value if value is not None else ""))
            )
            widths[j - 1] = max(widths[j - 1], width)
    if table.note:
        _put(ws, HEADER_ROW + len(table.rows) + 2, 1, table.note).font = Font(
            italic=True, color="5B6577"
        )
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 48)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def response(table: Table, fmt: str) -> Response:
    """The table as a download in ``fmt`` (csv or xlsx)."""
    if fmt == "csv":
        body, mimetype = to_csv(table), "text/csv; charset=utf-8"
    else:
        body, mimetype = to_xlsx(table), XLSX_MIMETYPE
    resp = Response(body, mimetype=mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="{table.filename}.{fmt}"'
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
