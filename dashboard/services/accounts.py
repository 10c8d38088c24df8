"""Staff accounts (created and changed by admins, every change logged) and channel API keys."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from sqlalchemy import select

from .. import clock
from ..database import begin_write
from ..domain import accounts as rules
from ..domain.workflow import Actor, Role
from ..extensions import db
from ..models import AccountAudit, ApiKey, Channel, Unit, User
from . import sessions
from .errors import InvalidInput, NotFound, NotPermitted

_default_hasher = PasswordHasher()
# Tests set PASSWORD_HASH_FAST: argon2 at its cheapest, so fixtures stay quick.
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
# Verifying against this keeps the time of a failed log-in for an unknown user
# the same as for a known one.
_DUMMY_HASH = _default_hasher.hash("pantau-no-such-user")


def _hasher() -> PasswordHasher:
    fast = has_app_context() and current_app.config.get("PASSWORD_HASH_FAST")
    return _fast_hasher if fast else _default_hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@dataclass(frozen=True)
class AccountChange:
    """What a change did: the user, and whether their sessions (and boards) were ended."""

    user_id: int
    ended_sessions: bool
    password: str | None = None  # a generated password, shown once


def _require_admin(actor: Actor | None) -> None:
    """None is the server's operator (CLI, demo seed); otherwise an admin acts."""
    if actor is not None and not actor.has_role(Role.ADMIN):
        raise NotPermitted("Hanya administrator yang boleh mengelola akun.")


def _audit(
    user_id: int, action: str, detail: dict[str, Any], *, actor: Actor | None, now: datetime
) -> None:
    db.session.add(
        AccountAudit(
            at=now,
            actor_user_id=actor.user_id if actor else None,
            actor_label=actor.label if actor else "sistem (CLI)",
            user_id=user_id,
            action=action,
            detail=detail,
        )
    )


def _unit_facts(code: str | None, field: str, errors: dict[str, str]) -> Unit | None:
    if not code:
        return None
    if len(code) > 64:
        errors[field] = "kode terlalu panjang"
        return None
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        errors[field] = f"{'kota' if field == 'kota' else 'unit'} tidak dikenal: {code}"
    return unit


def _facts(unit: Unit | None) -> rules.UnitFacts | None:
    return None if unit is None else rules.UnitFacts(unit.id, unit.kind, unit.kota_id)


def _placement(
    role: str, unit_code: str | None, kota_code: str | None, errors: dict[str, str]
) -> tuple[Role | None, Unit | None, int | None]:
    """The role, unit and kota id of an account, by the rules of domain/accounts.py."""
    role_enum = rules.parse_role(role)
    if role_enum is None:
        errors["role"] = f"peran tidak dikenal: {role[:40]}"
    unit = _unit_facts(unit_code, "unit", errors)
    kota = _unit_facts(kota_code, "kota", errors)
    if role_enum is None:
        return None, unit, None
    found, kota_id = rules.placement(
        role_enum,
        _facts(unit) if "unit" not in errors else None,
        _facts(kota) if "kota" not in errors else None,
    )
    for key, message in found.items():
        # An unknown code was already named; its follow-up errors add nothing.
        errors.setdefault(key, message)
    return role_enum, unit, kota_id


def _placement_detail(user: User) -> dict[str, Any]:
    return {
        "role": user.role,
        "unit": user.unit.code if user.unit else None,
        "kota": user.kota.code if user.kota else None,
    }


def create_user(
    *,
    username: str,
    password: str,
    display_name: str,
    role: str,
    unit_code: str | None = None,
    kota_code: str | None = None,
    now: datetime,
    actor: Actor | None = None,
) -> User:
    """Create a staff account where its role belongs (domain/accounts.py placement)."""
    _require_admin(actor)
    begin_write()
    errors: dict[str, str] = {}
    username = (username or "").strip()
    display_name = (display_name or "").strip()
    if (message := rules.username_error(username)) is not None:
        errors["username"] = message
    if (message := rules.display_name_error(display_name)) is not None:
        errors["display_name"] = message
    if (message := rules.password_error(password or "")) is not None:
        errors["password"] = message
    role_enum, unit, kota_id = _placement(role, unit_code, kota_code, errors)
    if "username" not in errors and (
        db.session.scalar(select(User.id).where(User.username == username)) is not None
    ):
        errors["username"] = "nama pengguna sudah dipakai"
    if errors or role_enum is None:
        db.session.rollback()
        raise InvalidInput(errors)
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role_enum.value,
        unit_id=unit.id if unit else None,
        kota_id=kota_id,
        created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    db.session.refresh(user)
    _audit(
        user.id,
        "created",
        {"username": username, "display_name": display_name, **_placement_detail(user)},
        actor=actor,
        now=now,
    )
    db.session.commit()
    return user


