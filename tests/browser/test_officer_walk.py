"""An officer logs in on Perlu tindakan, finds a new ticket, starts it and completes it
with a photo; on a desk and on a phone the list runs next deadline first with live
countdowns; the disposition picker filters as one types and the disposition goes out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from dashboard.extensions import db
from dashboard.models import Ticket
from tests.browser.conftest import shot
from tests.conftest import T0
from tests.factories import PASSWORD, build_world, new_ticket, photo_bytes
from tests.http.helpers import AT_PALMERIAM as PALMERIAM

pytestmark = pytest.mark.browser


def test_officer_starts_and_completes_a_ticket_without_page_reloads(
    live_app: Flask, live_server: str, browser_page, tmp_path
) -> None:
    with live_app.app_context():
        build_world(T0)
        tid = new_ticket(T0)
        tracking = db.session.get(Ticket, tid).tracking
    page = browser_page
    page.goto(f"{live_server}/login")
    page.fill("#username", "officer_a")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/tickets/tindakan")
    assert page.locator("#todo").get_by_text(tracking).is_visible()
    shot(page, "worklist")

    page.click(f"text={tracking}")
    page.wait_for_url(f"{live_server}/tickets/{tid}")
    # Mark the document: if the page reloads, the mark disappears.
    page.evaluate("window.__noReload = true")
    page.click("#ticket details[open] button[type=submit]")  # Mulai kerjakan
    page.locator("#ticket .badge--in_progress").wait_for()
    assert page.evaluate("window.__noReload") is True

    photo = tmp_path / "bukti.jpg"
    photo.write_bytes(photo_bytes())
    complete = page.locator("#ticket form[action$='/complete']")
    complete.locator("textarea[name=note]").fill("Lubang sudah ditambal aspal.")
    complete.locator("input[type=file]").set_input_files(str(photo))
    complete.locator("button[type=submit]").click()
    page.locator("#ticket .badge--awaiting_validation").wait_for()
    assert page.evaluate("window.__noReload") is True
    assert page.locator("#ticket img[alt='Foto bukti penyelesaian']").count() == 1
    shot(page, "ticket-completed")
    assert page.js_errors == []
    with live_app.app_context():
        assert db.session.get(Ticket, tid).status == "awaiting_validation"


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/tickets/tindakan")


DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def test_perlu_tindakan_counts_down_live_next_deadline_first_on_desk_and_phone(
    live_app: Flask, live_server: str, browser_page
) -> None:
    now = datetime.now(UTC)
    with live_app.app_context():
        build_world(T0)
        # Response deadlines (6 h after receipt): one in about two minutes, one in
        # about three hours, one that passed a day ago.
        soon = new_ticket(
            now - timedelta(hours=5, minutes=58), external_id="W-1", category="sampah"
        )
        later_one = new_ticket(now - timedelta(hours=3), external_id="W-2", category="sampah")
        late = new_ticket(now - timedelta(hours=30), external_id="W-3", category="sampah")
        other_unit = new_ticket(
            now - timedelta(hours=5), external_id="W-4", category="sampah", **PALMERIAM
        )
    page = browser_page
    page.set_viewport_size(DESK)
    page.clock.install(time=now)
    _log_in(page, live_server, "officer_a")
    rows = page.locator(".todo-row")
    ids = [int(rows.nth(i).get_attribute("data-ticket")) for i in range(rows.count())]
    assert ids == [late, soon, later_one]
    assert other_unit not in ids
    soon_row = page.locator(f".todo-row[data-ticket='{soon}']")
    countdown = soon_row.locator(".countdown")
    assert countdown.inner_text().endswith("menit lagi")
    assert "baru" in soon_row.inner_text()
    late_row = page.locator(f".todo-row[data-ticket='{late}']")
    assert "respons terlambat" in late_row.inner_text()
    assert late_row.locator(".countdown").inner_text().startswith("lewat 1 hari")
    assert soon_row.evaluate("r => getComputedStyle(r).display") == "table-row"
    assert page.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
    shot(page, "officer-todo-desk")

    # On a phone each row is a card: number, category, status and countdown, and
    # nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    assert soon_row.evaluate("r => getComputedStyle(r).display") == "grid"
    box = soon_row.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    for part in (".todo-row__no", ".todo-row__what", ".todo-row__status", ".countdown"):
        assert soon_row.locator(part).is_visible(), part
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "officer-todo-phone")

    # Three minutes on, the countdown has run out without a reload. The list's own
    # refresh (htmx, every minute, the server's clock) is held back: the countdown alone
    # must move.
    page.route(
        "**/tickets/tindakan*",
        lambda route: (
            route.fulfill(status=204, body="")
            if route.request.headers.get("hx-request")
            else route.continue_()
        ),
    )
    page.evaluate("window.__noReload = true")
    page.clock.fast_forward("03:00")
    page.wait_for_function(
        "id => document.querySelector(`.todo-row[data-ticket='${id}'] .countdown`)"
        ".textContent.startsWith('lewat')",
        arg=soon,
    )
    assert "countdown--late" in (countdown.get_attribute("class") or "")
    assert "is-late" in (soon_row.get_attribute("class") or "")
    assert page.evaluate("window.__noReload") is True
    shot(page, "officer-todo-phone-later")
    assert page.js_errors == []


def test_the_disposition_picker_filters_as_one_types_and_the_ticket_goes_out(
    live_app: Flask, live_server: str, browser_page
) -> None:
    with live_app.app_context():
        world = build_world(T0)
        tid = new_ticket(T0)
    palmeriam = world.ids["KEL-PALMERIAM"]
    page = browser_page
    page.set_viewport_size(DESK)
    _log_in(page, live_server, "officer_a")
    page.goto(f"{live_server}/tickets/{tid}")
    page.locator("summary", has_text="Disposisi ke unit lain").click()
    search = page.locator("#disposisi-unit-cari")
    assert search.is_visible()  # the script showed the search box, labelled
    assert page.get_by_label("Cari unit").nth(1).get_attribute("id") == "disposisi-unit-cari"
    picker = page.locator("#disposisi-unit")
    assert picker.locator("optgroup").first.get_attribute("label") == "Biasa menangani kategori ini"
    search.click()
    page.keyboard.type("palm")
    assert picker.input_value() == str(palmeriam)
    assert page.locator("#disposisi-unit-jumlah").inner_text() == "1 unit cocok"
    assert picker.locator("option:not([hidden])").count() == 1
    page.keyboard.press("Enter")  # into the list, not sending the form
    assert page.evaluate("document.activeElement.id") == "disposisi-unit"
    shot(page, "officer-picker-desk")
    # The ticket page and its picker fit a phone.
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert picker.bounding_box()["width"] <= PHONE["width"]
    shot(page, "officer-picker-phone")
    form = page.locator("#ticket form[action$='/dispose']")
    form.locator("textarea[name=reason]").fill("Lokasi masuk wilayah Palmeriam.")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server}/tickets/tindakan")  # it left this unit's list
    assert page.get_by_text("tiket tidak lagi ada di daftar Anda").is_visible()
    with live_app.app_context():
        assert db.session.get(Ticket, tid).assigned_unit_id == palmeriam
    assert page.js_errors == []
