"""The screenshot tour: each role's landing page at the screens its users have —
a 1920×1080 wall, a 1366×768 desk, a 390×844 phone — saved under the artifacts
dir (``<role>-<width>.png``). With ``PANTAU_README_SHOTS=<dir>`` (docs/screens)
the README's pictures are copied there too: the wall, the workstation, the
governor's phone briefing and a page with a map.

Each screen is also checked as a person would see it: the page answers, draws
without a script error, and on the phone nothing is wider than the screen.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.a11y_world import (  # noqa: F401 (fixtures)
    World,
    artifacts_dir,
    browser,
    new_context,
    world,
)

pytestmark = pytest.mark.browser

WALL = {"width": 1920, "height": 1080}
DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SCREENS = {"wall": WALL, "desk": DESK, "phone": PHONE}

# Where each role lands after logging in (views/auth.py), and what shows it is drawn.
LANDING: dict[str | None, tuple[str, str]] = {
    None: ("/portal/", "#grafik-trend .main-svg"),
    "officer": ("/tickets", "#ticket-list"),
    "admin": ("/tickets", "#ticket-list"),
    "mro": ("/board", "#board[aria-busy=false]"),
    "gubernur": ("/kpi/", "#grafik-trend .main-svg"),
    "walikota": ("/kpi/", "#grafik-trend .main-svg"),
    "validator": ("/validation", "main h1"),
}

# The README's pictures: (file name, role, path or None for the landing page, screen,
# what shows it is drawn). The map: the citizen's tracking page carries one (issue 12 §2).
README: list[tuple[str, str | None, str | None, dict[str, int], str]] = [
    ("wall.png", None, "/wall/{wall}", WALL, "#board[aria-busy=false]"),
    ("workstation.png", "mro", "/board/workstation", DESK, "#board[aria-busy=false]"),
    ("phone-briefing.png", "gubernur", None, PHONE, "main h1"),
    ("map.png", None, "/t/{tracking}", DESK, "main h1"),
]


def settle(page, ready: str) -> None:
    page.locator(ready).first.wait_for(timeout=10_000)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")


def too_wide(page) -> list[str]:
    """Elements that stick out past the right edge of the screen (a phone must not scroll
    sideways; a wide table may scroll inside its own wrapper)."""
    return page.evaluate(
        """() => {
          const w = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= w + 1) return [];
          return Array.from(document.querySelectorAll('body *'))
            .filter(el => el.getBoundingClientRect().right > w + 1 && el.offsetParent !== null)
            .slice(0, 5).map(el => el.tagName.toLowerCase() + '.' + (el.className || '') );
        }"""
    )


@pytest.mark.parametrize("role", list(LANDING), ids=lambda r: r or "visitor")
def test_each_role_lands_on_a_page_that_fits_every_screen(
    browser,  # noqa: F811
    world: World,  # noqa: F811
    role: str | None,
) -> None:
    path, ready = LANDING[role]
    context, page = new_context(browser, world, role, DESK)
    wide: dict[str, list[str]] = {}
    try:
        for screen, size in SCREENS.items():
            page.set_viewport_size(size)
            response = page.goto(world.base + path)
            assert response is not None and response.status == 200, (role, path)
            settle(page, ready)
            path_png = artifacts_dir() / f"{role or 'visitor'}-{screen}.png"
            page.screenshot(path=str(path_png), full_page=True)
            if screen == "phone" and too_wide(page):
                wide[screen] = too_wide(page)
        assert page.js_errors == []  # type: ignore[attr-defined]
    finally:
        context.close()
    assert wide == {}, f"{role or 'visitor'} at a phone's width scrolls sideways: {wide}"


def test_the_readme_pictures(browser, world: World) -> None:  # noqa: F811
    """The wall, the workstation, the phone briefing and a map: the screen as it is
    (not the whole page), into the artifacts and, when asked, into docs/screens."""
    target = os.environ.get("PANTAU_README_SHOTS")
    for name, role, path, size, ready in README:
        context, page = new_context(browser, world, role, size)
        try:
            url = (path or LANDING[role][0]).format(wall=world.wall_token, tracking=world.tracking)
            response = page.goto(world.base + url)
            assert response is not None and response.status == 200, url
            settle(page, ready)
            shot_path = artifacts_dir() / f"readme-{name}"
            page.screenshot(path=str(shot_path))
            assert shot_path.stat().st_size > 10_000  # a drawn screen, not a blank one
            assert page.js_errors == []  # type: ignore[attr-defined]
        finally:
            context.close()
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot_path, Path(target) / name)
