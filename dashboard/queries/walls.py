"""Wall-screen tokens, read: which wall a token opens, and the admin's list.

Only a token's SHA-256 is stored (services/walls.py issues and revokes them).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Unit, WallToken


@dataclass(frozen=True)
class Wall:
    """What a resolved wall token grants: a board of the province or of one kota."""

    id: int
    label: str
    kota_id: int | None


@dataclass(frozen=True)
class TokenListing:
    id: int
    label: str
    kota_name: str | None
    created_at: datetime
    revoked_at: datetime | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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
