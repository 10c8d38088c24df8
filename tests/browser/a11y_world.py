"""One seeded world, one live server and one Chromium for a whole browser module.

The accessibility check (test_a11y.py) and the screenshot tour (test_screens.py)
visit dozens of pages as every role; building the world per page would cost more
than the pages. A module gets: the app on its own SQLite file, a little Jakarta
with tickets in every state, a wall token and a rating link; the page list is a
table of (role, path, name) built from those ids (``pages()``): extend it there.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from dashboard import clock
from dashboard.domain.intake import parse_report
from dashboard.domain.workflow import Actor
from dashboard.extensions import db
from dashboard.models import Ticket
from dashboard.queries.board import snapshot_cache
from dashboard.scope import actor_for_user
from dashboard.services import intake, walls
from dashboard.services import workflow as svc
from tests.browser.conftest import CHROMIUM, PLACES
from tests.conftest import make_app
from tests.factories import PASSWORD, build_world, photo_bytes, report_payload

# The user each role logs in as (tests/factories.py build_world).
USERS = {
    "admin": "admin",
    "mro": "mro",
    "gubernur": "exec_prov",
    "walikota": "exec_tim",
    "validator": "validator_tim",
    "officer": "officer_a",
}


@dataclass
class World:
    base: str
    app: Flask
    ids: dict[str, int] = field(default_factory=dict)
    tracking: str = ""
    wall_token: str = ""
    rating_token: str = ""


@dataclass(frozen=True)
class Page:
    role: str | None  # None: a visitor without an account
    path: str
    name: str
    ready: str | None = None  # a selector to wait for before checking (charts, live rows)


def _ticket(now, i: int, *, rating_link: bool = False, **overrides) -> tuple[int, str | None]:
    place = PLACES[i % len(PLACES)]
    payload = report_payload(
        external_id=f"A11Y-{i:03d}", reported_at=now.isoformat(), **{**place, **overrides}
    )
    result = intake.receive_report(
        parse_report(payload, now=now),
        payload_hash=None,
        actor=Actor.channel(str(payload["channel"])),
        now=now,
        publish=svc.no_publish,
        rating_link=rating_link,
    )
    return result.ticket_id, result.rating_token


def seed(app: Flask) -> dict[str, object]:
    """Ten days of tickets: new, being worked, late, completed (awaiting validation)."""
    now = clock.now()
    with app.app_context():
        world = build_world(now - timedelta(days=12))
        officers = [world.actor("officer_a"), world.actor("officer_b"), world.actor("officer_c")]
        made = []
        for i in range(15):
            at = now - timedelta(days=i % 10, hours=2 + i)
            made.append((i, at, _ticket(at, i)[0]))
        for i, at, tid in made:
            officer = officers[i % 3]
            if i % 5 == 4:
                continue  # unworked (and late, for the older ones)
            svc.start_work(tid, actor=officer, now=at + timedelta(hours=1), publish=svc.no_publish)
            if i % 5 in (1, 2):
                svc.complete(
                    tid,
                    note="Sudah ditangani, saluran dibersihkan.",
                    photos=[photo_bytes()],
                    actor=officer,
                    now=at + timedelta(hours=3),
                    publish=svc.no_publish,
                )
        # The citizen's own report: completed, with the one-time rating link.
        at = now - timedelta(days=2)
        mine, token = _ticket(at, 99, rating_link=True)
        svc.start_work(mine, actor=officers[0], now=at + timedelta(hours=1), publish=svc.no_publish)
        svc.complete(
            mine,
            note="Lubang sudah ditambal.",
            photos=[photo_bytes()],
            actor=officers[0],
            now=at + timedelta(hours=2),
            publish=svc.no_publish,
        )
        admin = actor_for_user(world.users["admin"])
        wall = walls.issue_wall_token(label="Ruang MRO layar 1", kota_id=None, actor=admin, now=now)
        return {
            "ids": {**world.ids, "mine": mine, "worked": made[0][2], "unworked": made[4][2]},
            "users": {name: user.id for name, user in world.users.items()},
            "tracking": db.session.get(Ticket, mine).tracking,
            "wall_token": wall.token,
            "rating_token": token,
        }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    snapshot_cache.clear()
    tmp = tmp_path_factory.mktemp("a11y")
    for app in make_app("sqlite", tmp, {"SERVER_NAME": None, "WTF_CSRF_ENABLED": True}):
        seeded = seed(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            w = World(f"http://127.0.0.1:{server.server_port}", app)
            w.ids = {**seeded["ids"], **{f"user:{k}": v for k, v in seeded["users"].items()}}
            w.tracking = seeded["tracking"]
            w.wall_token = seeded["wall_token"]
            w.rating_token = seeded["rating_token"]
            yield w
        finally:
            server.shutdown()
            thread.join(5)
            snapshot_cache.clear()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium): browser test not run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _favicon(route) -> None:
    route.fulfill(
        status=200, content_type="image/svg+xml", body="<svg xmlns='http://www.w3.org/2000/svg'/>"
    )


def new_context(browser, world: World, role: str | None, viewport: dict[str, int]):
    """A browser context (its own cookies) logged in as the role's user, or a visitor."""
    context = browser.new_context(viewport=viewport, locale="id-ID")
    # Chromium cancels favicon requests mid-flight; the dev server then leaves the
    # file to the garbage collector and filterwarnings=error fails on its warning.
    context.route("**/favicon*", _favicon)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    if role is not None:
        page.goto(f"{world.base}/login")
        page.fill("#username", USERS[role])
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def artifacts_dir() -> Path:
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# ---- The checks (axe-core injected under the page's real CSP; the focus ring) ----

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("critical", "serious")
# Moderate in axe, held to all the same (issue 12 §5): one <main> per page, no skipped
# heading level, no content outside a landmark, a page heading.
ALSO_BLOCKING = {"landmark-one-main", "heading-order", "region", "page-has-heading-one"}


# The computed style of the focused element: a visible outline or a box-shadow ring.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const ring = s.boxShadow && s.boxShadow !== 'none';
  const text = (el.textContent || el.name || el.id || '').trim().slice(0, 40);
  return {tag: el.tagName.toLowerCase(), text: text, visible: outline || ring};
}"""


def axe_check(page, everything: list[str] | None = None) -> list[str]:
    """axe over the whole document; one line per critical/serious violating node
    (and, into ``everything``, one per node of every impact, for the artifacts)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    result = page.evaluate(
        "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))})); }",
        TAGS,
    )
    found = []
    for v in result:
        for node in v["nodes"]:
            summary = " ".join((node["summary"] or "").split())[:220]
            line = f"{v['impact']} {v['id']} @ {node['target']} — {v['help']}: {summary}"
            if everything is not None:
                everything.append(line)
            if v["impact"] in BLOCKING or v["id"] in ALSO_BLOCKING:
                found.append(line)
    return found


def focus_check(page, presses: int = 4) -> list[str]:
    """Tab from the top of the page: each focused element shows a ring."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    page.mouse.click(1, 1)  # no focus left from the log-in form
    bad = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        style = page.evaluate(FOCUS_STYLE)
        if style and not style["visible"]:
            bad.append(f"focus not visible on <{style['tag']}> {style['text']!r}")
    return bad
