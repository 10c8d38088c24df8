"""The public transparency portal through HTTP: ``/`` for visitors and staff, the landing
figures against the KPI read side and the KPI page for the same data, the list of
reports (each filter, combined, paging, the htmx fragment), descriptions only when the
confidentiality allows and then redacted, the tracking-number search, English by
``?lang=en`` kept in a cookie, the figures cache on the moved clock, and 429s."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from dashboard.extensions import db
from dashboard.i18n import COOKIE
from dashboard.models import Ticket
from dashboard.queries import kpis as kpi_reads
from dashboard.queries import portal as portal_reads
from dashboard.services import validation
from dashboard.services import workflow as svc
from tests.conftest import T0, make_app
from tests.factories import later, new_ticket
from tests.http.helpers import (
    AT_PALMERIAM,
    AT_SENAYAN,
    AT_UTAN_KAYU,
    HTMX,
    Town,
    actor,
    add_ticket,
    client_as,
    complete_ticket,
    make_town,
    tracking_of,
    verify_ticket,
)

NOW = later(T0, hours=3)  # what the views' clock reads
# The biasa reporter tells their name and phone in the description: the portal masks them.
SECRET = "Tumpukan sampah di belakang rumah ketua RT, sudah seminggu tidak diangkut."
TELLING = "Saya Rahmat Hidayat, hubungi 081277778888. Jalan berlubang dalam di depan pasar."


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class Data:
    town: Town
    done: int  # Utan Kayu Utara, jalan rusak: completed, verified, rated 4 (Selesai)
    biasa: int  # Utan Kayu Utara, jalan rusak, biasa: completed, awaiting validation
    working: int  # Palmeriam, sampah: in progress
    waiting: int  # Senayan, sampah, anonymous: waiting
    rejected: int  # Senayan, jalan rusak: rejected by the MRO
    old: int  # Palmeriam, sampah: received 60 days before T0, still waiting

    def tracking(self, app: Flask, name: str) -> str:
        return tracking_of(app, getattr(self, name))


def build(app: Flask) -> Data:
    town = make_town(app)
    done = add_ticket(app, **AT_UTAN_KAYU)
    biasa = add_ticket(
        app,
        **AT_UTAN_KAYU,
        description=TELLING,
        reporter={"name": "Rahmat Hidayat", "phone": "081277778888", "confidential": False},
    )
    working = add_ticket(app, **AT_PALMERIAM, category="sampah", description=SECRET)
    waiting = add_ticket(app, **AT_SENAYAN, category="sampah", reporter={"anonymous": True})
    rejected = add_ticket(app, **AT_SENAYAN)
    with app.app_context():
        early = later(T0, days=-60)
        old = new_ticket(
            early,
            **AT_PALMERIAM,
            category="sampah",
            external_id="PORTAL-OLD",
            reported_at=early.isoformat(),
        )
    complete_ticket(app, done)
    verify_ticket(app, done)
    complete_ticket(app, biasa)
    with app.app_context():
        validation.rate_by_channel(
            done,
            channel_code="jaki",
            rating=4,
            fixed=True,
            comment="",
            now=later(T0, hours=3),
            publish=svc.no_publish,
        )
        svc.start_work(
            working, actor=actor(app, "officer_b"), now=later(T0, hours=1), publish=svc.no_publish
        )
        svc.reject(
            rejected,
            reason="Bukan masalah jalan, laporan salah kategori.",
            duplicate_of_id=None,
            actor=actor(app, "mro"),
            now=later(T0, hours=1),
            publish=svc.no_publish,
        )
    return Data(town, done, biasa, working, waiting, rejected, old)


@pytest.fixture
def data(app: Flask) -> Data:
    return build(app)


@pytest.fixture
def sdata(sqlite_app: Flask) -> Data:
    return build(sqlite_app)


def ok(client: FlaskClient, url: str, **args: object) -> str:
    response = client.get(url, query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    return response.get_data(as_text=True)


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def portal_figures(body: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(figure, '30' | 'year') -> (data-value, the text shown)."""
    out = {}
    for card in re.findall(
        r'<article class="pf-card[^"]*" data-figure="(.*?)</article>', body, re.S
    ):
        key = card.split('"', 1)[0]
        for period, value, shown in re.findall(
            r'<dd data-period="(\w+)" data-value="([^"]*)">(.*?)</dd>', card, re.S
        ):
            out[(key, period)] = (value, text_of(shown))
    return out


