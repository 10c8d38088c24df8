"""An officer logs in, finds a new ticket, starts it and completes it with a photo."""

from __future__ import annotations

import pytest
from flask import Flask

from dashboard.extensions import db
from dashboard.models import Ticket
from tests.browser.conftest import shot
from tests.conftest import T0
from tests.factories import PASSWORD, build_world, new_ticket, photo_bytes

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
    page.wait_for_url(f"{live_server}/tickets")
    assert page.locator("#ticket-list").get_by_text(tracking).is_visible()
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
