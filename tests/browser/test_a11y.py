"""Every page of every role, checked by axe-core in real Chromium under the app's
real Content-Security-Policy: no critical and no serious violation (WCAG 2.0/2.1
A and AA plus axe's best practices), and keyboard focus visible on each page.

axe is injected with ``page.evaluate`` (a DevTools evaluation: the CSP does not
apply to it, and the page's own headers stay as served). The pages are a table of
(role, path, name) rows, ``pages()``: add a row for a new page. Every violation of
any impact goes to the artifacts (``a11y-<role>.txt``); the test fails on the
critical and serious ones and on the few moderate rules the issue names.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.a11y_world import (  # noqa: F401 (fixtures)
    Page,
    World,
    artifacts_dir,
    axe_check,
    browser,
    focus_check,
    new_context,
    world,
)

pytestmark = pytest.mark.browser

DESK = {"width": 1366, "height": 768}
KPI_READY = "#grafik-trend .main-svg"
PORTAL_READY = "#grafik-trend .main-svg"


def pages(w: World) -> list[Page]:
    """(role, path, name): every page each role reaches, in Indonesian and English where
    the page is translated. ``{…}`` placeholders are filled from the seeded world."""
    ids, t, wall, rate = w.ids, w.tracking, w.wall_token, w.rating_token
    mine, worked = ids["mine"], ids["worked"]
    visitor: list[Page] = [Page(None, "/login", "login")]
    for lang in ("id", "en"):
        visitor += [
            Page(None, f"/portal/?lang={lang}", f"portal-{lang}", PORTAL_READY),
            Page(None, f"/portal/laporan?lang={lang}", f"portal-list-{lang}"),
            Page(None, f"/portal/cari?lang={lang}", f"portal-search-{lang}"),
            Page(None, f"/portal/cari?q=ZZ-TIDAK-ADA&lang={lang}", f"portal-search-miss-{lang}"),
            Page(None, f"/t/{t}?lang={lang}", f"tracking-{lang}"),
            Page(None, f"/r/{rate}?lang={lang}", f"rating-{lang}"),
        ]
    visitor += [
        Page(None, "/halaman-yang-tidak-ada", "error-404"),
        Page(None, f"/wall/{wall}", "wall", "#board"),
    ]
    staff_ticket = [
        Page("officer", "/tickets", "officer-worklist"),
        Page("officer", f"/tickets/{worked}", "officer-ticket"),
        Page("officer", "/board", "officer-board", "#board"),
        Page("officer", f"/kpi/unit/{ids['KEL-UTAN-KAYU-UTARA']}", "officer-kpi-unit", KPI_READY),
        Page("officer", "/admin/users", "error-403"),
    ]
    return [
        *visitor,
        *staff_ticket,
        Page("admin", "/tickets", "admin-worklist"),
        Page("admin", f"/tickets/{mine}", "admin-ticket"),
        Page("admin", "/tickets/new", "admin-intake"),
        Page("admin", f"/tickets/{mine}/receipt", "admin-receipt"),
        Page("admin", "/admin/users", "admin-users"),
        Page("admin", f"/admin/users/{ids['user:officer_a']}", "admin-user"),
        Page("admin", "/admin/access-log", "admin-access-log"),
        Page("admin", "/board/tokens", "admin-wall-tokens"),
        Page("mro", "/board", "mro-board", "#board"),
        Page("mro", "/board/workstation", "mro-workstation", "#board"),
        Page("mro", f"/tickets/{worked}", "mro-ticket"),
        Page("gubernur", "/kpi/", "gubernur-kpi-summary", KPI_READY),
        Page("gubernur", "/kpi/rankings", "gubernur-kpi-rankings"),
        Page("gubernur", "/kpi/tickets", "gubernur-kpi-tickets"),
        Page("gubernur", f"/kpi/unit/{ids['JKT-TIM']}", "gubernur-kpi-unit", KPI_READY),
        Page("gubernur", "/board", "gubernur-board", "#board"),
        Page("walikota", "/kpi/", "walikota-kpi-summary", KPI_READY),
        Page("validator", "/validation", "validator-queue"),
        Page("validator", f"/validation/{mine}", "validator-review"),
        Page("validator", f"/tickets/{mine}", "validator-ticket"),
    ]


ROLES = [None, "officer", "admin", "mro", "gubernur", "walikota", "validator"]


def visit(page, base: str, target: Page, check: Callable[[object], list[str]]) -> list[str]:
    response = page.goto(base + target.path)
    assert response is not None
    if target.ready:
        page.locator(target.ready).first.wait_for(timeout=10_000)
    return check(page)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "visitor")
def test_every_page_has_no_serious_violation_and_a_visible_focus(
    browser,  # noqa: F811
    world: World,  # noqa: F811
    role: str | None,
) -> None:
    context, page = new_context(browser, world, role, DESK)
    problems: dict[str, list[str]] = {}
    log: list[str] = []  # every violation of any impact, for the artifacts
    mine = [target for target in pages(world) if target.role == role]
    first = mine[0]
    try:
        for target in mine:
            everything: list[str] = []
            found = visit(
                page,
                world.base,
                target,
                lambda p, everything=everything: axe_check(p, everything) + focus_check(p),
            )
            log += [f"{target.name} ({target.path}):", *(f"  {line}" for line in everything)]
            if target == first:  # what a focus ring looks like, to look at
                page.screenshot(path=str(artifacts_dir() / f"a11y-focus-{target.name}.png"))
            if found:
                problems[f"{target.name} ({target.path})"] = found
    finally:
        context.close()
        (artifacts_dir() / f"a11y-{role or 'visitor'}.txt").write_text("\n".join(log) + "\n")
    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in problems.items())
    assert not problems, f"accessibility problems as {role or 'visitor'}:\n{report}"


def test_the_checks_catch_what_they_look_for(browser, world: World) -> None:  # noqa: F811
    """The harness itself: axe runs under the page's CSP and reports a faint text and a
    control nested in a role=img; the focus check reports a control with no ring."""
    context, page = new_context(browser, world, None, DESK)
    try:
        page.goto(world.base + "/login")
        page.evaluate(
            """() => {
              const main = document.querySelector('main');
              const faint = document.createElement('p');
              faint.textContent = 'Teks pucat';
              faint.style.color = '#d0d0d0';
              const chart = document.createElement('div');
              chart.setAttribute('role', 'img');
              chart.setAttribute('aria-label', 'Grafik');
              chart.innerHTML = '<a href="#x">Unduh</a>';
              main.prepend(faint, chart);
              for (const el of document.querySelectorAll('a, button, input'))
                el.style.outline = 'none';
              document.styleSheets[0].insertRule('*:focus-visible { box-shadow: none !important }');
            }"""
        )
        found = " ".join(axe_check(page))
        assert "color-contrast" in found and "nested-interactive" in found, found
        assert focus_check(page, presses=2)  # neither outline nor ring: reported
    finally:
        context.close()
