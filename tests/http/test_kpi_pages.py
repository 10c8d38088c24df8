"""The KPI pages through HTTP: who sees which scope (404 otherwise, exports included),
the figures of small worked data, the tables' CSV / XLSX downloads against the
page, input errors, the htmx fragment, and plotly.js served from the app itself."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from datetime import timedelta

import openpyxl
import plotly
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from dashboard import formatting as fmt
from dashboard.domain import kpis
from dashboard.queries import kpi_pages
from dashboard.queries.kpis import Period
from dashboard.services import workflow as svc
from dashboard.views import exports
from dashboard.views.kpi_books import SummaryBook
from tests.conftest import T0
from tests.factories import later, photo_bytes
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
    tracking_of,
)

NOW = later(T0, hours=3)  # what the views' clock reads


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def town(app: Flask) -> Town:
    return make_town(app)


@pytest.fixture
def stown(sqlite_app: Flask) -> Town:
    return make_town(sqlite_app)


def complete(app: Flask, tid: int, officer: str = "officer_a") -> None:
    with app.app_context():
        worker = actor(app, officer)
        svc.start_work(tid, actor=worker, now=later(T0, minutes=10), publish=svc.no_publish)
        svc.complete(
            tid,
            note="Sudah ditangani.",
            photos=[photo_bytes()],
            actor=worker,
            now=later(T0, hours=1),
            publish=svc.no_publish,
        )


@pytest.fixture
def worked(app: Flask, town: Town) -> dict[str, list[int]]:
    """Jakarta Timur: 3 tickets received in Utan Kayu Utara, 1 of them completed;
    Jakarta Selatan: 1 ticket in Senayan."""
    tim = [add_ticket(app, **AT_UTAN_KAYU) for _ in range(3)]
    complete(app, tim[0])
    sel = [add_ticket(app, **AT_SENAYAN, category="sampah")]
    return {"tim": tim, "sel": sel}


def page(client: FlaskClient, url: str, **args: object) -> str:
    response = client.get(url, query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    return response.get_data(as_text=True)


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def hero(body: str) -> dict[str, str]:
    """The big figure cards: label -> the value shown."""
    cards = re.findall(
        r'<h3 class="kpi-card__label">(.*?)</h3>\s*<p class="kpi-card__value">(.*?)</p>',
        body,
        re.S,
    )
    return {text_of(label): text_of(value) for label, value in cards}


def table_rows(body: str, name: str) -> list[list[str]]:
    """The body rows of the HTML table ``data-table=name``, as shown (screen-reader
    remarks such as "(sampel terlalu kecil)" left out: the values themselves)."""
    body = re.sub(r'<span class="sr-only">[^<]*</span>', "", body)
    found = re.search(
        rf'<table class="table kpi-table" data-table="{name}">(.*?)</table>', body, re.S
    )
    assert found, f"no table {name!r} on the page"
    tbody = found.group(1).split("<tbody>", 1)[1]
    return [
        [text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", tbody, re.S)
    ]


def csv_rows(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_sheet(response):
    assert response.mimetype == exports.XLSX_MIMETYPE
    return openpyxl.load_workbook(io.BytesIO(response.get_data())).active


def xlsx_rows(sheet) -> list[tuple]:
    """The data rows under the header, up to the blank row before the note."""
    rows = []
    for row in sheet.iter_rows(min_row=exports.HEADER_ROW + 1, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(row)
    return rows


def summary_book(app: Flask, username: str, kota: str | None = None) -> SummaryBook:
    with app.app_context():
        who = actor(app, username)
        period = Period.from_args({}, NOW)
        book = SummaryBook(kpi_pages.summary(who, None, period, NOW))
        for name in book.names:
            book.table(name)  # computed now, inside the context
        return book


# --- who sees which scope ------------------------------------------------------------


def test_the_governor_sees_the_province_with_a_row_per_kota(
    app: Flask, town: Town, worked: dict
) -> None:
    body = page(client_as(app, "exec_prov"), "/kpi/")

    assert "Ringkasan eksekutif — Provinsi DKI Jakarta" in body
    kota_rows = {row[0]: row[1] for row in table_rows(body, "per_kota")}
    assert kota_rows["Jakarta Timur"] == "3" and kota_rows["Jakarta Selatan"] == "1"
    assert hero(body)["Laporan diterima"] == "4"


def test_the_walikota_summary_shows_their_kota_with_the_worked_figures(
    app: Flask, town: Town, worked: dict
) -> None:
    body = page(client_as(app, "exec_tim"), "/kpi/")
    cards = hero(body)

    assert "Ringkasan eksekutif — Jakarta Timur" in body
    assert cards["Laporan diterima"] == "3"
    assert cards["Diselesaikan"] == "1"
    assert cards["Tingkat penyelesaian"] == "33,3 %"
    assert 'data-table="per_kota"' not in body  # a kota has no per-kota comparison


def test_the_walikota_may_name_their_own_kota(app: Flask, town: Town, worked: dict) -> None:
    body = page(client_as(app, "exec_tim"), "/kpi/", kota=town["JKT-TIM"])

    assert hero(body)["Laporan diterima"] == "3"


@pytest.mark.parametrize(
    "url",
    [
        "/kpi/?kota={sel}",
        "/kpi/?kota={sel}&export=csv&table=per_category",
        "/kpi/?kota={sel}&export=xlsx&table=headline",
        "/kpi/unit/{senayan}",
        "/kpi/unit/{senayan}?export=csv&table=headline",
        "/kpi/unit/{sel}",
        "/kpi/tickets?scope=kota:{sel}&figure=received",
        "/kpi/tickets?scope=kota:{sel}&figure=received&export=csv&table=tickets",
        "/kpi/tickets?scope=unit:{senayan}&figure=received",
        "/kpi/tickets?scope=province&figure=received",
    ],
)
def test_the_walikota_of_jakarta_timur_never_sees_jakarta_selatan(
    app: Flask, town: Town, worked: dict, url: str
) -> None:
    client = client_as(app, "exec_tim")
    target = url.format(sel=town["JKT-SEL"], senayan=town["KEL-SENAYAN"])

    assert client.get(target).status_code == 404


def test_the_walikota_opens_the_pages_of_units_in_their_kota(
    app: Flask, town: Town, worked: dict
) -> None:
    client = client_as(app, "exec_tim")

    for code in ("JKT-TIM", "KEC-MATRAMAN", "KEL-UTAN-KAYU-UTARA"):
        assert client.get(f"/kpi/unit/{town[code]}").status_code == 200


def test_the_walikota_drilldown_lists_only_their_tickets(
    app: Flask, town: Town, worked: dict
) -> None:
    client = client_as(app, "exec_tim")
    body = page(client, "/kpi/tickets", scope=f"kota:{town['JKT-TIM']}", figure="received")
    mine = {tracking_of(app, t) for t in worked["tim"]}
    theirs = tracking_of(app, worked["sel"][0])

    listed = {row[0] for row in table_rows(body, "tickets")}
    assert listed == mine
    assert theirs not in body
    assert "Diterima" in body and "Jakarta Timur" in body  # which figure, which scope


def test_the_walikota_exports_contain_only_their_rows(app: Flask, town: Town, worked: dict) -> None:
    client = client_as(app, "exec_tim")
    theirs = tracking_of(app, worked["sel"][0])

    tickets = client.get(
        "/kpi/tickets",
        query_string={
            "scope": f"kota:{town['JKT-TIM']}",
            "figure": "received",
            "export": "csv",
            "table": "tickets",
        },
    )
    kecamatan = client.get("/kpi/", query_string={"export": "csv", "table": "per_kecamatan"})
    categories = client.get("/kpi/", query_string={"export": "xlsx", "table": "per_category"})

    ticket_rows = csv_rows(tickets)[1:]
    assert sorted(r[0] for r in ticket_rows) == sorted(tracking_of(app, t) for t in worked["tim"])
    assert theirs not in tickets.get_data(as_text=True)
    assert [r[0] for r in csv_rows(kecamatan)[1:]] == ["Kecamatan Matraman"]
    assert sum(row[1] for row in xlsx_rows(xlsx_sheet(categories))) == 3  # Jakarta Timur's 3


def test_an_officer_sees_their_own_unit_page_and_no_other(
    app: Flask, town: Town, worked: dict
) -> None:
    client = client_as(app, "officer_a")

    own = client.get(f"/kpi/unit/{town['KEL-UTAN-KAYU-UTARA']}")
    assert own.status_code == 200
    assert client.get(f"/kpi/unit/{town['KEL-PALMERIAM']}").status_code == 404
    assert client.get(f"/kpi/unit/{town['KEC-MATRAMAN']}").status_code == 404
    assert client.get("/kpi/").status_code == 404
    assert hero(own.get_data(as_text=True))["Laporan diterima"] == "3"


def test_the_officer_kpi_link_leads_to_their_unit(sqlite_app: Flask, stown: Town) -> None:
    body = page(client_as(sqlite_app, "officer_a"), "/tickets")

    assert f'href="/kpi/unit/{stown["KEL-UTAN-KAYU-UTARA"]}"' in body
    assert 'href="/kpi/rankings"' in body


def test_the_governor_kpi_link_leads_to_the_summary(sqlite_app: Flask, stown: Town) -> None:
    body = page(client_as(sqlite_app, "exec_prov"), "/tickets")

    assert 'href="/kpi/"' in body and 'href="/kpi/rankings"' in body


@pytest.mark.parametrize(
    "username", ["admin", "mro", "officer_a", "officer_bm", "validator_sel", "exec_tim"]
)
@pytest.mark.parametrize("group", ["kelurahan", "kecamatan", "agency"])
def test_every_staff_role_sees_the_rankings(
    sqlite_app: Flask, stown: Town, username: str, group: str
) -> None:
    body = page(client_as(sqlite_app, username), "/kpi/rankings", group=group)

    assert kpis.RANK_FORMULA in body
    for threshold in ("88,31", "76,61", "65,00"):
        assert threshold in body


def test_the_rankings_ask_an_anonymous_visitor_to_log_in(sqlite_app: Flask, stown: Town) -> None:
    for url in ("/kpi/rankings", "/kpi/", f"/kpi/unit/{stown['JKT-TIM']}", "/kpi/tickets"):
        response = sqlite_app.test_client().get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_expired_session_redirects_the_polling_fragment_to_log_in(
    sqlite_app: Flask, stown: Town
) -> None:
    response = sqlite_app.test_client().get("/kpi/", headers=HTMX)

    assert response.status_code == 204
    assert "/login" in response.headers["HX-Redirect"]


def test_the_ranking_lists_units_under_the_minimum_volume_as_not_ranked(
    app: Flask, town: Town, worked: dict
) -> None:
    body = page(client_as(app, "exec_prov"), "/kpi/rankings")

    unranked = {row[0]: row[2] for row in table_rows(body, "unranked")}
    assert unranked["Kelurahan Utan Kayu Utara"] == "3"
    assert "Belum diperingkat" in body
    assert 'data-table="province_terms"' in body


# --- worked figures, tables and their exports --------------------------------------------


def test_the_headline_xlsx_equals_the_table_and_the_page(
    app: Flask, town: Town, worked: dict
) -> None:
    client = client_as(app, "exec_tim")
    body = page(client, "/kpi/")
    sheet = xlsx_sheet(client.get("/kpi/?export=xlsx&table=headline"))
    table = summary_book(app, "exec_tim").t_headline

    rows = xlsx_rows(sheet)
    assert [c.value for c in sheet[exports.HEADER_ROW]] == [c.label for c in table.columns]
    assert sheet[exports.HEADER_ROW][0].font.b
    assert rows == [tuple(r.values) for r in table.rows]
    by_label = {row[0]: row for row in rows}
    assert by_label["Laporan diterima"][1] == 3
    assert by_label["Diselesaikan"][1] == 1
    assert by_label["Tingkat penyelesaian"][1] == pytest.approx(1 / 3)
    rate_cell = next(c for c in sheet["B"] if c.value == by_label["Tingkat penyelesaian"][1])
    assert rate_cell.number_format == "0.0%"
    assert "Jakarta Timur" in sheet["A2"].value  # the title rows say what and when
    # The page shows the same values.
    cards = hero(body)
    for label, kind in (("Laporan diterima", "int"), ("Tingkat penyelesaian", "pct")):
        assert cards[label] == fmt.figure(by_label[label][1], kind)


def test_the_per_category_xlsx_cells_equal_the_html_table(
    app: Flask, town: Town, worked: dict
) -> None:
    client = client_as(app, "exec_prov")
    body = page(client, "/kpi/")
    table = summary_book(app, "exec_prov").t_per_category
    sheet = xlsx_sheet(client.get("/kpi/?export=xlsx&table=per_category"))

    rows = xlsx_rows(sheet)
    assert rows == [tuple(r.values) for r in table.rows]
    shown = table_rows(body, "per_category")
    assert shown == [
        [fmt.figure(v, c.kind) for v, c in zip(row, table.columns, strict=True)] for row in rows
    ]


def test_the_csv_parses_and_shows_the_page_numbers(app: Flask, town: Town, worked: dict) -> None:
    response = client_as(app, "exec_tim").get("/kpi/?export=csv&table=headline")

    rows = csv_rows(response)
    assert response.mimetype == "text/csv"
    assert "pantau_headline_jkt-tim_" in response.headers["Content-Disposition"]
    by_label = {row[0]: row for row in rows[1:]}
    assert by_label["Laporan diterima"][1] == "3"
    assert by_label["Diselesaikan"][1] == "1"
    assert by_label["Tingkat penyelesaian"][1] == "33.3"


def test_the_drilldown_export_has_ticket_fields_and_no_reporter_data(
    app: Flask, town: Town, worked: dict
) -> None:
    response = client_as(app, "exec_prov").get(
        "/kpi/tickets",
        query_string={
            "scope": "province",
            "figure": "received",
            "export": "xlsx",
            "table": "tickets",
        },
    )
    sheet = xlsx_sheet(response)
    content = json.dumps([[str(c) for c in row] for row in sheet.iter_rows(values_only=True)])

    assert [c.value for c in sheet[exports.HEADER_ROW]] == [
        "No. tiket",
        "Diterima",
        "Status",
        "Kategori",
        "Unit",
        "Tenggat selesai",
    ]
    assert len(xlsx_rows(sheet)) == 4
    for secret in ("Siti", "081234567890", "siti@example.id", "Pramuka"):
        assert secret not in content


def test_a_drilldown_link_leads_to_the_tickets_behind_the_count(
    app: Flask, town: Town, worked: dict
) -> None:
    client = client_as(app, "exec_tim")
    body = page(client, "/kpi/")

    links = set(re.findall(r'href="(/kpi/tickets\?[^"]+)"', body))
    completed = next(
        html.unescape(u) for u in links if "figure=completed&" in html.unescape(u) + "&"
    )
    listed = table_rows(client.get(completed).get_data(as_text=True), "tickets")
    assert [row[0] for row in listed] == [tracking_of(app, worked["tim"][0])]


def test_the_drilldown_pages_fifty_tickets(sqlite_app: Flask, stown: Town) -> None:
    for i in range(52):
        add_ticket(sqlite_app, **(AT_PALMERIAM if i % 2 else AT_UTAN_KAYU))
    client = client_as(sqlite_app, "mro")
    args = {"scope": "province", "figure": "received"}

    first = page(client, "/kpi/tickets", **args)
    second = page(client, "/kpi/tickets", page=2, **args)

    assert len(table_rows(first, "tickets")) == 50
    assert len(table_rows(second, "tickets")) == 2
    assert "halaman 2 dari 2" in second


# --- the unit page -----------------------------------------------------------------------


def test_the_unit_page_shows_the_score_breakdown_and_the_units_below(
    app: Flask, town: Town, worked: dict
) -> None:
    client = client_as(app, "exec_prov")
    kel = page(client, f"/kpi/unit/{town['KEL-UTAN-KAYU-UTARA']}")
    kec = page(client, f"/kpi/unit/{town['KEC-MATRAMAN']}")

    terms = [row[0] for row in table_rows(kel, "score")]
    assert terms == [t.label for t in kpis.RANK_TERMS] + ["Skor"]
    assert "Belum diperingkat" in kel  # 3 tickets, fewer than 20
    assert f'href="/kpi/unit/{town["KEL-PALMERIAM"]}' in kec
    assert hero(kec)["Laporan diterima"] == "3"  # the kelurahan's tickets count for it


# --- input errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/kpi/?from=2026-02-30",
        "/kpi/unit/{kel}?from=kemarin",
        "/kpi/tickets?figure=received&from=x",
    ],
)
def test_a_bad_from_date_is_400_naming_the_parameter(
    sqlite_app: Flask, stown: Town, url: str
) -> None:
    response = client_as(sqlite_app, "exec_prov").get(url.format(kel=stown["KEL-SENAYAN"]))

    assert response.status_code == 400
    assert "tanggal 'from' tidak valid" in html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/kpi/tickets?scope=province&figure=bogus", "angka tidak dikenal"),
        ("/kpi/tickets?scope=kota&figure=received", "parameter 'scope' tidak valid"),
        ("/kpi/?export=pdf&table=headline", "format unduhan tidak dikenal"),
        ("/kpi/?export=csv&table=nope", "tabel tidak dikenal"),
        ("/kpi/rankings?group=rw", "kelompok peringkat tidak dikenal"),
        ("/kpi/?from=2026-11-02&to=2026-11-01", "'from' harus sebelum"),
        ("/kpi/?kota=abc", "parameter 'kota' harus berupa angka"),
    ],
)
def test_unusable_arguments_are_400_with_the_reason(
    sqlite_app: Flask, stown: Town, url: str, message: str
) -> None:
    response = client_as(sqlite_app, "exec_prov").get(url)

    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))


# --- htmx fragment, charts, plotly.js ------------------------------------------------------


def test_htmx_polls_the_summary_fragment_alone(app: Flask, town: Town, worked: dict) -> None:
    client = client_as(app, "exec_tim")
    full = page(client, "/kpi/", **{"from": "2026-10-20", "to": "2026-11-02"})
    response = client.get("/kpi/?from=2026-10-20&to=2026-11-02", headers=HTMX)
    fragment = response.get_data(as_text=True)

    assert "HX-Request" in response.headers["Vary"]
    assert fragment.lstrip().startswith('<div id="kpi-summary"')
    assert "<html" not in fragment and "<html" in full
    assert 'hx-trigger="every 60s"' in fragment
    assert 'hx-get="/kpi/?from=2026-10-20&amp;to=2026-11-02"' in fragment
    assert hero(fragment) == hero(full)


def test_the_charts_are_json_blocks_and_plotly_js_comes_from_the_app(
    sqlite_app: Flask, stown: Town
) -> None:
    body = page(client_as(sqlite_app, "exec_prov"), "/kpi/")

    blocks = dict(
        re.findall(
            r'<script type="application/json" data-chart="(\w+)"[^>]*>(.*?)</script>', body, re.S
        )
    )
    assert {"trend", "backlog", "per_kota", "per_kecamatan", "per_category", "per_channel"} <= set(
        blocks
    )
    for figure in blocks.values():
        assert set(json.loads(figure)) >= {"data", "layout"}
    scripts = re.findall(r"<script(?![^>]*application/json)([^>]*)>", body)
    assert all("src=" in attrs for attrs in scripts)  # no inline script
    assert f'src="/kpi/assets/plotly-{plotly.__version__}.min.js"' in body
    assert "cdn" not in body.lower()


def test_plotly_js_is_served_with_a_long_cache(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()

    response = client.get(f"/kpi/assets/plotly-{plotly.__version__}.min.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.cache_control.max_age == 31536000
    assert response.get_data().startswith(b"/**\n* plotly.js")
    assert client.get("/kpi/assets/plotly-0.0.1.min.js").status_code == 404
    response.close()


def test_the_period_moves_with_the_arguments(app: Flask, town: Town, worked: dict) -> None:
    client = client_as(app, "exec_tim")
    day = (T0 + timedelta(hours=7)).date()  # the WIB day of the tickets

    before = page(client, "/kpi/", **{"from": "2026-10-01", "to": str(day - timedelta(days=1))})
    during = page(client, "/kpi/", **{"from": str(day), "to": str(day)})

    assert hero(before)["Laporan diterima"] == "0"
    assert hero(during)["Laporan diterima"] == "3"
