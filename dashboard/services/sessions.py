"""Log-in sessions held on the server, and the per-account log-in throttle.

Flask's session cookie is signed, not revocable: on its own, a copied cookie
would keep working after log-out. So a log-in also stores a row here and puts
a random token in the cookie; the user loader signs a request in only while
that row is open, younger than PERMANENT_SESSION_LIFETIME and its user active.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeAlias

from flask import current_app
from sqlalchemy import delete, select, update

from ..database import begin_write
from ..domain import accounts as rules
from ..extensions import db
from ..models import LoginFailure, LoginSession, User
from .errors import ServiceError

# The key of the token in Flask's session cookie.
SESSION_KEY = "_pantau_sid"

# The signed-in user that Flask-Login keeps as ``current_user``.
SignedInUser: TypeAlias = User


class LoginLocked(ServiceError):
    """Too many failed attempts on this username: try again in ``minutes``."""

    def __init__(self, minutes: int) -> None:
        super().__init__(
            f"Terlalu banyak percobaan masuk untuk akun ini. Coba lagi dalam {minutes} menit."
        )
        self.minutes = minutes


@dataclass(frozen=True)
class Signed:
    """A signed-in request: the user and the id of its log-in session."""

    user: SignedInUser
    session_id: int


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> timedelta:
    value = current_app.config["PERMANENT_SESSION_LIFETIME"]
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def start(user_id: int, *, now: datetime) -> str:
    """Open a log-in session for the user; the token goes into the cookie."""
    token = secrets.token_urlsafe(32)
    begin_write()
    # Rows past twice the lifetime sign no one in any more: keep the table small.
    db.session.execute(delete(LoginSession).where(LoginSession.started_at < now - 2 * _lifetime()))
    db.session.add(LoginSession(user_id=user_id, token_hash=_hash(token), started_at=now))
    db.session.commit()
    return token


def resolve(user_id: str, token: object, *, now: datetime) -> Signed | None:
    """The active user of an open session with this token, or None."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    try:
        uid = int(user_id)
    except (TypeError, ValueError):
        return None
    row = db.session.execute(
        select(User, LoginSession.id)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.token_hash == _hash(token),
            LoginSession.user_id == uid,
            LoginSession.ended_at.is_(None),
            LoginSession.started_at > now - _lifetime(),
            User.active.is_(True),
        )
    ).first()
    return None if row is None else Signed(user=row[0], session_id=row[1])


def end(token: object, *, now: datetime) -> int | None:
    """Log-out: end the session with this token; its id, or None when there was none."""
    if not isinstance(token, str) or not token:
        return None
    begin_write()
    row = db.session.scalar(
        select(LoginSession).where(
            LoginSession.token_hash == _hash(token), LoginSession.ended_at.is_(None)
        )
    )
    session_id = None
    if row is not None:
        row.ended_at = now
        session_id = row.id
    db.session.commit()
    return session_id


def end_all(user_id: int, *, now: datetime) -> int:
    """End every open session of a user (in the caller's transaction); how many."""
    result = db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def open_session_counts(now: datetime) -> dict[int, int]:
    """Open, unexpired sessions per user id (for the users page)."""
    from sqlalchemy import func

    rows = db.session.execute(
        select(LoginSession.user_id, func.count())
        .where(LoginSession.ended_at.is_(None), LoginSession.started_at > now - _lifetime())
        .group_by(LoginSession.user_id)
    ).all()
    return {r[0]: r[1] for r in rows}


# --- throttle --------------------------------------------------------------------


def check_throttle(username: str, *, now: datetime) -> None:
    """Raise LoginLocked while this username is closed to attempts."""
    key = rules.throttle_key(username)
    failures = db.session.scalars(
        select(LoginFailure.at).where(
            LoginFailure.username_key == key, LoginFailure.at > now - rules.THROTTLE_WINDOW
        )
    ).all()
    until = rules.locked_until(failures, now)
    if until is not None:
        raise LoginLocked(rules.minutes_left(until, now))


def record_failure(username: str, *, now: datetime) -> None:
    begin_write()
    db.session.execute(delete(LoginFailure).where(LoginFailure.at <= now - rules.THROTTLE_WINDOW))
    db.session.add(LoginFailure(username_key=rules.throttle_key(username), at=now))
    db.session.commit()


def clear_failures(username: str) -> None:
    key = rules.throttle_key(username)
    if db.session.scalar(select(LoginFailure.id).where(LoginFailure.username_key == key).limit(1)):
        begin_write()
        db.session.execute(delete(LoginFailure).where(LoginFailure.username_key == key))
        db.session.commit()
