"""In real Chromium at the users' screens: the validator (1366×768) decides with the
reporter's "belum selesai" in front of them and writes why they verify anyway; the
citizen (390×844) reads when their report is due, how late it is, the unit's note,
in Indonesian and, after the switch, in English (issue 12 §3, §5)."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from flask import Flask

from dashboard import clock
from dashboard.extensions import db
from dashboard.models import Ticket, TicketEventRow
from dashboard.services import validation
from dashboard.services import workflow as svc
from tests.browser.conftest import shot
from tests.browser.test_validation_walk import login, road_photo
from tests.factories import build_world, new_ticket

pytestmark = pytest.mark.browser

DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
WHY = "Foto sesudah jelas menunjukkan lubang sudah ditambal rata dengan aspal."


def _seed(live_app: Flask) -> tuple[int, str, int, str]:
    """A completion rated 'belum selesai' (for the validator), and an older report
    still open past its completion deadline with nothing done (for the citizen)."""
    now = clock.now()
    with live_app.app_context():
        world = build_world(now - timedelta(days=20))
        officer = world.actor("officer_a")
        at = now - timedelta(days=1)
        rated = new_ticket(
            at,
            external_id="CIT-RATED",
            lat=-6.1985,
            lon=106.8652,
            reported_at=at.isoformat(),
            photos=[base64.b64encode(road_photo(True)).decode()],
        )
        svc.start_work(rated, actor=officer, now=at + timedelta(hours=1), publish=svc.no_publish)
        svc.complete(
            rated,
            note="Ditambal aspal dingin.",
            public_note="Lubang sudah ditambal. Info: 0812-3456-7890.",
            photos=[road_photo(False)],
            actor=officer,
            now=at + timedelta(hours=3),
            publish=svc.no_publish,
        )
        validation.rate_by_channel(
            rated,
            channel_code="jaki",
            rating=1,
            fixed=False,
            comment="Lubangnya masih ada di sisi kiri jalan.",
            now=at + timedelta(hours=5),
            publish=svc.no_publish,
        )
        old_at = now - timedelta(days=12)
        late = new_ticket(
            old_at,
            external_id="CIT-LATE",
            lat=-6.1950,
            lon=106.8700,
            category="sampah",
            reported_at=old_at.isoformat(),
        )
        svc.start_work(late, actor=officer, now=old_at + timedelta(hours=2), publish=svc.no_publish)
        tracking = {t.id: t.tracking for t in db.session.scalars(db.select(Ticket))}
        return rated, tracking[rated], late, tracking[late]


def test_the_validator_verifies_against_belum_selesai_with_a_reason_and_the_citizen_sees_when(
    live_app: Flask, live_server: str, browser_page
) -> None:
    page, base = browser_page, live_server
    rated, rated_tracking, late, late_tracking = _seed(live_app)

    # The validator, at a desk: the reporter's word sits in the decision panel.
    page.set_viewport_size(DESK)
    login(page, base, "validator_tim")
    page.goto(f"{base}/validation/{rated}")
    panel = page.locator("#decision")
    assert panel.locator("#decision-rating .verdict--no").is_visible()
    assert panel.get_by_text("Lubangnya masih ada di sisi kiri jalan.").is_visible()
    justification = panel.locator("input[name=justification]")
    assert justification.is_visible() and justification.get_attribute("required") is not None
    page.screenshot(path=str(shot(page, "citizen-validator-panel")), full_page=False)
    for box in ("check_place", "check_resolved", "check_note"):
        page.check(f"#review input[name={box}]")
    # Past the browser's own check (as a script could): the server refuses, in Indonesian.
    page.evaluate("document.querySelector('#review input[name=justification]').required = false")
    page.evaluate("window.__noReload = true")
    page.locator("#review form[action$='/verify'] button[type=submit]").click()
    page.locator("#justification-error").wait_for()
    assert "wajib diisi" in page.locator("#justification-error").inner_text()
    assert page.evaluate("window.__noReload") is True
    page.locator("#justification-error").scroll_into_view_if_needed()
    page.screenshot(path=str(shot(page, "citizen-validator-refused")), full_page=False)
    with live_app.app_context():
        assert db.session.get(Ticket, rated).status != "verified"
    for box in ("check_place", "check_resolved", "check_note"):
        page.check(f"#review input[name={box}]")
    page.fill("#review input[name=justification]", WHY)
    page.locator("#review form[action$='/verify'] button[type=submit]").click()
    page.locator("#review .decision__state--done").wait_for()
    assert page.locator(".timeline__note--justification", has_text=WHY).is_visible()
    shot(page, "citizen-validator-verified")
    with live_app.app_context():
        row = db.session.scalars(
            db.select(TicketEventRow).where(
                TicketEventRow.ticket_id == rated, TicketEventRow.kind == "verified"
            )
        ).one()
        assert row.data["justification"] == WHY
    page.click("header form button[type=submit]")  # Keluar
    page.wait_for_url("**/login**")

    # The citizen, on a phone: when, how late, in their language.
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/t/{late_tracking}")
    when = page.locator("#public-when")
    assert "Target selesai" in when.inner_text()
    assert "terlambat" in when.inner_text() and "hari" in when.inner_text()
    box = when.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]  # on the first screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shot(page, "citizen-tracking-late-id")), full_page=False)
    page.locator("[data-lang-switch=en]").click()
    page.wait_for_url("**lang=en**")
    assert "days late" in page.locator("#public-when").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(shot(page, "citizen-tracking-late-en")), full_page=False)

    # The verified one: done, and the unit's note for citizens without the phone number.
    page.goto(f"{base}/t/{rated_tracking}")
    assert page.locator("html").get_attribute("lang") == "en"  # the cookie remembers
    note = page.locator("#public-note")
    assert "Lubang sudah ditambal." in note.inner_text()
    assert "3456" not in page.content()
    shot(page, "citizen-tracking-done-en")
    # The refused verify's 422 is the one error the console reports.
    assert [e for e in page.js_errors if "status of 422" not in e] == []
