"""Wall-screen tokens: issue, revoke, resolve.

A wall token opens a read-only board (the province, or one kota) on a
monitoring-room screen without anyone logging in. Only the token's SHA-256 is
stored; the token itself is shown once, when it is issued.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..database import begin_write
from ..domain.workflow import Actor, NotPermitted, Role
from ..extensions import db
from ..models import Unit, WallToken
from .errors import InvalidInput, NotFound

TOKEN_PREFIX = "pw_"


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued token: ``token`` is never stored and never shown again."""

    id: int
    token: str
    label: str
    kota_id: int | None


@dataclass(frozen=True)
class Wall:
    """What a resolved wall token grants: a board of the province or of one kota."""

    id: int
    label: str
    kota_id: int | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _require_admin(actor: Actor) -> None:
    if not actor.has_role(Role.ADMIN):
        raise NotPermitted("Hanya administrator yang boleh mengelola token papan.")


def issue_wall_token(
    *, label: str, kota_id: int | None, actor: Actor, now: datetime
) -> IssuedToken:
    """An admin issues a token for a wall screen of the province (kota_id None) or a kota."""
    _require_admin(actor)
    label = (label or "").strip()
    errors: dict[str, str] = {}
    if not label:
        errors["label"] = "beri nama layar, misalnya 'Ruang MRO layar 1'"
    elif len(label) > 120:
        errors["label"] = "paling banyak 120 karakter"
    begin_write()
    if kota_id is not None:
        kind = db.session.scalar(select(Unit.kind).where(Unit.id == kota_id))
        if kind not in ("kota", "kabupaten"):
            errors["kota"] = "kota tidak dikenal"
    if errors:
        db.session.rollback()
        raise InvalidInput(errors)
    token = TOKEN_PREFIX + secrets.token_urlsafe(24)
    row = WallToken(
        token_hash=token_hash(token),
        label=label,
        kota_id=kota_id,
        created_by=actor.user_id,
        created_at=now,
    )
    db.session.add(row)
    db.session.commit()
    return IssuedToken(id=row.id, token=token, label=label, kota_id=kota_id)


def revoke_wall_token(token_id: int, *, actor: Actor, now: datetime) -> Wall:
    """An admin revokes a token; boards using it are refused from then on."""
    _require_admin(actor)
    begin_write()
    row = db.session.get(WallToken, token_id)
    if row is None:
        db.session.rollback()
        raise NotFound("Token papan tidak ditemukan.")
    if row.revoked_at is None:
        row.revoked_at = now
    wall = Wall(id=row.id, label=row.label, kota_id=row.kota_id)
    db.session.commit()
    return wall


def resolve_wall_token(token: str | None) -> Wall | None:
    """The wall a token opens, or None when it is unknown or revoked."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    row = db.session.execute(
        select(WallToken.id, WallToken.label, WallToken.kota_id).where(
            WallToken.token_hash == token_hash(token), WallToken.revoked_at.is_(None)
        )
    ).first()
    if row is None:
        return None
    return Wall(id=row.id, label=row.label, kota_id=row.kota_id)


@dataclass(frozen=True)
class TokenListing:
    id: int
    label: str
    kota_name: str | None
    created_at: datetime
    revoked_at: datetime | None


def list_wall_tokens() -> list[TokenListing]:
    """Every token ever issued, newest first (for the admin page)."""
    rows = db.session.execute(
        select(
            WallToken.id,
            WallToken.label,
            Unit.name,
            WallToken.created_at,
            WallToken.revoked_at,
        )
        .outerjoin(Unit, Unit.id == WallToken.kota_id)
        .order_by(WallToken.id.desc())
    ).all()
    return [TokenListing(r[0], r[1], r[2], r[3], r[4]) for r in rows]
