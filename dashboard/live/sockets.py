"""Socket.IO handlers: authenticate on connect and join only the rooms in scope.

A board connects with its log-in session cookie, or with
``auth={"wall": "<token>"}`` for a wall screen; a province viewer may pass
``auth={"kota": <id>}`` to watch one kota. The scope decision is
``queries.board.scope_for_user`` / ``scope_for_wall``: the very one the HTTP
snapshot uses. Anything else is refused. The Origin check is Engine.IO's
(``cors_allowed_origins``, same origin by default), configured in create_app.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_login import current_user
from flask_socketio import join_room

from ..extensions import socketio
from ..queries.board import BoardScope, scope_for_user, scope_for_wall
from ..services.walls import resolve_wall_token

log = logging.getLogger(__name__)


def wall_room(token_id: int) -> str:
    return f"wall:{token_id}"


def user_room(user_id: int) -> str:
    """A control room per signed-in user: no ticket data is ever sent to it."""
    return f"user:{user_id}"


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
    return None if scope is None else (scope, [scope.room, user_room(user.id)])


def revoke_wall(token_id: int) -> None:
    """A wall token was revoked: tell its boards, and drop the ones connected here.

    ``board.revoked`` goes through the message queue to every web process;
    the disconnect reaches the clients of this process (others are refused
    at their next connect).
    """
    _close_room(wall_room(token_id), "revoked")


def end_user_boards(user_id: int) -> None:
    """A user logged out or was deactivated: close their boards (same reach as above)."""
    _close_room(user_room(user_id), "signed_out")


def _close_room(room: str, reason: str) -> None:
    socketio.emit("board.revoked", {"reason": reason}, to=room)
    server = socketio.server
    if server is None:
        return
    for sid, _eio_sid in list(server.manager.get_participants("/", room)):
        server.disconnect(sid, namespace="/")


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
