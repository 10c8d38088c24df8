"""An MRO opens a past shift's handover at 1366×768, leaves a note, and prints it (A4)."""

from __future__ import annotations

import pytest
from flask import Flask

from dashboard.extensions import db
from dashboard.models import Ticket
from dashboard.scope import actor_for_user
from dashboard.services import escalation
from dashboard.services import workflow as svc
from tests.browser.conftest import shot
from tests.conftest import T0
from tests.factories import PASSWORD, build_world, later, new_ticket

pytestmark = pytest.mark.browser

SHIFT1 = "/serah-terima/2026-11-02/1"  # T0 is 08:00 WIB on 2 November 2026


def test_mro_reads_writes_and_prints_a_shift_handover(
    live_app: Flask, live_server: str, browser_page
) -> None:
    with live_app.app_context():
        world = build_world(T0)
        late = new_ticket(T0, external_id="B-1")
        new_ticket(later(T0, hours=2), external_id="B-2", category="sampah")
        escalation.sweep(now=later(T0, hours=6, minutes=1), publish=svc.no_publish)
        svc.add_note(
            late,
            text="Segera tangani.",
            kind="warning",
            actor=actor_for_user(world.users["mro"]),
            now=later(T0, hours=6, minutes=20),
            publish=svc.no_publish,
        )
        tracking = db.session.get(Ticket, late).tracking
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server}/login")
    page.fill("#username", "mro")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}{SHIFT1}")
    assert page.locator("h1").inner_text().startswith("Shift 1 (07.00–15.00)")
    assert page.locator("#h-teguran + .ho-counts").get_by_text("Belum ada tindakan: 1").is_visible()
    assert page.locator(".ho-section").nth(2).get_by_text(tracking).is_visible()

    page.fill("#catatan-baru", "Tiket jalan rusak Utan Kayu belum disentuh; sudah ditegur.")
    page.click("text=Simpan catatan")
    page.locator(".ho-note").wait_for()
    assert "sudah ditegur" in page.locator(".ho-note").inner_text()
    page.evaluate("window.scrollTo(0, 0)")  # the redirect lands on #catatan
    screen = shot(page, "handover-1366")

    page.emulate_media(media="print")
    assert not page.locator(".ho-nav").is_visible()
    assert not page.locator(".topbar").is_visible()
    assert not page.locator(".ho-form").is_visible()
    assert page.locator(".ho-note").is_visible()
    printed = shot(page, "handover-print")
    page.pdf(path=str(printed.with_suffix(".pdf")), format="A4")
    assert screen.exists() and printed.exists()
    assert page.js_errors == []  # type: ignore[attr-defined]
