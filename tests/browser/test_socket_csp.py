"""The CSP lets the board connect to its own origin only (``connect-src 'self'``)
and real Chromium still opens the live socket as a WebSocket (CSP level 3
counts ws: to the page's own host as 'self'), with no violation reported."""

from __future__ import annotations

import pytest

from tests.browser.test_board import (  # noqa: F401  (fixtures)
    Kiosk,
    _open_board,
    kiosk,
    kiosk_app,
    server,
)

pytestmark = pytest.mark.browser


def test_the_board_socket_is_a_websocket_under_connect_src_self(
    browser_page,
    kiosk: Kiosk,  # noqa: F811
) -> None:
    page = browser_page
    page.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(f"{kiosk.url}/wall/{kiosk.token}")
    assert "connect-src 'self';" in response.headers["content-security-policy"]
    _open_board(page, kiosk)
    page.wait_for_function(
        "() => pantauBoard.socket.io.engine.transport.name === 'websocket'", timeout=5000
    )
    assert page.evaluate("window.__cspViolations") == []
    assert page.js_errors == []