def kpi_hero(body: str) -> dict[str, str]:
    cards = re.findall(
        r'<h3 class="kpi-card__label">(.*?)</h3>\s*<p class="kpi-card__value">(.*?)</p>',
        body,
        re.S,
    )
    return {text_of(label): text_of(value) for label, value in cards}


def listed(body: str) -> list[str]:
    """Tracking numbers of the reports on a list page or fragment, in order."""
    return re.findall(r'<article class="pf-ticket" data-tracking="([^"]+)"', body)


def card_of(body: str, tracking: str) -> str:
    found = re.search(rf'data-tracking="{tracking}".*?</article>', body, re.S)
    assert found, f"{tracking} not listed"
    return found.group(0)


# --- / for visitors and for staff ----------------------------------------------------------


def test_an_anonymous_visitor_at_the_root_lands_on_the_portal(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()

    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/portal/"
    make_town(sqlite_app)
    assert "Bagaimana laporan warga ditangani?" in ok(client, "/portal/")


def test_an_officer_at_the_root_goes_to_perlu_tindakan(sqlite_app: Flask) -> None:
    make_town(sqlite_app)

    response = client_as(sqlite_app, "officer_a").get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/tickets/tindakan"


def test_staff_pages_link_to_the_portal_and_visitors_get_a_minimal_header(
    sqlite_app: Flask,
) -> None:
    make_town(sqlite_app)
    staff = ok(client_as(sqlite_app, "officer_a"), "/tickets")
    visitor = ok(sqlite_app.test_client(), "/portal/")

    assert 'href="/portal/"' in staff
    nav = re.search(r'<nav class="topbar__nav".*?</nav>', visitor, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', nav) == ["/portal/", "/portal/laporan", "/portal/cari"]
    assert 'href="/login"' in visitor and "/tickets" not in visitor


# --- the landing figures: the KPI code's, to the digit -------------------------------------


def test_the_landing_figures_are_the_kpi_read_sides_for_both_periods(
    app: Flask, data: Data
) -> None:
    body = ok(app.test_client(), "/portal/")
    shown = portal_figures(body)
    with app.app_context():
        month = kpi_reads.figures_for(portal_reads.PROVINCE, portal_reads.month_period(NOW), NOW)
        year = kpi_reads.figures_for(portal_reads.PROVINCE, portal_reads.year_period(NOW), NOW)

    for period, figures in (("30", month), ("year", year)):
        for key in (
            "received",
            "completed",
            "verified",
            "completion_rate",
            "response_rate",
            "median_handling_h",
            "mean_rating",
        ):
            value = getattr(figures, key)
            raw = shown[(key, period)][0]
            assert (float(raw) if raw else None) == value, (key, period)
    # The worked data, by hand: 5 received in the 30 days, 6 in the year (one 60 days ago);
    # 2 completed, 1 verified, rated 4 -> Skala Mutu 3.25 (B, Baik).
    assert (month.received, year.received) == (5, 6)
    assert (month.completed, month.verified, month.mean_rating) == (2, 1, 4.0)
    assert shown[("received", "30")][1] == "5" and shown[("received", "year")][1] == "6"
    assert shown[("completion_rate", "30")][1] == "40,0 %"
    assert shown[("median_handling_h", "30")][1] == "2,0 jam"
    assert "4,00 / 5 B (Baik)" in shown[("mean_rating", "30")][1]


def test_a_portal_figure_shows_what_the_kpi_page_shows_for_the_same_data(
    app: Flask, data: Data
) -> None:
    portal = portal_figures(ok(app.test_client(), "/portal/"))
    kpi = kpi_hero(ok(client_as(app, "exec_prov"), "/kpi/"))

    assert portal[("received", "30")][1] == kpi["Laporan diterima"] == "5"
    assert portal[("completed", "30")][1] == kpi["Diselesaikan"] == "2"
    assert portal[("completion_rate", "30")][1] == kpi["Tingkat penyelesaian"]
    assert portal[("response_rate", "30")][1] == kpi["Respons ≤ 6 jam"]


def test_the_landing_comparisons_are_the_kpi_rows(app: Flask, data: Data) -> None:
    body = ok(app.test_client(), "/portal/")
    with app.app_context():
        period = portal_reads.month_period(NOW)
        kota_rows = {r.key: r for r in kpi_reads.per_kota(period, NOW, kpi_reads.org())}
        categories = kpi_reads.per_category(portal_reads.PROVINCE, period, NOW)
        channels = kpi_reads.per_channel(portal_reads.PROVINCE, period, NOW)

    table = re.search(r'data-table="per_kota">(.*?)</table>', body, re.S).group(1)
    rows = re.findall(r'<tr data-key="(\d+)">(.*?)</tr>', table, re.S)
    assert {int(k) for k, _ in rows} == {data.town["JKT-TIM"], data.town["JKT-SEL"]}
    for key, row in rows:
        received = re.search(r'data-col="received"[^>]*>(.*?)</td>', row).group(1)
        assert int(received) == kota_rows[int(key)].figures.received
    listed_categories = re.findall(
        r'<li data-key="(\d+)"><span class="pf-rank__name">(.*?)</span>\s*'
        r'<span class="pf-rank__num">(\d+)</span>',
        re.search(r'data-table="per_category">(.*?)</ol>', body, re.S).group(1),
    )
    assert [(int(k), n, int(v)) for k, n, v in listed_categories] == [
        (r.key, r.label, r.figures.received) for r in categories if r.figures.received
    ]
    assert "Jalan Rusak" in body and "Sampah" in body
    channel_block = re.search(r'data-table="per_channel">(.*?)</ol>', body, re.S).group(1)
    assert [int(k) for k in re.findall(r'data-key="(\d+)"', channel_block)] == [
        r.key for r in channels if r.figures.received
    ]
    # The charts are JSON blocks for static/kpi.js, never inline script.
    for name in ("trend", "categories", "channels"):
        assert f'<script type="application/json" data-chart="{name}"' in body


def test_the_year_view_of_the_comparisons_counts_the_whole_year(
    sqlite_app: Flask, sdata: Data
) -> None:
    body = ok(sqlite_app.test_client(), "/portal/", periode="year")

    table = re.search(r'data-table="per_kota">(.*?)</table>', body, re.S).group(1)
    tim = re.search(rf'<tr data-key="{sdata.town["JKT-TIM"]}">(.*?)</tr>', table, re.S).group(1)
    assert re.search(r'data-col="received"[^>]*>(\d+)</td>', tim).group(1) == "4"  # + the old one
    assert "1 Jan 2026 – 2 Nov 2026" in body


def test_an_unknown_landing_period_is_a_400_with_the_reason(sqlite_app: Flask) -> None:
    make_town(sqlite_app)

    response = sqlite_app.test_client().get("/portal/", query_string={"periode": "decade"})

    assert response.status_code == 400
    assert "Periode tidak dikenal: decade" in response.get_data(as_text=True)


# --- the list of reports ------------------------------------------------------------------


def test_the_list_shows_every_report_newest_first(app: Flask, data: Data) -> None:
    body = ok(app.test_client(), "/portal/laporan")

    expected = [data.tracking(app, n) for n in ("rejected", "waiting", "working", "biasa", "done")]
    assert listed(body) == [*expected, data.tracking(app, "old")]
    assert "6 laporan · halaman 1 dari 1" in text_of(body)


@pytest.mark.parametrize(
    ("args", "names"),
    [
        ({"kota": "JKT-SEL"}, {"waiting", "rejected"}),
        ({"kota": "JKT-TIM"}, {"done", "biasa", "working", "old"}),
        ({"kecamatan": "KEC-MATRAMAN"}, {"done", "biasa", "working", "old"}),
        ({"kecamatan": "KEC-KEBAYORAN-BARU"}, {"waiting", "rejected"}),
        ({"kategori": "sampah"}, {"working", "waiting", "old"}),
        ({"status": "received"}, {"waiting", "old"}),
        ({"status": "handling"}, {"working"}),
        ({"status": "validation"}, {"biasa"}),
        ({"status": "done"}, {"done"}),
        ({"status": "rejected"}, {"rejected"}),
        ({"dari": "2026-11-02"}, {"done", "biasa", "working", "waiting", "rejected"}),
        ({"sampai": "2026-11-01"}, {"old"}),
        ({"dari": "2026-09-01", "sampai": "2026-09-30"}, {"old"}),
        ({"kota": "JKT-TIM", "kategori": "sampah"}, {"working", "old"}),
        ({"kota": "JKT-TIM", "kategori": "sampah", "status": "handling"}, {"working"}),
        (
            {"kecamatan": "KEC-MATRAMAN", "kategori": "jalan-rusak", "dari": "2026-11-02"},
            {"done", "biasa"},
        ),
        ({"kota": "JKT-SEL", "status": "done"}, set()),
    ],
)
def test_each_list_filter_works_and_they_combine(
    app: Flask, data: Data, args: dict[str, str], names: set[str]
) -> None:
    query = {k: str(data.town[v]) if k in ("kota", "kecamatan") else v for k, v in args.items()}

    body = ok(app.test_client(), "/portal/laporan", **query)

    assert set(listed(body)) == {data.tracking(app, n) for n in names}
    if not names:
        assert "Tidak ada laporan yang cocok dengan filter ini." in body


def test_every_listed_report_is_at_the_stage_its_filter_names(
    sqlite_app: Flask, sdata: Data
) -> None:
    client = sqlite_app.test_client()
    for stage in portal_reads.STAGES:
        body = ok(client, "/portal/laporan", status=stage)
        assert set(re.findall(r'data-stage="(\w+)"', body)) <= {stage}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"kota": "abc"}, "Kota tidak dikenal: abc"),
        ({"kota": "999999"}, "Kota tidak dikenal: 999999"),
        ({"kecamatan": "-1"}, "Kecamatan tidak dikenal: -1"),
        ({"kategori": "<script>x</script>"}, "Kategori tidak dikenal: &lt;script&gt;"),
        ({"status": "open"}, "Status tidak dikenal: open"),
        ({"dari": "kemarin"}, "Tanggal awal tidak valid: kemarin (pakai YYYY-MM-DD)"),
        ({"sampai": "2026-13-01"}, "Tanggal akhir tidak valid: 2026-13-01"),
        ({"dari": "2026-11-05", "sampai": "2026-11-01"}, "Tanggal awal harus sebelum"),
        ({"dari": "0001-01-01"}, "Tanggal awal di luar rentang: 0001-01-01"),
        ({"sampai": "9999-12-31"}, "Tanggal akhir di luar rentang: 9999-12-31"),
        ({"halaman": "0"}, "Halaman tidak valid: 0"),
        ({"halaman": "dua"}, "Halaman tidak valid: dua"),
        ({"halaman": "99999999999999999999"}, "Halaman tidak valid"),
    ],
)
def test_a_bad_filter_is_a_400_with_a_clear_message(
    sqlite_app: Flask, sdata: Data, args: dict[str, str], message: str
) -> None:
    client = sqlite_app.test_client()
    for headers in ({}, HTMX):
        response = client.get("/portal/laporan", query_string=args, headers=headers)
        body = response.get_data(as_text=True)
        assert response.status_code == 400, body[:500]
        assert 'data-error="filter"' in body and message in body
        assert "<script>x" not in body
        assert listed(body) == []


