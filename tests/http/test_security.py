"""Security headers on every response, no inline script anywhere, and rate limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import make_app
from tests.http.helpers import Town, add_ticket, make_town

TEMPLATES = Path(__file__).resolve().parents[2] / "dashboard" / "templates"


@pytest.fixture
def limited_app(tmp_path: object) -> Iterator[Flask]:
    yield from make_app(
        "sqlite",
        tmp_path,
        {
            "RATELIMIT_ENABLED": True,
            "RATE_LIMIT_LOGIN": "3 per minute",
            "RATE_LIMIT_PUBLIC": "5 per minute",
        },
    )


def test_every_page_carries_the_security_headers(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    for path in ("/login", "/t/JKT-2611-ZZZZZZ", "/static/live.js"):
        response = client.get(path)
        h = response.headers
        response.close()
        csp = h["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
        assert "'unsafe-eval'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["X-Frame-Options"] == "DENY"
        assert h["Referrer-Policy"] == "strict-origin-when-cross-origin"
        # Plain HTTP (a development run): no HSTS, which would lock browsers out.
        assert "Strict-Transport-Security" not in h


def test_hsts_is_sent_over_tls(sqlite_app: Flask) -> None:
    h = sqlite_app.test_client().get("/login", base_url="https://pantau.test").headers
    assert h["Strict-Transport-Security"].startswith("max-age=31536000")


def test_hsts_is_sent_when_the_deployment_says_it_is_tls_only(tmp_path: object) -> None:
    for app in make_app("sqlite", tmp_path, {"SESSION_COOKIE_SECURE": True}):
        h = app.test_client().get("/login").headers
        assert "max-age=31536000" in h["Strict-Transport-Security"]


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    # The CSP would block them; this finds them before a browser does.
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for m in re.finditer(r"<script\b([^>]*)>", text):
            attrs = m.group(1)
            if "src=" not in attrs and 'type="application/json"' not in attrs:
                offenders.append(f"{path.name}: inline <script{attrs}>")
        for m in re.finditer(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path.name}: event handler attribute {m.group(0).strip()}")
        if "hx-on" in text:
            offenders.append(f"{path.name}: hx-on needs eval")
    assert offenders == []


def test_log_in_attempts_are_limited_per_client(limited_app: Flask) -> None:
    client = limited_app.test_client()
    codes = [
        client.post("/login", data={"username": "nobody", "password": "wrong"}).status_code
        for _ in range(4)
    ]
    assert codes[:3] == [401, 401, 401]  # wrong password, said plainly
    assert codes[3] == 429
    # Another client address is not held back by the first one's attempts.
    other = client.post(
        "/login",
        data={"username": "nobody", "password": "wrong"},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert other.status_code == 401
    # The form itself (GET) is not what is limited.
    assert client.get("/login").status_code == 200


def test_the_public_tracking_page_answers_429_past_its_limit(limited_app: Flask) -> None:
    town: Town = make_town(limited_app)
    tid = add_ticket(limited_app, category="jalan-rusak")
    assert town and tid
    with limited_app.app_context():
        from dashboard.extensions import db
        from dashboard.models import Ticket

        tracking = db.session.get(Ticket, tid).tracking
    client = limited_app.test_client()
    codes = [client.get(f"/t/{tracking}").status_code for _ in range(6)]
    assert codes[:5] == [200] * 5
    assert codes[5] == 429
    limited = client.get(f"/t/{tracking}")
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers
