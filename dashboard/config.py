"""Defaults. The environment is read inside ``create_app``, never at import."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ENV_KEYS = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "REDIS_URL": "REDIS_URL",
    "PANTAU_SECRET_KEY": "SECRET_KEY",
    "PANTAU_REPORTER_HASH_KEY": "REPORTER_HASH_KEY",
    "PANTAU_SECURE_COOKIES": "SESSION_COOKIE_SECURE",
    "PANTAU_RATING_THRESHOLD": "RATING_THRESHOLD",
    "PANTAU_SOCKETIO_ASYNC_MODE": "SOCKETIO_ASYNC_MODE",
    "PANTAU_SOCKETIO_CHANNEL": "SOCKETIO_CHANNEL",
    "PANTAU_OPEN311_JURISDICTION": "OPEN311_JURISDICTION",
    "PANTAU_PROXY_FIX": "PROXY_FIX",
    "PANTAU_RETENTION_MONTHS": "RETENTION_MONTHS",
    "PANTAU_RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "PANTAU_PORTAL_CACHE_SECONDS": "PORTAL_CACHE_SECONDS",
    "PANTAU_RATE_LIMIT_OPEN311_POST": "RATE_LIMIT_OPEN311_POST",
    "PANTAU_RATE_LIMIT_INGEST": "RATE_LIMIT_INGEST",
    "PUBLIC_BASE_URL": "PUBLIC_BASE_URL",
    "PANTAU_SHIFTS": "SHIFTS",
    "PANTAU_MAP_TILES": "MAP_TILES",
    "PANTAU_MAP_TILES_ATTRIBUTION": "MAP_TILES_ATTRIBUTION",
}


def defaults(instance_path: str) -> dict[str, Any]:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'pantau.sqlite'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": None,
        "SECRET_KEY": None,  # filled from instance/secret_key when unset
        "REPORTER_HASH_KEY": None,  # derived from SECRET_KEY when unset
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,  # set PANTAU_SECURE_COOKIES=1 behind TLS
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        # A console open for a whole shift must not lose its CSRF token: the
        # token lives as long as the session.
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 30 * 1024 * 1024,
        "MAX_PHOTO_BYTES": 8 * 1024 * 1024,
        "MAX_PHOTO_PIXELS": 16_000_000,  # refused from the header, before decoding
        "MAX_PHOTOS": 5,
        "MAX_JSON_BYTES": 2 * 1024 * 1024,
        "RATING_THRESHOLD": 2,
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
        "PUBLIC_BASE_URL": None,  # e.g. https://pantau.jakarta.go.id; else the request's host
        # Open311 GeoReport v2: the one jurisdiction this endpoint serves (its
        # jurisdiction_id; the spec suggests the jurisdiction's website root).
        "OPEN311_JURISDICTION": "jakarta.go.id",
        # Rate limits per client address (Flask-Limiter syntax). Storage: REDIS_URL
        # when set (shared by every process), else in memory.
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": None,
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATE_LIMIT_PUBLIC": "120 per minute",
        "RATE_LIMIT_SEARCH": "30 per minute",
        "RATE_LIMIT_FORM": "20 per hour",
        "RATE_LIMIT_LOGIN": "10 per minute",
        # Open311 POST requests (a client's api_key is checked after this): generous
        # enough for an aggregator forwarding a city's reports, not for a flood.
        "RATE_LIMIT_OPEN311_POST": "60 per minute",
        # Ingest API posts (reports and ratings), per channel key: a channel
        # forwards a whole city's reports, in bursts, but not a flood.
        "RATE_LIMIT_INGEST": "120 per minute",
        # The public portal's figures (the KPI queries) are rendered once per
        # language and period and kept this many seconds in each process.
        "PORTAL_CACHE_SECONDS": 60,
        "PROXY_FIX": False,
        # `flask privacy retention`: reporter data of tickets verified longer ago is erased.
        "RETENTION_MONTHS": 24,
        # threading for the embedded run; gunicorn.conf.py sets gevent. Never left
        # to auto-detection, which would pick gevent whenever it is installed.
        "SOCKETIO_ASYNC_MODE": "threading",
        # MRO shift start times, Jakarta time (views/handover.py checks them at start-up).
        "SHIFTS": "07:00,15:00,23:00",
        # Maps draw the units' own shapes; a tile layer only when a URL template is set
        # (e.g. https://tiles.example.go.id/{z}/{x}/{y}.png). Its host joins the CSP img-src.
        "MAP_TILES": None,
        "MAP_TILES_ATTRIBUTION": None,
    }


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for env, key in ENV_KEYS.items():
        if environ.get(env):
            value: Any = environ[env]
            if key in ("SESSION_COOKIE_SECURE", "PROXY_FIX"):
                value = value.lower() in ("1", "true", "yes")
            elif key in ("RATING_THRESHOLD", "RETENTION_MONTHS", "PORTAL_CACHE_SECONDS"):
                value = int(value)
            elif key == "PUBLIC_BASE_URL":
                value = public_base_url(value)
            out[key] = value
    return out


def public_base_url(value: str) -> str:
    """The site's public address (scheme and host, maybe a path prefix), without
    its trailing slash. Links in API answers and Open311 are built on it, never
    on the Host header a client sent."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(
            f"PUBLIC_BASE_URL must look like https://pantau.example.go.id, not {value!r}"
        )
    return value.strip().rstrip("/")


def instance_secret(instance_path: str) -> str:
    """A per-installation secret kept in instance/secret_key (git-ignored)."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