def test_a_kecamatan_outside_the_chosen_kota_is_named_in_the_message(
    sqlite_app: Flask, sdata: Data
) -> None:
    response = sqlite_app.test_client().get(
        "/portal/laporan",
        query_string={"kota": sdata.town["JKT-SEL"], "kecamatan": sdata.town["KEC-MATRAMAN"]},
    )

    assert response.status_code == 400
    assert "Kecamatan Matraman tidak berada di Jakarta Selatan." in response.get_data(as_text=True)


def test_the_htmx_request_gets_the_list_fragment_alone(sqlite_app: Flask, sdata: Data) -> None:
    response = sqlite_app.test_client().get(
        "/portal/laporan", query_string={"kategori": "sampah"}, headers=HTMX
    )
    body = response.get_data(as_text=True)

    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="portal-list"')
    assert "<html" not in body and len(listed(body)) == 3
    assert "HX-Request" in response.headers["Vary"]


def test_the_list_pages_through_many_reports_keeping_the_filters(sqlite_app: Flask) -> None:
    make_town(sqlite_app)
    for _ in range(portal_reads.PAGE_SIZE + 3):
        add_ticket(sqlite_app, **AT_SENAYAN, category="sampah")
    add_ticket(sqlite_app, **AT_UTAN_KAYU)
    client = sqlite_app.test_client()

    first = ok(client, "/portal/laporan", kategori="sampah")
    second = ok(client, "/portal/laporan", kategori="sampah", halaman="2")
    beyond = ok(client, "/portal/laporan", kategori="sampah", halaman="9")

    assert len(listed(first)) == portal_reads.PAGE_SIZE and len(listed(second)) == 3
    assert not set(listed(first)) & set(listed(second))
    assert 'href="/portal/laporan?halaman=2&amp;kategori=sampah"' in first
    assert listed(beyond) == listed(second)  # past the end: the last page


