"""Wall-screen tokens: issue and revoke (queries/walls.py resolves and lists them).

A wall token opens a read-only board (the province, or one kota) on a
monitoring-room screen without anyone logging in. Only the token's SHA-256 is
stored; the token itself is shown once, when it is issued.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..database import begin_write
from ..domain.workflow import Actor, NotPermitted, Role
from ..extensions import db
from ..models import Unit, WallToken
from ..queries.walls import Wall, token_hash
from .errors import InvalidInput, NotFound

TOKEN_PREFIX = "pw_"


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued token: ``token`` is never stored and never shown again."""

    id: int
    token: str
    label: str
    kota_id: int | None


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
