"""Socket.IO handlers: authenticate on connect and join only the rooms in scope.

A board connects with its log-in session cookie, or with
``auth={"wall": "<token>"}`` for a wall screen; a province viewer may pass
``auth={"kota": <id>}`` to watch one kota. The scope decision is
``queries.board.scope_for_user`` / ``scope_for_wall``: the very one the HTTP
snapshot uses. Anything else is refused. The Origin check is Engine.IO's
(``cors_allowed_origins``, same origin by default), configured in live.init_app.
"""

from __future__ import annotations

import logging
from typing import Any

import socketio as python_socketio
from flask import Flask, g
from flask_login import current_user
from flask_socketio import join_room

from ..extensions import socketio
from ..queries.board import BoardScope, scope_for_user, scope_for_wall
from ..queries.walls import resolve_wall_token

log = logging.getLogger(__name__)


def wall_room(token_id: int) -> str:
    return f"wall:{token_id}"


def user_room(user_id: int) -> str:
    """A control room per signed-in user: no ticket data is ever sent to it."""
    return f"user:{user_id}"


def session_room(session_id: int) -> str:
    """A control room per log-in session (services/sessions.py): closed at its log-out."""
    return f"login:{session_id}"


# Closing one of these rooms disconnects its members (see _ClosingRooms).
CONTROL_ROOMS = ("wall:", "user:", "login:")


def connection_scope(auth: Any) -> tuple[BoardScope, list[str]] | None:
    """The board scope and rooms of a connecting client, or None to refuse it."""
    auth = auth if isinstance(auth, dict) else {}
    token = auth.get("wall")
    if token is not None:
        wall = resolve_wall_token(token if isinstance(token, str) else None)
        if wall is None:
            return None
        scope = scope_for_wall(wall.kota_id)
        return None if scope is None else (scope, [scope.room, wall_room(wall.id)])
    if not current_user.is_authenticated:
        return None
    kota = auth.get("kota")
    if kota is not None and (isinstance(kota, bool) or not isinstance(kota, int)):
        return None
    user = current_user._get_current_object()
    scope = scope_for_user(user, kota_id=kota)
    if scope is None:
        return None
    rooms = [scope.room, user_room(user.id)]
    if g.get("login_session_id") is not None:
        rooms.append(session_room(g.login_session_id))
    return scope, rooms


def revoke_wall(token_id: int) -> None:
    """A wall token was revoked: tell its boards and disconnect them, on every process."""
    _close_room(wall_room(token_id), "revoked")


def end_user_boards(user_id: int) -> None:
    """A user was deactivated or moved: close all their boards (same reach as above)."""
    _close_room(user_room(user_id), "signed_out")


def end_session_boards(session_id: int) -> None:
    """A log-in session ended: close the boards it opened."""
    _close_room(session_room(session_id), "signed_out")


def _close_room(room: str, reason: str) -> None:
    """``board.revoked`` to the room, then the room closed: its members are disconnected.

    With a message queue both go through it, so the boards connected to other
    web processes are disconnected by their own process (_ClosingRooms).
    """
    socketio.emit("board.revoked", {"reason": reason}, to=room)
    server = socketio.server
    if server is None:
        return
    server.manager.close_room(room, "/")


def _disconnect_members(manager: Any, namespace: str, room: Any) -> None:
    if not isinstance(room, str) or not room.startswith(CONTROL_ROOMS):
        return
    for sid, _eio_sid in list(manager.get_participants(namespace, room)):
        manager.server.disconnect(sid, namespace=namespace, ignore_queue=True)


class _ClosingRooms(python_socketio.Manager):
    """One process: closing a control room disconnects the clients in it."""

    def close_room(self, room: Any, namespace: Any) -> Any:
        _disconnect_members(self, namespace or "/", room)
        return super().close_room(room, namespace)


class _ClosingRoomsRedis(python_socketio.RedisManager):
    """Many processes: a close_room message on the queue is handled by every
    process (this one included), and each disconnects its own members."""

    def _handle_close_room(self, message: dict[str, Any]) -> None:
        _disconnect_members(self, message.get("namespace") or "/", message.get("room"))
        super()._handle_close_room(message)


def client_manager(app: Flask) -> python_socketio.Manager:
    """The Socket.IO client manager: over Redis when REDIS_URL is set."""
    url = app.config.get("REDIS_URL")
    if url:
        return _ClosingRoomsRedis(url, channel=app.config.get("SOCKETIO_CHANNEL", "flask-socketio"))
    return _ClosingRooms()


def register_socket_handlers() -> None:
    @socketio.on("connect")
    def on_connect(auth: Any = None) -> bool:
        """A board connects: refuse it unless logged in or holding a live wall token."""
        try:
            found = connection_scope(auth)
        except Exception:  # never let a TypeError re-run this handler without auth
            log.exception("socket connect: scope decision failed")
            return False
        if found is None:
            return False
        for room in found[1]:
            join_room(room)
        return True
