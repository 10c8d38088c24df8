"""The screenshot tour: each role's landing page at the screens its users have —
a 1920×1080 wall, a 1366×768 desk, a 390×844 phone — saved under the artifacts
dir (``tour-<role>-<page>-<screen>.png``). With ``PANTAU_README_SHOTS=<dir>`` (docs/screens)
the README's pictures are copied there too: the wall, the workstation, the
governor's phone briefing and a page with a map.

Each screen is also checked as a person would see it: the page answers, draws
without a script error, has no serious accessibility violation at that size
(axe, as in test_a11y.py), and on the phone nothing is wider than the screen. The
stops are a table, ``TOUR``: add a row for a new page or screen.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.a11y_world import (  # noqa: F401 (fixtures)
    World,
    artifacts_dir,
    axe_check,
    browser,
    new_context,
    world,
)

pytestmark = pytest.mark.browser

WALL = {"width": 1920, "height": 1080}
DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SCREENS = {"wall": WALL, "desk": DESK, "phone": PHONE}
BOARD_READY = "#board[aria-busy=false]"
CHARTS_READY = "#grafik-trend .main-svg"
MAP = "[data-map]"  # a Leaflet map (static/maps.js), once drawn: its shapes are paths


@dataclass(frozen=True)
class Stop:
    role: str | None  # None: a visitor without an account
    path: str  # {wall} and {tracking} come from the seeded world
    screen: str  # a key of SCREENS
    ready: str = "main h1"  # what shows the page is drawn
    readme: str | None = None  # also copied to $PANTAU_README_SHOTS under this name
    show: str | None = None  # scrolled into the middle of the screen first, when present


# Each role's landing page (views/auth.py) on the screens its users have: the wall
# and the MRO's board at 1920×1080, every role at a desk and on a phone; plus the
# README's pictures (the wall, the workstation, the phone briefing, a map page).
TOUR: list[Stop] = [
    Stop(None, "/wall/{wall}", "wall", BOARD_READY, readme="wall.png"),
    Stop(None, "/portal/", "desk", CHARTS_READY),
    Stop(None, "/portal/", "phone", CHARTS_READY),
    Stop(None, "/t/{tracking}", "desk", readme="map.png", show=MAP),  # the citizen's map (§2)
    Stop(None, "/t/{tracking}", "phone"),
    Stop("mro", "/board", "wall", BOARD_READY),
    Stop("mro", "/board/workstation", "desk", BOARD_READY, readme="workstation.png"),
    Stop("mro", "/board", "phone", BOARD_READY),
    Stop("gubernur", "/kpi/", "desk", CHARTS_READY),
    Stop("gubernur", "/kpi/", "phone", CHARTS_READY, readme="phone-briefing.png"),
    Stop("walikota", "/kpi/", "phone", CHARTS_READY),
    Stop("officer", "/tickets", "desk"),
    Stop("officer", "/tickets", "phone"),
    Stop("validator", "/validation", "desk"),
    Stop("validator", "/validation", "phone"),
    Stop("admin", "/tickets", "desk"),
    Stop("admin", "/admin/users", "desk"),
]
ROLES = list(dict.fromkeys(stop.role for stop in TOUR))


def too_wide(page) -> list[str]:
    """Elements that stick out past the right edge of the screen (a phone must not scroll
    sideways; a wide table may scroll inside its own wrapper)."""
    return page.evaluate(
        """() => {
          const w = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= w + 1) return [];
          return Array.from(document.querySelectorAll('body *'))
            .filter(el => el.getBoundingClientRect().right > w + 1 && el.offsetParent !== null
                    && !el.closest('.leaflet-container'))  // a map clips its own panes
            .slice(0, 5).map(el => el.tagName.toLowerCase() + '.' + (el.className || ''));
        }"""
    )


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "visitor")
def test_each_role_lands_on_a_page_that_fits_its_screens(
    browser,  # noqa: F811
    world: World,  # noqa: F811
    role: str | None,
) -> None:
    """The screen as its user first sees it (the viewport, not the whole page)."""
    readme = os.environ.get("PANTAU_README_SHOTS")
    context, page = new_context(browser, world, role, DESK)
    wide: dict[str, list[str]] = {}
    violations: dict[str, list[str]] = {}
    try:
        for stop in (s for s in TOUR if s.role == role):
            page.set_viewport_size(SCREENS[stop.screen])
            path = stop.path.format(wall=world.wall_token, tracking=world.tracking)
            response = page.goto(world.base + path)
            assert response is not None and response.status == 200, (role, path)
            page.locator(stop.ready).first.wait_for(timeout=10_000)
            page.evaluate("document.fonts.ready")
            if stop.show and page.locator(stop.show).count():
                page.locator(stop.show).first.scroll_into_view_if_needed()
                page.evaluate(
                    "sel => document.querySelector(sel).scrollIntoView({block: 'center'})",
                    stop.show,
                )
                page.locator(f"{stop.show} .leaflet-overlay-pane path").first.wait_for()
            where = "-".join(p for p in stop.path.split("/") if p and "{" not in p)
            name = f"{role or 'visitor'}-{where or 'home'}-{stop.screen}"
            png = artifacts_dir() / f"tour-{name}.png"
            page.screenshot(path=str(png))
            assert png.stat().st_size > 10_000  # a drawn screen, not a blank one
            if stop.screen == "phone" and too_wide(page):
                wide[path] = too_wide(page)
            found = axe_check(page)  # at this screen's size (phones show other things)
            if found:
                violations[f"{path} @ {stop.screen}"] = found
            if readme and stop.readme:
                Path(readme).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(png, Path(readme) / stop.readme)
        assert page.js_errors == []  # type: ignore[attr-defined]
    finally:
        context.close()
    assert wide == {}, f"{role or 'visitor'} at a phone's width scrolls sideways: {wide}"
    assert violations == {}, f"accessibility problems as {role or 'visitor'}: {violations}"
