"""Pantau: the supervision dashboard of Jakarta's citizen-complaint system."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, instance/config.py, environment, then test_config.

    Binds extensions and registers blueprints, socket handlers, error
    handlers and CLI commands. It starts no scheduler, runs no migration and
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
    from .extensions import csrf, db, htmx, login_manager, migrate, socketio

    db.init_app(app)
    database.configure_engine(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    from .i18n import register_i18n

    register_i18n(app)  # Flask-Babel with the ?lang= / cookie locale selector
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk untuk membuka halaman ini."
    login_manager.login_message_category = "error"
    from .live.sockets import client_manager

    socketio.init_app(
        app,
        message_queue=app.config.get("REDIS_URL"),
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE"),
        # None: only the page's own origin may open a socket (ASVS 4.4).
        cors_allowed_origins=app.config.get("SOCKETIO_CORS_ORIGINS"),
        # Closing a user's or a wall's room disconnects its boards on every
        # process. Redis pub/sub ignores the database number: deployments (and
        # test runs) sharing one Redis keep apart by channel (SOCKETIO_CHANNEL).
        client_manager=client_manager(app),
    )

    from .security import register_security

    register_security(app)

    from .views import converters, register_views

    converters.init_app(app)  # before the blueprints add their rules

    register_views(app)

    from .cli import register_cli

    register_cli(app)
    return app