def test_a_confidential_report_shows_category_area_and_status_only(
    sqlite_app: Flask, sdata: Data
) -> None:
    body = ok(sqlite_app.test_client(), "/portal/laporan")
    card = card_of(body, sdata.tracking(sqlite_app, "working"))

    assert "Sampah" in card and "Kelurahan Palmeriam" in card and "Ditangani unit" in card
    assert "Laporan rahasia: hanya kategori, wilayah dan status yang ditampilkan." in card
    assert "Tumpukan sampah" not in body and "ketua RT" not in body
    # Completed and verified, with a completion photo: still category, area and status.
    done = card_of(body, sdata.tracking(sqlite_app, "done"))
    assert "Jalan Rusak" in done and "Kelurahan Utan Kayu Utara" in done and "Selesai" in done
    for detail in ("<img", "/p/", "Diterima", "Diselesaikan unit", "Unit yang menangani", "WIB"):
        assert detail not in done and detail not in card, detail


def test_a_biasa_report_shows_its_stored_redacted_description(
    sqlite_app: Flask, sdata: Data
) -> None:
    body = ok(sqlite_app.test_client(), "/portal/laporan")
    card = card_of(body, sdata.tracking(sqlite_app, "biasa"))
    with sqlite_app.app_context():
        stored = db.session.get(Ticket, sdata.biasa).public_description

    assert stored and "[nama disembunyikan]" in stored and "[telepon disembunyikan]" in stored
    assert html.escape(stored, quote=False) in card
    assert "Rahmat" not in body and "081277778888" not in body


