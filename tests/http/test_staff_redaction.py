"""What a rahasia reporter types about themselves into the description or a
rating comment reaches no staff page, partial, snapshot or export of an
officer, validator or executive; admin and MRO read it as written, and the
reporter's identity itself still opens only with a logged reason."""

from __future__ import annotations

import io
import re
import zipfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Rating, ReporterAccess, Ticket, TicketEventRow
from dashboard.services import validation
from tests.conftest import T0
from tests.factories import later
from tests.http.helpers import (
    AT_UTAN_KAYU,
    HTMX,
    add_ticket,
    client_as,
    complete_ticket,
    make_town,
    tracking_of,
)

NAME, PHONE, EMAIL = "Zulkarnaen Markowitz", "081299990007", "zzmark7@example.id"
REPORTER = {"name": NAME, "phone": PHONE, "email": EMAIL, "confidential": True}
# The reporter's own name and contact, typed in forms the reporter fields do not show.
DESCRIPTION = (
    "Saya Zulkarnaen Markowitz, telp +62.812.9999.0007 atau zzmark7 at example dot id. "
    "Got mampet di depan rumah, air meluap ke jalan setiap hujan."
)
CHANNEL_COMMENT = (
    "Belum beres. Hubungi Pak Markowitz di 0 8 1 2 9 9 9 9 0 0 0 7 / zzmark7(at)example(dot)id"
)
LINK_COMMENT = (
    "Masih bocor, kata Zulkarnaen; WA 62-812-9999-0007, email zzmark7 [at] example [dot] id"
)
# Searched for in every response: the name's words, the e-mail's local part (any
# spelling of the address contains it) and the phone's digits whatever separates them.
LEAKS = {
    "name": re.compile(r"zulkarnaen|markowitz", re.IGNORECASE),
    "email": re.compile(r"zzmark7", re.IGNORECASE),
    "phone": re.compile(r"[\W_]{0,4}".join("81299990007")),
}
STAFF = ["officer_a", "validator_tim", "validator_prov", "exec_tim", "exec_prov"]
# Not staff pages (public, covered by test_privacy), or not pages at all.
SKIP = ("/logout", "/static/", "/kpi/assets/", "/portal", "/t/", "/p/", "/r/", "/login", "/wall/")
MAX_PAGES = 90


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(later(T0, hours=3), tick=False):
        yield


@dataclass
class Marked:
    by_channel: int  # rated through the channel API
    by_link: int  # rated through the reporter's own link


@pytest.fixture
def marked(sqlite_app: Flask) -> Marked:
    town = make_town(sqlite_app)
    by_channel = add_ticket(sqlite_app, **AT_UTAN_KAYU, description=DESCRIPTION, reporter=REPORTER)
    by_link = add_ticket(sqlite_app, **AT_UTAN_KAYU, description=DESCRIPTION, reporter=REPORTER)
    with sqlite_app.app_context():
        token = validation.issue_rating_token(by_link, now=T0)
        db.session.commit()
    for ticket_id in (by_channel, by_link):
        complete_ticket(sqlite_app, ticket_id)
    public = sqlite_app.test_client()
    rated = public.post(
        f"/api/v1/tickets/{tracking_of(sqlite_app, by_channel)}/rating",
        json={"rating": 1, "fixed": False, "comment": CHANNEL_COMMENT},
        headers={"X-API-Key": town.api_key},
    )
    assert rated.status_code == 200, rated.get_data(as_text=True)
    rated = public.post(f"/r/{token}", data={"fixed": "no", "rating": "2", "comment": LINK_COMMENT})
    assert rated.status_code == 200, rated.get_data(as_text=True)
    return Marked(by_channel, by_link)


def leaks(text: str) -> list[str]:
    return [what for what, pattern in LEAKS.items() if pattern.search(text)]


def body_text(data: bytes, mimetype: str) -> str:
    """A response as text; an XLSX download as the XML of all its parts."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return data.decode("utf-8", "replace")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "hx-get", "data-url", "data-href") and value:
                self.found.append(value)


def page_key(url: str) -> tuple[str, tuple[str, ...], str, str]:
    """Pages that differ only by a filter value or page number count once."""
    parts = urlsplit(url)
    args = dict(parse_qsl(parts.query))
    path = re.sub(r"/\d+(?=/|$)", "/N", parts.path)
    return (path, tuple(sorted(args)), args.get("export", ""), args.get("table", ""))


def crawl(client: FlaskClient, starts: list[str]) -> dict[str, str]:
    """Every staff page reachable from ``starts`` by links (as a page and as an htmx
    partial), with each page's text, up to ``MAX_PAGES`` kinds of page."""
    seen: dict[str, str] = {}
    keys: set[tuple[str, tuple[str, ...], str, str]] = set()
    fetched: set[str] = set()
    queue = deque(starts)
    while queue and len(keys) < MAX_PAGES:
        url = queue.popleft()
        key = page_key(url)
        if url in fetched or (key in keys and url not in starts):
            continue
        fetched.add(url)
        keys.add(key)
        variants = [({}, url)] if "export=" in url else [({}, url), (HTMX, f"{url} [htmx]")]
        for headers, label in variants:
            response = client.get(url, headers=headers)
            assert response.status_code < 500, (url, response.status_code)
            if response.status_code != 200:
                continue
            text = body_text(response.get_data(), response.mimetype)
            seen[label] = text
            if response.mimetype != "text/html":
                continue
            parser = Links()
            parser.feed(text)
            for link in parser.found:
                parts = urlsplit(link)
                if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                    continue
                if parts.path.startswith(SKIP):
                    continue
                queue.append(
                    parts.path + (f"?{urlencode(parse_qsl(parts.query))}" if parts.query else "")
                )
    return seen


