"""Response headers every page carries, and the rate limiter's set-up.

The Content-Security-Policy allows scripts only from this origin (no inline
scripts, no ``eval``), so an injected ``<script>`` does not run even if some
text escaped the templates' escaping. Styles may be inline: Plotly and htmx
set style attributes. Connections (fetch, XHR, the board's WebSocket) go to
this origin only: CSP level 3 counts ``ws:``/``wss:`` to the page's own host
as ``'self'``. No page may be framed by another site.

Nothing that may carry reporter data is kept by a browser or a proxy: every
response to a logged-in user, every API and Open311 answer and every board
response is ``Cache-Control: no-store``. Only static files and what a view
declares ``public`` (the public completion photos, the Plotly bundle) are
cacheable.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request, session
from flask.logging import default_handler

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HSTS = "max-age=31536000; includeSubDomains"


# Blueprints whose every answer is private: the APIs (reporter fields, rating
# links) and the boards (ticket rows, wall tokens).
NO_STORE_BLUEPRINTS = frozenset({"api", "open311", "board"})
NO_STORE_PATHS = ("/api/", "/open311/")  # also their 404s, which match no blueprint


def _must_not_be_stored(response: Response) -> bool:
    if request.endpoint == "static":
        return False
    if request.blueprint in NO_STORE_BLUEPRINTS or request.path.startswith(NO_STORE_PATHS):
        return True
    if response.cache_control.public:
        return False  # a deliberately public asset, the same for everyone
    # A staff session (Flask-Login keeps the user id in the session): read from
    # the cookie, no database, so this holds on error pages too.
    return "_user_id" in session


def _headers(app: Flask, response: Response) -> Response:
    h = response.headers
    if _must_not_be_stored(response) and "no-store" not in h.get("Cache-Control", ""):
        h["Cache-Control"] = "no-store"
    tiles = app.config.get("MAP_TILES_ORIGIN")  # views/maps.py: PANTAU_MAP_TILES' host
    csp = CSP.replace("blob:", f"blob: {tiles}", 1) if tiles else CSP
    h.setdefault("Content-Security-Policy", csp)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self), payment=()")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    # HSTS only when the browser reached us over TLS (directly or through a
    # proxy that says so with ProxyFix), or when the deployment says it is
    # TLS-only: never on plain-HTTP development runs.
    if request.is_secure or app.config.get("SESSION_COOKIE_SECURE"):
        h.setdefault("Strict-Transport-Security", HSTS)
    return response


def register_security(app: Flask) -> None:
    from .extensions import limiter

    app.after_request(lambda response: _headers(app, response))
    if app.config.get("PROXY_FIX"):
        # Behind one reverse proxy (nginx): trust its X-Forwarded-For / -Proto,
        # so rate limits count clients, not the proxy, and is_secure is right.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        # Limits must hold across processes in production: Redis when there is one.
        app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    if str(app.config["RATELIMIT_STORAGE_URI"]).startswith(("redis", "valkey", "unix")):
        # An unreachable Redis must fail fast (then limits fall back to memory),
        # not hold a request for the operating system's connect timeout.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {})
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {
            "socket_connect_timeout": 1,
            "socket_timeout": 1,
            **app.config["RATELIMIT_STORAGE_OPTIONS"],
        }
    limiter.init_app(app)
    # Flask-Limiter logs the fall-back to memory ("Rate limit storage unreachable")
    # and the recovery as warnings of its own logger, which has only a NullHandler:
    # unless the deployment configured logging, they go where Flask's own log goes.
    limiter_log = logging.getLogger("flask-limiter")
    if not logging.getLogger().handlers and default_handler not in limiter_log.handlers:
        limiter_log.addHandler(default_handler)
        limiter_log.setLevel(logging.INFO)