def test_a_completed_biasa_report_shows_its_dates_unit_photos_and_tracking_page(
    sqlite_app: Flask, sdata: Data
) -> None:
    client = sqlite_app.test_client()
    tracking = sdata.tracking(sqlite_app, "biasa")
    card = card_of(ok(client, "/portal/laporan"), tracking)

    photos = re.findall(r'<img src="(/p/\d+)"', card)
    assert len(photos) == 1
    assert client.get(photos[0]).mimetype == "image/jpeg"
    assert f'href="/t/{tracking}"' in card
    assert "Kelurahan Utan Kayu Utara" in card and "Diperiksa validator" in card
    assert "Diterima" in card and "Diselesaikan unit" in card and "Unit yang menangani" in card


# --- search by tracking number -------------------------------------------------------------


def test_a_known_tracking_number_leads_to_its_page(sqlite_app: Flask, sdata: Data) -> None:
    tracking = sdata.tracking(sqlite_app, "working")
    client = sqlite_app.test_client()
    loose = tracking.lower().replace("-", " ")

    for typed in (tracking, f"  {loose} ", tracking.replace("-", "")):
        response = client.get("/portal/cari", query_string={"nomor": typed})
        assert response.status_code == 303, typed
        assert response.headers["Location"] == f"/t/{tracking}"
    assert tracking in ok(client, f"/t/{tracking}")


def test_look_alike_letters_in_a_tracking_number_are_read_as_digits(
    sqlite_app: Flask, sdata: Data
) -> None:
    tracking = sdata.tracking(sqlite_app, "working")
    typed = tracking[:9] + tracking[9:].replace("0", "O").replace("1", "I")

    response = sqlite_app.test_client().get("/portal/cari", query_string={"nomor": typed})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/t/{tracking}"


def test_an_unknown_tracking_number_says_so(sqlite_app: Flask, sdata: Data) -> None:
    response = sqlite_app.test_client().get(
        "/portal/cari", query_string={"nomor": "jkt-2611-zzzzzz"}
    )

    assert response.status_code == 404
    assert "Laporan JKT-2611-ZZZZZZ tidak ditemukan." in response.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["12345", "JKT-26-ABC", "<b>JKT</b>", "JKT-2611-7K3QX!"])
def test_an_ill_formed_tracking_number_is_a_400_with_the_expected_form(
    sqlite_app: Flask, typed: str
) -> None:
    make_town(sqlite_app)

    response = sqlite_app.test_client().get("/portal/cari", query_string={"nomor": typed})
    body = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "bukan nomor laporan" in body and "JKT-2611-7K3QXM" in body
    assert "<b>JKT" not in body


def test_the_search_page_without_a_number_is_the_form(sqlite_app: Flask) -> None:
    make_town(sqlite_app)

    body = ok(sqlite_app.test_client(), "/portal/cari")

    assert 'name="nomor"' in body and "data-error" not in body


# --- languages -------------------------------------------------------------------------------


def test_english_is_chosen_by_lang_and_kept_in_a_cookie(sqlite_app: Flask, sdata: Data) -> None:
    client = sqlite_app.test_client()

    first = client.get("/portal/", query_string={"lang": "en"})
    body = first.get_data(as_text=True)
    assert first.status_code == 200
    assert '<html lang="en">' in body
    assert "How are citizens' reports handled?" in body and "Key figures" in body
    assert f"{COOKIE}=en" in first.headers["Set-Cookie"]

    # The next pages, without ?lang, stay English.
    listing = ok(client, "/portal/laporan")
    assert '<html lang="en">' in listing and "Confidential report" in listing
    assert "Being handled" in listing and "Citizens' reports" in listing
    search = client.get("/portal/cari", query_string={"nomor": "nope"})
    assert "is not a report number" in search.get_data(as_text=True)

    # And back.
    back = ok(client, "/portal/laporan", lang="id")
    assert '<html lang="id">' in back and "Laporan rahasia" in back
    assert '<html lang="id">' in ok(client, "/portal/")