# --- the handling unit, the validators and the executives ------------------------------


@pytest.mark.parametrize("username", STAFF)
def test_no_staff_page_partial_snapshot_or_export_carries_what_the_reporter_typed(
    sqlite_app: Flask, marked: Marked, username: str
) -> None:
    client = client_as(sqlite_app, username)
    starts = [
        "/",
        f"/tickets/{marked.by_channel}",
        f"/tickets/{marked.by_link}",
        "/board",
        "/board/snapshot.json",
        "/validation",
        f"/validation/{marked.by_channel}",
        f"/validation/{marked.by_link}",
        "/kpi/",
        "/kpi/tickets",
    ]

    pages = crawl(client, starts)

    leaked = {url: what for url, text in pages.items() if (what := leaks(text))}
    assert leaked == {}
    # The search did reach the marked texts, redacted: the ticket page shows the
    # description with the reporter masked and the rest of it as written.
    ticket_page = pages[f"/tickets/{marked.by_channel}"]
    assert "Got mampet di depan rumah" in ticket_page
    assert "[nama disembunyikan]" in ticket_page and "[telepon disembunyikan]" in ticket_page
    assert "[email disembunyikan]" in ticket_page
    assert "/tickets?" in " ".join(pages) or "/tickets [htmx]" in pages
    assert any("export=xlsx" in url for url in pages) and any("export=csv" in url for url in pages)
    if username == "validator_tim":  # the body that validates Jakarta Timur's units
        review = pages[f"/validation/{marked.by_channel}"]
        assert "Belum beres. Hubungi Pak [nama disembunyikan] di [telepon disembunyikan]" in review
        assert "Masih bocor" in pages[f"/validation/{marked.by_link}"]


def test_stored_history_last_reason_and_ratings_keep_the_citizens_words_only_redacted(
    sqlite_app: Flask, marked: Marked
) -> None:
    with sqlite_app.app_context():
        for ticket_id in (marked.by_channel, marked.by_link):
            notes = db.session.scalars(
                select(TicketEventRow.note).where(
                    TicketEventRow.ticket_id == ticket_id, TicketEventRow.kind == "rated"
                )
            ).all()
            ticket = db.session.get(Ticket, ticket_id)
            rating = db.session.scalar(select(Rating).where(Rating.ticket_id == ticket_id))
            assert len(notes) == 1 and notes[0].startswith(("Belum beres", "Masih bocor"))
            assert leaks(notes[0]) == [] and leaks(ticket.last_reason or "") == []
            assert leaks(ticket.public_description or "") == []
            assert leaks(rating.public_comment or "") == []
            # As written, for admin and MRO: the reporter's words are all there.
            assert set(leaks(rating.comment)) == {"name", "email", "phone"}
            assert set(leaks(ticket.description)) == {"name", "email", "phone"}


# --- admin and MRO ----------------------------------------------------------------------


@pytest.mark.parametrize("username", ["admin", "mro"])
def test_admin_and_mro_read_the_description_and_comments_as_written(
    sqlite_app: Flask, marked: Marked, username: str
) -> None:
    client = client_as(sqlite_app, username)

    page = client.get(f"/tickets/{marked.by_channel}").get_data(as_text=True)
    listing = client.get("/tickets", headers=HTMX).get_data(as_text=True)

    assert (
        "Saya Zulkarnaen Markowitz, telp +62.812.9999.0007 atau zzmark7 at example dot id" in page
    )
    assert "Saya Zulkarnaen Markowitz" in listing
    # The rating comment in the history, as the reporter wrote it.
    assert CHANNEL_COMMENT in page
    assert LINK_COMMENT in client.get(f"/tickets/{marked.by_link}").get_data(as_text=True)


def test_admin_reads_the_rating_comments_as_written_on_the_review_page(
    sqlite_app: Flask, marked: Marked
) -> None:
    client = client_as(sqlite_app, "admin")

    by_channel = client.get(f"/validation/{marked.by_channel}").get_data(as_text=True)
    by_link = client.get(f"/validation/{marked.by_link}").get_data(as_text=True)

    assert CHANNEL_COMMENT in by_channel
    assert LINK_COMMENT in by_link


def test_the_reveal_still_opens_the_identity_with_a_reason_and_logs_it(
    sqlite_app: Flask, marked: Marked
) -> None:
    mro = client_as(sqlite_app, "mro")
    officer = client_as(sqlite_app, "officer_a")
    url = f"/tickets/{marked.by_channel}/reporter"

    refused = officer.post(url, data={"reason": "Ingin menghubungi pelapor."})
    opened = mro.post(url, data={"reason": "Pelapor minta dihubungi ulang soal lokasi."})

    assert refused.status_code != 200 and leaks(refused.get_data(as_text=True)) == []
    assert opened.status_code == 200
    assert PHONE in opened.get_data(as_text=True) and NAME in opened.get_data(as_text=True)
    with sqlite_app.app_context():
        rows = db.session.execute(select(ReporterAccess.ticket_id, ReporterAccess.reason)).all()
    assert [tuple(r) for r in rows] == [
        (marked.by_channel, "Pelapor minta dihubungi ulang soal lokasi.")
    ]
