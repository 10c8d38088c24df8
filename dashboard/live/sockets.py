"""Socket.IO handlers: authenticate on connect and join only the rooms in scope."""

from __future__ import annotations

from flask_login import current_user
from flask_socketio import join_room

from ..domain.workflow import Role
from ..extensions import socketio


def rooms_for_user(user: object) -> list[str]:
    from ..models import User

    assert isinstance(user, User)
    role = Role(user.role)
    if role in (Role.ADMIN, Role.MRO):
        return ["province"]
    if role in (Role.VALIDATOR, Role.EXECUTIVE):
        return ["province"] if user.kota_id is None else [f"kota:{user.kota_id}"]
    return [f"unit:{user.unit_id}"]


def register_socket_handlers() -> None:
    @socketio.on("connect")
    def on_connect(auth: object = None) -> bool:
        """A browser connects: refuse it unless logged in; join its scope's rooms."""
        if not current_user.is_authenticated:
            return False
        for room in rooms_for_user(current_user._get_current_object()):
            join_room(room)
        return True
