"""One ticket from ingest to verification, in real Chromium: a channel delivers it,
an officer completes it, the citizen rates it 1 ("belum selesai"), the job sends it
back, the validator reopens it, the officer completes it again, the validator verifies."""

from __future__ import annotations

import base64
import io
from datetime import timedelta

import pytest
import requests
from flask import Flask
from PIL import Image, ImageDraw

from dashboard import clock
from dashboard.extensions import db
from dashboard.models import Ticket, TicketEventRow
from dashboard.services import validation
from dashboard.services import workflow as svc
from jobs import reopen_low_rated
from tests.browser.conftest import shot
from tests.factories import PASSWORD, build_world, new_ticket, report_payload

pytestmark = pytest.mark.browser

MARKERS = {"name": "ZZWALKNAME9", "phone": "081299990009", "email": "zzwalk9@example.id"}


def road_photo(pothole: bool) -> bytes:
    """A grey road, with a dark pothole before the repair and a fresh patch after."""
    image = Image.new("RGB", (640, 480), (128, 128, 124))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 220, 640, 236), fill=(235, 235, 225))  # lane marking
    if pothole:
        draw.ellipse((220, 290, 430, 400), fill=(45, 40, 38))
    else:
        draw.rectangle((215, 285, 435, 405), fill=(70, 70, 72))
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=85)
    return buf.getvalue()


def complete_as_officer(tid: int, officer, at, note: str) -> None:
    svc.start_work(tid, actor=officer, now=at, publish=svc.no_publish)
    svc.complete(
        tid,
        note=note,
        photos=[road_photo(False)],
        actor=officer,
        now=at + timedelta(hours=2),
        publish=svc.no_publish,
    )


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)  # each role lands on its own page


def logout(page) -> None:
    page.click("header form button[type=submit]")  # Keluar
    page.wait_for_url("**/login**")


def complete_in_browser(page, base: str, tid: int, photo_path, note: str) -> None:
    page.goto(f"{base}/tickets/{tid}")
    start = page.locator("#ticket form[action$='/start']")
    if start.count():
        start.locator("button[type=submit]").click()
        page.locator("#ticket .badge--in_progress").wait_for()
    form = page.locator("#ticket form[action$='/complete']")
    form.locator("textarea[name=note]").fill(note)
    form.locator("input[type=file]").set_input_files(str(photo_path))
    form.locator("button[type=submit]").click()
    page.locator("#ticket .badge--awaiting_validation").wait_for()


