"""Shared fixtures: an app on a fresh database per test.

Each test gets a temp-file SQLite database (socket and scheduler threads open
their own connections, so not ``sqlite://``). When ``TEST_DATABASE_URL`` is
set, the ``app`` fixture is also run on PostgreSQL, in a schema of its own
(emptied afterwards and given to a later test). The tables and the test town
come from templates built once per session (tests/db_templates.py), so a test
starts from the database it would have built itself, in a fraction of the time.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask

from dashboard import create_app
from dashboard.extensions import db
from tests.db_templates import Templates, WorldIds
from tests.factories import build_world

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"]

# A fixed moment for tests that do not move the clock themselves.
T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 08:00 WIB


def _config(url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "pantau.test",
        "SOCKETIO_ASYNC_MODE": "threading",
        "PASSWORD_HASH_FAST": True,
        # Rate limits have their own tests (tests/http/test_security.py).
        "RATELIMIT_ENABLED": False,
    }


def _pg_url_with_schema(schema: str) -> str:
    assert PG_URL is not None
    url = PG_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def build_town() -> WorldIds:
    """The test town (``factories.build_world`` at T0): what a template holds."""
    world = build_world(T0)
    user_ids = {name: user.id for name, user in world.users.items()}
    return WorldIds(ids=dict(world.ids), user_ids=user_ids, api_key=world.api_key)


TEMPLATES = Templates(_config, _pg_url_with_schema, build_town)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    TEMPLATES.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql" and not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL variant not run")
    return request.param


def make_app(
    backend: str, tmp_path: object, extra: dict | None = None, *, create_schema: bool = True
) -> Iterator[Flask]:
    """The app on a database of its own: with every table, or empty (for Alembic)."""
    schema = None
    pg = TEMPLATES.postgresql
    if create_schema:
        TEMPLATES.prepare(backend)
    if backend == "postgresql":
        if create_schema:
            schema = pg.take_schema()
        else:
            schema = f"t_{uuid.uuid4().hex[:12]}"
            pg.execute(f"CREATE SCHEMA {schema}")
        url = _pg_url_with_schema(schema)
    else:
        path = f"{tmp_path}/pantau-test.sqlite"
        if create_schema:
            TEMPLATES.sqlite.copy_schema(path)
        url = f"sqlite:///{path}"
    app = create_app({**_config(url), **(extra or {})})
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if schema and create_schema:
            pg.give_back(schema)
        elif schema:
            pg.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def app(backend: str, tmp_path: object) -> Iterator[Flask]:
    """The app on a fresh, empty database with the schema created."""
    yield from make_app(backend, tmp_path)


@pytest.fixture
def sqlite_app(tmp_path: object) -> Iterator[Flask]:
    """SQLite only: for HTTP-level tests where the engine is not the point."""
    yield from make_app("sqlite", tmp_path)
