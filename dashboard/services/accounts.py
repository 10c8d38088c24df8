"""Staff accounts and channel API keys."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from sqlalchemy import select

from ..database import begin_write
from ..domain.workflow import Role
from ..extensions import db
from ..models import ApiKey, Channel, Unit, User
from .errors import InvalidInput

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


def create_user(
    *,
    username: str,
    password: str,
    display_name: str,
    role: str,
    unit_code: str | None = None,
    kota_code: str | None = None,
    now: datetime,
) -> User:
    """Create a staff account; officers need a unit, validators/executives may have a kota."""
    begin_write()
    errors: dict[str, str] = {}
    try:
        role_enum = Role(role)
    except ValueError:
        errors["role"] = f"peran tidak dikenal: {role}"
        role_enum = None
    if len(password) < 10:
        errors["password"] = "paling sedikit 10 karakter"
    unit = kota = None
    if unit_code:
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            errors["unit"] = f"unit tidak dikenal: {unit_code}"
    if kota_code:
        kota = db.session.scalar(
            select(Unit).where(Unit.code == kota_code, Unit.kind.in_(("kota", "kabupaten")))
        )
        if kota is None:
            errors["kota"] = f"kota tidak dikenal: {kota_code}"
    if role_enum is Role.OFFICER and unit is None and "unit" not in errors:
        errors["unit"] = "petugas harus punya unit"
    if role_enum is Role.VALIDATOR and unit is not None:
        if unit.kind != "validator":
            errors["unit"] = "validator harus berada di Biro atau Bagian Pemerintahan"
        elif kota is None and unit.kota_id is not None:
            kota = db.session.get(Unit, unit.kota_id)
        elif kota is not None and unit.kota_id != kota.id:
            errors["kota"] = "kota tidak sesuai dengan badan validator"
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        errors["username"] = "nama pengguna sudah dipakai"
    if errors:
        raise InvalidInput(errors)
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        unit_id=unit.id if unit else None,
        kota_id=kota.id if kota else None,
        created_at=now,
    )
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with this password, or None (same timing either way)."""
    user = db.session.scalar(select(User).where(User.username == username))
    try:
        _hasher().verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
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
