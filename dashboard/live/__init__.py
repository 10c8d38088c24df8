"""Live push: the publisher (domain events -> Socket.IO rooms) and socket handlers."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Bind Socket.IO to the app (over Redis when REDIS_URL is set) and register its handlers.

    There is one ``socketio`` object per process and it follows the app bound last:
    a process serves one app (tests that build another app first, such as a
    template database's, build it before the test's own).
    """
    # Here, not at the top: importing live.publisher (as services do) loads this package.
    from ..extensions import socketio
    from .sockets import client_manager, register_socket_handlers

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
    register_socket_handlers()