def test_a_ticket_goes_from_ingest_to_verified_through_a_low_rating_and_a_reopen(
    live_app: Flask, live_server: str, browser_page, tmp_path
) -> None:
    page = browser_page
    base = live_server
    # This walk leaves pages quickly; when Chromium cancels the favicon request the
    # dev server's open file is left to the garbage collector, and its
    # ResourceWarning fails the test (filterwarnings = error). Serve it from here.
    page.route(
        "**/static/img/favicon.svg",
        lambda route: route.fulfill(
            status=200,
            content_type="image/svg+xml",
            body="<svg xmlns='http://www.w3.org/2000/svg'/>",
        ),
    )
    now = clock.now()
    with live_app.app_context():
        world = build_world(now - timedelta(days=5))
        officer = world.actor("officer_a")
        # Other work in Jakarta Timur's queue: late, due soon, sampled.
        spots = [(-6.1950, 106.8700), (-6.1960, 106.8600), (-6.2000, 106.8610)]
        ages = [timedelta(days=3), timedelta(hours=42), timedelta(hours=5)]
        others = []
        for i, ((lat, lon), age) in enumerate(zip(spots, ages, strict=True)):
            at = now - age - timedelta(hours=3)
            tid = new_ticket(
                at,
                external_id=f"WALK-OTHER-{i}",
                category="sampah" if i == 1 else "jalan-rusak",
                lat=lat,
                lon=lon,
                reported_at=at.isoformat(),
                photos=[base64.b64encode(road_photo(True)).decode()],
            )
            complete_as_officer(tid, officer, at, "Sudah dibersihkan dan dirapikan.")
            others.append(tid)
        validation.flag_only(others[2], "sample", now=now, detail={"week": "2026-11-16"})

    # 1. A channel delivers the report; the reporter's rating link comes back once.
    payload = report_payload(
        external_id="WALK-0001",
        reported_at=(now - timedelta(minutes=30)).isoformat(),
        reporter={**MARKERS, "confidential": True},
        photos=[base64.b64encode(road_photo(True)).decode()],
    )
    response = requests.post(
        f"{base}/api/v1/tickets", json=payload, headers={"X-API-Key": world.api_key}, timeout=10
    )
    assert response.status_code == 201, response.text
    body = response.json()
    tracking, rating_url = body["tracking"], body["rating_url"]
    token = rating_url.rsplit("/", 1)[1]
    with live_app.app_context():
        tid = db.session.scalar(db.select(Ticket.id).where(Ticket.tracking == tracking))

    after = tmp_path / "sesudah.jpg"
    after.write_bytes(road_photo(False))

    # 2. The officer starts and completes it with a photo.
    login(page, base, "officer_a")
    complete_in_browser(page, base, tid, after, "Lubang sudah ditambal aspal.")
    logout(page)

    # 3. The citizen opens the rating link: "belum selesai" needs a reason.
    page.goto(rating_url)
    shot(page, "rating-page")
    page.locator(".verdict-choice--no").click()
    page.locator(".star-choice").first.click()
    page.locator("button[type=submit]", has_text="Kirim penilaian").click()
    page.locator("#comment-error").wait_for()
    # That 422 was the point; the browser logs any 4xx page load as a console error.
    page.js_errors.remove(next(e for e in page.js_errors if "422" in e))
    page.fill("#comment", "Lubangnya masih ada di sisi kiri, hanya ditutup pasir.")
    page.locator(".verdict-choice--no").click()
    page.locator(".star-choice").first.click()
    shot(page, "rating-not-fixed")
    page.locator("button[type=submit]", has_text="Kirim penilaian").click()
    page.get_by_text("Penilaian Anda tercatat").wait_for()

    # 4. The rating itself sent the completion back to Bagian Pemerintahan
    # Jakarta Timur; the job (the safety net) finds nothing left to do.
    assert reopen_low_rated.run(live_app) == 0

    # 5. The validator finds it in the queue with its reason, and reopens it.
    login(page, base, "validator_tim")
    page.click("nav >> text=Validasi")
    page.wait_for_url(f"{base}/validation")
    row = page.locator("#validation-queue tr", has_text=tracking)
    assert row.locator(".reason--low_rating").is_visible()
    assert page.locator("#validation-queue .late--1").count() >= 1
    shot(page, "validation-queue")
    # Filtering by reason swaps the list in place.
    page.evaluate("window.__noReload = true")
    page.select_option("select[name=reason]", "low_rating")
    page.wait_for_function(
        "() => document.querySelectorAll('#validation-queue tbody tr').length === 1"
    )
    assert page.evaluate("window.__noReload") is True
    page.click(f"#validation-queue >> text={tracking}")
    page.wait_for_url(f"{base}/validation/{tid}")
    assert page.locator("#review .compare img").count() == 2  # before | after
    assert page.locator(".rating-card__comment", has_text="Lubangnya masih ada").is_visible()
    shot(page, "validation-review")
    page.evaluate("window.__noReload = true")
    page.locator("#review details.decision__alt--danger summary").click()
    page.fill(
        "#review form[action$='/reopen'] textarea[name=reason]",
        "Foto sesudah belum menunjukkan lubang tertutup aspal.",
    )
    page.locator("#review form[action$='/reopen'] button[type=submit]").click()
    page.locator("#review .decision__state--reopened").wait_for()
    assert page.evaluate("window.__noReload") is True
    logout(page)

    # 6. The officer completes it again.
    login(page, base, "officer_a")
    complete_in_browser(page, base, tid, after, "Ditambal ulang dengan aspal panas.")
    logout(page)

    # 7. The validator verifies it with the administrative checklist.
    login(page, base, "validator_tim")
    page.goto(f"{base}/validation/{tid}")
    for box in ("check_place", "check_resolved", "check_note"):
        page.check(f"#review input[name={box}]")
    page.locator("#review form[action$='/verify'] button[type=submit]").click()
    page.locator("#review .decision__state--done").wait_for()
    shot(page, "validation-verified")

    # 8. The public page tells the story, and nothing about the reporter.
    logout(page)
    page.goto(f"{base}/t/{tracking}")
    page.locator(".stepper__step.is-current", has_text="Selesai").wait_for()
    shot(page, "public-ticket")
    public_html = (
        page.content() + requests.get(f"{base}/api/v1/tickets/{tracking}", timeout=10).text
    )
    for secret in (*MARKERS.values(), token, "Lubangnya masih ada"):
        assert secret not in public_html
    assert page.js_errors == []
    with live_app.app_context():
        kinds = list(
            db.session.scalars(
                db.select(TicketEventRow.kind)
                .where(TicketEventRow.ticket_id == tid)
                .order_by(TicketEventRow.id)
            )
        )
        assert db.session.get(Ticket, tid).status == "verified"
    assert kinds == [
        "received",
        "work_started",
        "completed",
        "rated",
        "returned_for_review",
        "reopened",
        "work_started",
        "completed",
        "verified",
    ]
