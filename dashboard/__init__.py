"""Pantau: the supervision dashboard of Jakarta's citizen-complaint system."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, instance/config.py, environment, then test_config.

    Then each part wires itself, in this order: extensions, live push,
    security, views, jobs, CLI. It starts no scheduler, runs no migration and
    opens no connection.
    """
    from . import config
    from .database import App

    app = App(__name__, instance_relative_config=True)

    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(config.from_environment(os.environ))
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.instance_secret(app.instance_path)
    if not app.config.get("REPORTER_HASH_KEY"):
        app.config["REPORTER_HASH_KEY"] = hashlib.sha256(
            b"pantau-reporter-hash:" + app.config["SECRET_KEY"].encode()
        ).hexdigest()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        # psycopg 3 (it cooperates with gevent), not psycopg2.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]

    from . import database, models  # noqa: F401  (models register their tables)
    from .extensions import csrf, db, htmx, login_manager, migrate

    db.init_app(app)
    database.configure_engine(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    from .i18n import register_i18n

    register_i18n(app)  # Flask-Babel with the ?lang= / cookie locale selector
    login_manager.init_app(app)

    import jobs

    from . import cli, live, views
    from .security import register_security

    # Live before security: ProxyFix must wrap Socket.IO's middleware too, so a socket
    # behind the proxy sees the client's scheme and address like any page does.
    live.init_app(app)  # Socket.IO and its connect handler
    register_security(app)  # response headers, ProxyFix, rate limits
    views.init_app(app)  # blueprints, log-in, error handlers, filters, URL guard
    jobs.init_app(app)  # the `flask jobs` commands (the scheduler has its own process)
    cli.init_app(app)  # the other `flask` commands
    return app