def test_pages_outside_the_portal_stay_indonesian_with_the_english_cookie(
    sqlite_app: Flask, sdata: Data
) -> None:
    client = client_as(sqlite_app, "officer_a")
    assert '<html lang="en">' in ok(client, "/portal/", lang="en")

    staff = ok(client, "/tickets")
    public = ok(client, f"/t/{sdata.tracking(sqlite_app, 'working')}")
    portal = ok(client, "/portal/laporan")

    assert '<html lang="id">' in staff and ">Tiket</a>" in staff
    # The citizen's tracking page follows the portal's switch (issue 12 §5).
    assert '<html lang="en">' in public
    assert '<html lang="en">' in portal and ">Public portal</a>" in portal


def test_english_figures_use_english_digits(sqlite_app: Flask, sdata: Data) -> None:
    shown = portal_figures(ok(sqlite_app.test_client(), "/portal/", lang="en"))

    assert shown[("completion_rate", "30")][1] == "40.0%"
    assert shown[("median_handling_h", "30")][1] == "2.0 h"
    assert "4.00 / 5 B (Good)" in shown[("mean_rating", "30")][1]


def test_english_filter_errors_are_english(sqlite_app: Flask, sdata: Data) -> None:
    response = sqlite_app.test_client().get(
        "/portal/laporan", query_string={"lang": "en", "status": "open"}
    )

    assert response.status_code == 400
    assert "Unknown Status: open" in response.get_data(as_text=True)


def test_an_unknown_language_falls_back_to_indonesian(sqlite_app: Flask) -> None:
    make_town(sqlite_app)
    client = sqlite_app.test_client()

    response = client.get("/portal/", query_string={"lang": "fr"})

    assert '<html lang="id">' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers  # no language cookie, and no session either
    client.set_cookie(COOKIE, "xx", domain="pantau.test")
    assert '<html lang="id">' in ok(client, "/portal/")


def test_the_portal_offers_a_language_switch_link(sqlite_app: Flask) -> None:
    make_town(sqlite_app)

    body = ok(sqlite_app.test_client(), "/portal/laporan", kategori="sampah")

    assert 'href="/portal/laporan?kategori=sampah&amp;lang=en"' in body
    assert 'data-lang-switch="en"' in body


@pytest.mark.parametrize(
    "query",
    ["endpoint=x", "_external=1&_scheme=javascript", "_anchor=x", "halaman=1&endpoint=y"],
)
def test_arguments_named_like_url_for_options_stay_plain_arguments(
    sqlite_app: Flask, sdata: Data, query: str
) -> None:
    client = sqlite_app.test_client()
    for path in ("/portal/", "/portal/laporan", "/portal/cari"):
        response = client.get(f"{path}?{query}")
        body = response.get_data(as_text=True)
        assert response.status_code == 200, (path, body[:300])
        switch = re.search(r'class="topbar__lang" href="([^"]+)"', body).group(1)
        assert switch.startswith(f"{path}?") and "javascript" not in switch.split("?")[0]


# --- the figures cache -------------------------------------------------------------------------


def received_30(client: FlaskClient, **args: str) -> str:
    return portal_figures(ok(client, "/portal/", **args))[("received", "30")][1]


def test_the_figures_are_served_from_the_cache_until_the_ttl_passes(
    sqlite_app: Flask, sdata: Data
) -> None:
    client = sqlite_app.test_client()
    assert sqlite_app.config["PORTAL_CACHE_SECONDS"] == 60
    assert received_30(client) == "5"

    add_ticket(sqlite_app, **AT_SENAYAN, category="sampah")

    # Within the TTL: the same answer, from the cache.
    with time_machine.travel(NOW + timedelta(seconds=59), tick=False):
        assert received_30(client) == "5"
        # The English figures are their own entry, built now.
        assert received_30(client, lang="en") == "6"
    # Past the TTL: built again, the new report counts.
    with time_machine.travel(NOW + timedelta(seconds=61), tick=False):
        assert received_30(client, lang="id") == "6"
    # The latest reports (not cached) show the new report at once.
    with time_machine.travel(NOW + timedelta(seconds=62), tick=False):
        assert len(listed(ok(client, "/portal/"))) == 6


