"""PostgreSQL connections killed under the app (a restart, a failover, an admin's
``pg_terminate_backend``): the next request gets a live connection (the pool
pings before use), and a request whose connection dies under it answers 503
with Retry-After in its own format — never 500.

PostgreSQL only: the app's connections carry an application_name of their own,
so an admin connection can find and terminate exactly them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, jsonify

from dashboard.extensions import db
from tests.conftest import PG_URL, make_app
from tests.http.helpers import add_ticket, client_as, make_town, row_counts


@pytest.fixture
def pg_app(tmp_path: object) -> Iterator[tuple[Flask, str]]:
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL only")
    name = f"pantau-outage-{uuid.uuid4().hex[:8]}"
    options = {"pool_pre_ping": True, "connect_args": {"application_name": name}}
    for app in make_app("postgresql", tmp_path, {"SQLALCHEMY_ENGINE_OPTIONS": options}):
        yield app, name


def admin_engine() -> sa.Engine:
    assert PG_URL is not None
    return sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))


def terminate(where: str, **params: Any) -> int:
    """Terminate the backends matching ``where`` (on pg_stat_activity); how many."""
    engine = admin_engine()
    try:
        with engine.begin() as conn:
            return len(
                conn.execute(
                    sa.text(
                        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {where}"
                    ),
                    params,
                ).all()
            )
    finally:
        engine.dispose()


def test_after_the_app_s_connections_are_killed_the_next_request_is_served(
    pg_app: tuple[Flask, str],
) -> None:
    app, name = pg_app
    make_town(app)
    add_ticket(app)
    client = client_as(app, "admin")
    assert client.get("/tickets").status_code == 200

    assert terminate("application_name = :name", name=name) >= 1

    response = client.get("/tickets")
    assert response.status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def install_dying_routes(app: Flask) -> dict[str, int]:
    """Test-only routes whose database connection is terminated halfway through:
    ``…/die`` every time, ``…/die-once`` on its first call only. Returns the calls."""
    calls = {"die": 0, "die-once": 0}

    def kill_own_connection() -> None:
        pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        assert terminate("pid = :pid", pid=pid) == 1
        db.session.execute(sa.text("SELECT 1"))  # the connection is gone under us

    def die() -> Any:
        calls["die"] += 1
        kill_own_connection()
        return jsonify(ok=True)

    def die_once() -> Any:
        calls["die-once"] += 1
        if calls["die-once"] == 1:
            kill_own_connection()
        count = db.session.execute(sa.text("SELECT count(*) FROM tickets")).scalar_one()
        return jsonify(ok=True, tickets=count)

    for prefix in ("/_test", "/api/v1/_test", "/open311/v2/_test"):
        for name, view in (("die", die), ("die-once", die_once)):
            rule = f"{prefix}/{name}" + (".json" if prefix.startswith("/open311") else "")
            app.add_url_rule(rule, endpoint=rule, view_func=view, methods=["GET", "POST"])
    return calls


def test_a_read_whose_connection_is_killed_mid_request_is_tried_again_and_served(
    pg_app: tuple[Flask, str],
) -> None:
    app, _name = pg_app
    calls = install_dying_routes(app)
    make_town(app)
    add_ticket(app)
    response = app.test_client().get("/_test/die-once")
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "tickets": 1}
    assert calls["die-once"] == 2


def test_a_write_whose_connection_is_killed_is_a_503_not_tried_again(
    pg_app: tuple[Flask, str],
) -> None:
    app, _name = pg_app
    calls = install_dying_routes(app)
    response = app.test_client().post("/api/v1/_test/die-once")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert response.get_json()["error"] == "unavailable"
    assert calls["die-once"] == 1


def test_a_connection_lost_twice_is_a_503_with_retry_after_in_each_format(
    pg_app: tuple[Flask, str],
) -> None:
    app, _name = pg_app
    calls = install_dying_routes(app)
    make_town(app)
    client = app.test_client()

    page = client.get("/_test/die")
    assert page.status_code == 503
    assert int(page.headers["Retry-After"]) > 0
    assert page.mimetype == "text/html"
    assert "tidak tersedia" in page.get_data(as_text=True)
    assert calls["die"] == 2  # tried once more, lost again

    api = client.post("/api/v1/_test/die")
    assert api.status_code == 503 and "Retry-After" in api.headers
    assert api.get_json()["error"] == "unavailable"

    open311 = client.get("/open311/v2/_test/die.json")
    assert open311.status_code == 503 and "Retry-After" in open311.headers
    assert open311.get_json()[0]["code"] == 503

    # And the app is whole again: the next requests get live connections.
    assert client.get("/open311/v2/services.json").status_code == 200
    assert row_counts(app)["Ticket"] == 0