def _load_for_change(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        db.session.rollback()
        raise NotFound("Akun tidak ditemukan.")
    return user


def _guard_admin(user: User, *, actor: Actor | None, stays_active_admin: bool) -> None:
    """The admin guard of domain/accounts.py, with the active admins locked on PostgreSQL."""
    is_active_admin = user.active and user.role == Role.ADMIN.value
    if not is_active_admin or stays_active_admin:
        return
    admins = db.session.scalars(
        select(User.id)
        .where(User.role == Role.ADMIN.value, User.active.is_(True))
        .with_for_update()
    ).all()
    message = rules.admin_guard_error(
        actor_id=actor.user_id if actor else None,
        target_id=user.id,
        target_is_active_admin=True,
        stays_active_admin=False,
        active_admins=len(admins),
    )
    if message is not None:
        db.session.rollback()
        raise NotPermitted(message)


def change_placement(
    user_id: int,
    *,
    role: str,
    unit_code: str | None,
    kota_code: str | None,
    actor: Actor | None,
    now: datetime,
) -> AccountChange:
    """Move an account to another role, unit or kota; its sessions end (it signs in anew)."""
    _require_admin(actor)
    begin_write()
    user = _load_for_change(user_id)
    errors: dict[str, str] = {}
    role_enum, unit, kota_id = _placement(role, unit_code, kota_code, errors)
    if errors or role_enum is None:
        db.session.rollback()
        raise InvalidInput(errors)
    before = _placement_detail(user)
    unit_id = unit.id if unit else None
    if (user.role, user.unit_id, user.kota_id) == (role_enum.value, unit_id, kota_id):
        db.session.rollback()
        return AccountChange(user_id, ended_sessions=False)
    _guard_admin(user, actor=actor, stays_active_admin=role_enum is Role.ADMIN)
    user.role = role_enum.value
    user.unit_id = unit_id
    user.kota_id = kota_id
    db.session.flush()
    db.session.refresh(user)
    sessions.end_all(user.id, now=now)
    _audit(
        user.id,
        "placement",
        {"before": before, "after": _placement_detail(user)},
        actor=actor,
        now=now,
    )
    db.session.commit()
    return AccountChange(user.id, ended_sessions=True)


def set_active(user_id: int, *, active: bool, actor: Actor | None, now: datetime) -> AccountChange:
    """Deactivate (sessions end, boards close) or reactivate an account."""
    _require_admin(actor)
    begin_write()
    user = _load_for_change(user_id)
    if user.active == active:
        db.session.rollback()
        return AccountChange(user.id, ended_sessions=False)
    if not active:
        _guard_admin(user, actor=actor, stays_active_admin=False)
    user.active = active
    if not active:
        sessions.end_all(user.id, now=now)
    _audit(user.id, "reactivated" if active else "deactivated", {}, actor=actor, now=now)
    db.session.commit()
    return AccountChange(user.id, ended_sessions=not active)


def reset_password(
    user_id: int, *, password: str | None, actor: Actor | None, now: datetime
) -> AccountChange:
    """Set a new password (or generate one, returned once); the user's sessions end."""
    _require_admin(actor)
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    if (message := rules.password_error(password)) is not None:
        raise InvalidInput({"password": message})
    begin_write()
    user = _load_for_change(user_id)
    user.password_hash = hash_password(password)
    sessions.end_all(user.id, now=now)
    _audit(user.id, "password_reset", {"generated": generated is not None}, actor=actor, now=now)
    db.session.commit()
    return AccountChange(user.id, ended_sessions=True, password=generated)


def authenticate(username: str, password: str, *, now: datetime | None = None) -> User | None:
    """The active user with this password, or None (same timing either way).

    Raises LoginLocked while the username has too many recent failures
    (domain/accounts.py); the password is then not even checked.
    """
    now = now or clock.now()
    sessions.check_throttle(username, now=now)
    user = db.session.scalar(select(User).where(User.username == username))
    try:
        _hasher().verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        sessions.record_failure(username, now=now)
        return None
    if user is None or not user.active:
        sessions.record_failure(username, now=now)
        return None
    sessions.clear_failures(username)
    if _hasher().check_needs_rehash(user.password_hash):
        begin_write()
        user.password_hash = _hasher().hash(password)
        db.session.commit()
    return user


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_api_key(channel_code: str, *, label: str, now: datetime) -> str:
    """A new ingest key for a channel; the plain key is returned once, never stored."""
    begin_write()
    channel = db.session.scalar(select(Channel).where(Channel.code == channel_code))
    if channel is None:
        raise InvalidInput({"channel": f"kanal tidak dikenal: {channel_code}"})
    key = f"pk_{channel.code}_{secrets.token_urlsafe(24)}"
    db.session.add(
        ApiKey(channel_id=channel.id, key_hash=key_hash(key), label=label, created_at=now)
    )
    db.session.commit()
    return key


def channel_for_key(key: str | None) -> Channel | None:
    if not key:
        return None
    row = db.session.scalar(
        select(ApiKey).where(ApiKey.key_hash == key_hash(key), ApiKey.revoked_at.is_(None))
    )
    return row.channel if row else None