def test_the_cache_ttl_is_configurable(tmp_path: object) -> None:
    for app in make_app("sqlite", tmp_path, {"PORTAL_CACHE_SECONDS": 5}):
        make_town(app)
        add_ticket(app, **AT_SENAYAN)
        client = app.test_client()
        assert received_30(client) == "1"
        add_ticket(app, **AT_SENAYAN)
        with time_machine.travel(NOW + timedelta(seconds=4), tick=False):
            assert received_30(client) == "1"
        with time_machine.travel(NOW + timedelta(seconds=6), tick=False):
            assert received_30(client) == "2"


# --- rate limits -------------------------------------------------------------------------------


@pytest.fixture
def limited_app(tmp_path: object) -> Iterator[Flask]:
    yield from make_app(
        "sqlite",
        tmp_path,
        {
            "RATELIMIT_ENABLED": True,
            "RATE_LIMIT_PUBLIC": "3 per minute",
            "RATE_LIMIT_SEARCH": "2 per minute",
            "RATE_LIMIT_OPEN311_POST": "2 per minute",
        },
    )


def codes(responses: list[TestResponse]) -> list[int]:
    return [r.status_code for r in responses]


def test_the_portal_pages_answer_429_past_their_limit(limited_app: Flask) -> None:
    make_town(limited_app)
    client = limited_app.test_client()

    landing = [client.get("/portal/") for _ in range(4)]
    assert codes(landing) == [200, 200, 200, 429]
    assert "Retry-After" in landing[3].headers
    other = limited_app.test_client()
    listing = [other.get("/portal/laporan", environ_base={"REMOTE_ADDR": "10.1.1.1"})]
    listing += [other.get("/portal/laporan", environ_base={"REMOTE_ADDR": "10.1.1.1"})]
    assert codes(listing) == [200, 200]  # another client is not held back


def test_the_tracking_search_answers_429_past_its_limit(limited_app: Flask) -> None:
    make_town(limited_app)
    client = limited_app.test_client()

    searches = [
        client.get("/portal/cari", query_string={"nomor": "JKT-2611-ZZZZZZ"}) for _ in range(3)
    ]

    assert codes(searches) == [404, 404, 429]
    assert "Retry-After" in searches[2].headers


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_posts_answer_429_in_the_spec_error_format(limited_app: Flask, fmt: str) -> None:
    town = make_town(limited_app)
    client = limited_app.test_client()
    form = {
        "api_key": town.api_key,
        "service_code": "jalan-rusak",
        "lat": "-6.1985",
        "long": "106.8652",
        "description": "Jalan berlubang besar di depan sekolah, membahayakan pengendara.",
    }

    posts = [client.post(f"/open311/v2/requests.{fmt}", data=form) for _ in range(3)]

    assert codes(posts) == [201, 201, 429]
    limited = posts[2]
    assert "Retry-After" in limited.headers
    body = limited.get_data(as_text=True)
    if fmt == "json":
        [error] = limited.get_json()
        assert error["code"] == 429 and "too many requests" in error["description"]
    else:
        assert limited.mimetype == "text/xml" and "<code>429</code>" in body
    # GETs are not held back by the posts' limit.
    assert client.get(f"/open311/v2/services.{fmt}").status_code == 200


# --- the committed catalogue ---------------------------------------------------------------


def test_every_marked_string_has_its_english_compiled_in_the_tree() -> None:
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    with (root / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    marked = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), method_map, options_map, keywords={"_": None, "gettext": None}
        )
        if isinstance(message, str)
    }
    folder = root / "dashboard" / "translations" / "en" / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as f:
        po = {m.id: m for m in read_po(f) if m.id}
    with (folder / "messages.mo").open("rb") as f:
        mo = {m.id: m.string for m in read_mo(f) if m.id}

    assert len(marked) > 100
    assert sorted(marked - set(po)) == []  # extracted but not in the catalogue
    assert [m.id for m in po.values() if not m.string or m.fuzzy] == []
    assert mo == {msgid: m.string for msgid, m in po.items()}  # compiled and current
