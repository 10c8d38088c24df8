"""The board points at what needs action now (issue 12, section 1), in real Chromium.

A room of 14 tickets inside their deadlines, 14 late ones and one stuck for
45 days: the wall shows two lists (Segera by time left, Terlambat by
escalation then lateness) in type legible from 4 m, keeps the chronic ticket
out of its rows and in a tile, and shows a report ingested during the test at
the top of Segera within seconds. The workstation reaches every row (pages,
filters); a warning given there shows who gave it, and when, on the row. On a
phone the board is a stacked summary without horizontal scrolling.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from dashboard import clock
from dashboard.extensions import db
from dashboard.models import Ticket
from dashboard.queries.board import snapshot_cache
from dashboard.scope import actor_for_user
from dashboard.services import walls
from tests.browser.conftest import PLACES, shot
from tests.factories import PASSWORD, build_world, new_ticket, report_payload

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}
UHD = {"width": 3840, "height": 2160}
DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SEGERA, LATE = 14, 14

# Every visible element holding words or numbers (not a lone glyph), with its font size.
TEXT_SIZES = """(scope) => {
  const out = [];
  for (const el of document.querySelectorAll(scope + ' *')) {
    if (el.closest('.sr-only, [hidden]')) continue;
    const own = Array.from(el.childNodes).filter(n => n.nodeType === 3)
      .map(n => n.textContent).join('').trim();
    if (!/[A-Za-z0-9]/.test(own)) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    out.push([el.className || el.tagName, own.slice(0, 30), size]);
  }
  return out;
}"""


@dataclass
class Room:
    app: Flask
    url: str
    token: str
    api_key: str
    segera: list[int]
    late: list[int]
    chronic: int


def _ticket(at: datetime, external_id: str, i: int) -> int:
    """A report received at ``at`` in one of three kelurahan (two kota)."""
    place = {k: v for k, v in PLACES[i % 3].items() if k in ("lat", "lon")}
    return new_ticket(at, external_id=external_id, reported_at=at.isoformat(), **place)


@pytest.fixture
def room(live_app: Flask, live_server: str) -> Iterator[Room]:
    snapshot_cache.clear()
    now = clock.now()
    with live_app.app_context():
        world = build_world(now - timedelta(days=60))
        # Inside their response deadline (received an hour or two ago, not yet worked).
        segera = [_ticket(now - timedelta(minutes=60 + 5 * i), f"S-{i}", i) for i in range(SEGERA)]
        # Unworked for two days and more: escalated (level 2), late.
        late = [_ticket(now - timedelta(days=2, hours=i), f"L-{i}", i) for i in range(LATE)]
        # Stuck for 45 days: chronic.
        chronic = _ticket(now - timedelta(days=45), "KRONIS-1", 2)
        admin = actor_for_user(world.users["admin"])
        token = walls.issue_wall_token(label="Layar 1", kota_id=None, actor=admin, now=now).token
        api_key = world.api_key
    yield Room(live_app, live_server, token, api_key, segera, late, chronic)
    snapshot_cache.clear()


def _synced(page) -> None:
    page.wait_for_function(
        "() => window.pantauBoard && pantauBoard.synced && pantauBoard.connected", timeout=10000
    )
    page.wait_for_function("() => document.querySelector('#board').ariaBusy === 'false'")


def _ids(page, list_id: str) -> list[int]:
    return page.evaluate(
        f"Array.from(document.querySelectorAll('#{list_id} > [data-id]'),"
        " e => Number(e.dataset.id))"
    )


def _login(page, room: Room, username: str = "mro") -> None:
    page.goto(f"{room.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _ingest(room: Room, external_id: str) -> int:
    response = requests.post(
        f"{room.url}/api/v1/tickets",
        json=report_payload(external_id=external_id, reported_at=clock.now().isoformat()),
        headers={"X-API-Key": room.api_key},
        timeout=5,
    )
    assert response.status_code == 201, response.text
    with room.app.app_context():
        return db.session.scalar(
            select(Ticket.id).where(Ticket.tracking == response.json()["tracking"])
        )


def test_the_wall_shows_segera_and_terlambat_legibly_and_new_reports_at_once(
    browser_page, room: Room
) -> None:
    page = browser_page
    page.set_viewport_size(FULL_HD)
    page.goto(f"{room.url}/wall/{room.token}")
    _synced(page)

    segera, late = _ids(page, "board-segera"), _ids(page, "board-late")
    # 6–8 rows a list at 1920×1080; nothing scrolls.
    assert 6 <= len(segera) <= 8 and 6 <= len(late) <= 8, (len(segera), len(late))
    assert page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    ) == [1920, 1080]
    # Segera: time left to the deadline, least first (the oldest report is due first).
    assert segera == sorted(room.segera, reverse=True)[: len(segera)]
    # Terlambat: all level 2 here, so the longest late first.
    assert late == sorted(room.late, reverse=True)[: len(late)]
    assert "Eskalasi 2" in page.locator(f'#board-late [data-id="{late[0]}"]').inner_text()
    assert page.locator("#board-segera-more").inner_text() == f"+{SEGERA - len(segera)} lainnya"

    # The chronic ticket is on the board's model, counted in its tile, and in no wall row.
    assert page.evaluate(f"pantauBoard.model.has({room.chronic})")
    assert room.chronic not in segera + late
    assert page.locator(f'[data-id="{room.chronic}"]').count() == 0
    assert page.locator('[data-counter="chronic"] .ctile__value').inner_text() == "1"
    assert "Kronis > 30 hari" in page.locator('[data-counter="chronic"]').inner_text()
    assert page.locator("#board-late-count").inner_text() == str(LATE)

    # Legible from 4 m: row text ≥ 40 px, every other word or number ≥ 28 px.
    sizes = page.evaluate(TEXT_SIZES, ".board")
    assert sizes, "no text measured"
    small = [s for s in sizes if s[2] < 28]
    assert small == [], small
    rows = page.evaluate(
        "Array.from(document.querySelectorAll('.brow__line:first-child'),"
        " e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert rows and min(rows) >= 40, rows
    # Tracking numbers and ticker meta are for the workstation only.
    assert page.locator(".brow__tracking, .tick__meta").count() == 0
    body = page.locator("#board-main").inner_text()
    assert "JKT-" not in body

    # A report arriving now heads Segera within seconds, marked new; the counter flashes.
    unworked = page.locator('[data-counter="unworked"]')
    before = int(unworked.locator(".ctile__value").inner_text())
    tid = _ingest(room, "WALL-NEW-1")
    row = page.locator(f'#board-segera > [data-id="{tid}"]')
    row.wait_for(timeout=5000)
    assert _ids(page, "board-segera")[0] == tid
    assert "Baru" in row.inner_text()
    assert int(unworked.locator(".ctile__value").inner_text()) == before + 1
    page.wait_for_function(
        "(id) => document.querySelector(`#board-segera > [data-id='${id}']`)"
        ".classList.contains('is-flash')",
        arg=tid,
        timeout=2000,
    )
    # Without motion (prefers-reduced-motion) the flash is a steady outline instead.
    page.emulate_media(reduced_motion="reduce")
    style = page.evaluate(
        "(id) => { const s = getComputedStyle("
        "document.querySelector(`#board-segera > [data-id='${id}']`));"
        " return [s.animationName, s.outlineStyle]; }",
        tid,
    )
    assert style == ["none", "solid"], style
    page.emulate_media(reduced_motion="no-preference")
    shot(page, "wall-1920")

    # Scales up to 3840×2160: the same layout at twice the pixels.
    page.set_viewport_size(UHD)
    page.wait_for_function(
        "() => parseFloat(getComputedStyle(document.querySelector('.brow__line')).fontSize) >= 80"
    )
    assert page.evaluate("document.documentElement.scrollWidth") == 3840
    assert 6 <= len(_ids(page, "board-late")) <= 8
    shot(page, "wall-3840")
    assert page.js_errors == []


def test_the_workstation_reaches_every_row_and_shows_who_warned(browser_page, room: Room) -> None:
    page = browser_page
    page.set_viewport_size(DESK)
    _login(page, room)
    page.goto(f"{room.url}/board/workstation")
    _synced(page)
    page.locator("#desk-list tr").first.wait_for()

    # Priority: the late rows first, then Segera; 25 a page, the rest on the next page.
    assert page.locator("#desk-list tr").count() == 25
    assert page.locator("#desk-count").inner_text() == f"1–25 dari {SEGERA + LATE} tiket"
    last = room.segera[0]  # the latest response deadline: last in priority order
    assert page.locator(f'#desk-list > tr[data-id="{last}"]').count() == 0
    page.get_by_role("button", name="Berikutnya ›").click()
    page.locator(f'#desk-list > tr[data-id="{last}"]').wait_for(timeout=2000)
    assert "hal=2" in page.url
    shot(page, "workstation-page2")

    # "Tampilkan semua": every row at once.
    page.get_by_label("Tampilkan semua").check()
    page.wait_for_function(
        f"() => document.querySelectorAll('#desk-list tr').length === {SEGERA + LATE}"
    )

    # The chronic tile opens the chronic list; filters narrow by unit.
    page.locator('[data-counter="chronic"]').click()
    page.wait_for_function("() => document.querySelectorAll('#desk-list tr').length === 1")
    assert page.locator(f'#desk-list > tr[data-id="{room.chronic}"]').count() == 1
    assert "keadaan=chronic" in page.url
    page.select_option("select[name=keadaan]", "all")
    page.select_option("select[name=unit]", label="Kel. Senayan")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#desk-list tr'))"
        ".every(tr => tr.textContent.includes('Senayan'))"
    )
    senayan = _ids(page, "desk-list")
    in_senayan = sum(1 for n in (SEGERA, LATE) for i in range(n) if i % 3 == 2)
    assert room.chronic in senayan and len(senayan) == 1 + in_senayan

    # Warn one unit: the row then says who warned it, and when, and flashes.
    target = room.late[-1]
    page.locator("#desk-filters button[type=reset]").click()
    page.get_by_label("Tampilkan semua").check()
    page.locator(f'#desk-list > tr[data-id="{target}"] button[data-act="warning"]').click()
    page.locator("#board-dialog button[type=submit]").click()
    page.locator("#board-toast").wait_for(state="visible", timeout=5000)
    touch = page.locator(f'#desk-list > tr[data-id="{target}"] .btouch')
    touch.wait_for(timeout=5000)
    now_hhmm = clock.now().astimezone(clock.JAKARTA).strftime("%H:")
    text = touch.inner_text()
    assert "Teguran ke unit" in text and "Mro" in text and now_hhmm in text, text
    page.wait_for_function(
        "(id) => document.querySelector(`#desk-list > tr[data-id='${id}']`)"
        ".classList.contains('is-flash')",
        arg=target,
        timeout=3000,
    )
    shot(page, "workstation-1366")

    # The wall board shows the same mark on the row (the name, the time; the words read out).
    page.set_viewport_size(FULL_HD)
    page.goto(f"{room.url}/board")
    _synced(page)
    wall_touch = page.locator(f'#board-late [data-id="{target}"] .btouch')
    assert "Mro" in wall_touch.inner_text()
    assert "Teguran ke unit" in wall_touch.text_content()
    assert page.js_errors == []


def test_the_board_on_a_phone_is_a_stacked_summary(browser_page, room: Room) -> None:
    page = browser_page
    page.set_viewport_size(PHONE)
    _login(page, room)
    page.goto(f"{room.url}/board")
    _synced(page)
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]
    # Counters two by two, the kota numbers, then the top of both lists as cards.
    tiles = page.locator(".ctile")
    assert tiles.count() == 8
    first, second, third = (tiles.nth(i).bounding_box() for i in range(3))
    assert first["y"] == second["y"] and third["y"] > first["y"]
    assert page.locator(".ktile").count() == 2
    assert len(_ids(page, "board-segera")) == 5 and len(_ids(page, "board-late")) == 5
    # Nothing sticks out of the screen.
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('.board *'))"
        ".filter(e => e.getBoundingClientRect().right > innerWidth + 1"
        " && !e.closest('.leaflet-container, .sr-only'))"  # clipped: a map's panes, sr text
        ".map(e => e.className)"
    )
    assert wide == []
    shot(page, "board-phone")
    assert page.js_errors == []
