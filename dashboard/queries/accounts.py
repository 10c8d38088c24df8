"""Read side of the users page: accounts with filters, units to pick, the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..domain import accounts as rules
from ..domain.workflow import Role
from ..extensions import db
from ..models import AccountAudit, Unit, User, unit_display_name

# Unit kinds offered in the unit picker, in this order.
PICKER_KINDS = ("validator", "agency", "bumd", "kota", "kabupaten", "kecamatan", "kelurahan")
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class UserFilters:
    role: str | None = None
    unit: str | None = None
    active: bool | None = None

    @classmethod
    def from_args(cls, args: Any) -> tuple[UserFilters, dict[str, str]]:
        errors: dict[str, str] = {}
        role = (args.get("role") or "").strip() or None
        if role is not None and rules.parse_role(role) is None:
            errors["role"] = f"peran tidak dikenal: {role[:40]}"
            role = None
        unit = (args.get("unit") or "").strip().upper()[:64] or None
        raw_active = (args.get("active") or "").strip()
        active = {"1": True, "0": False, "": None}.get(raw_active)
        if raw_active not in ("1", "0", ""):
            errors["active"] = "pilih aktif atau nonaktif"
        return cls(role, unit, active), errors


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    unit_code: str | None
    unit_name: str | None
    kota_code: str | None
    kota_name: str | None
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class UnitChoice:
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    user_id: int
    username: str
    action: str
    detail: dict[str, Any]


def users(filters: UserFilters, *, only_id: int | None = None) -> list[UserRow]:
    """Every account matching the filters, active first, then by name."""
    unit = aliased(Unit)
    kota = aliased(Unit)
    query = (
        select(User, unit.code, unit.name, unit.kind, kota.code, kota.name)
        .outerjoin(unit, unit.id == User.unit_id)
        .outerjoin(kota, kota.id == User.kota_id)
        .order_by(User.active.desc(), User.role, User.display_name, User.id)
    )
    if only_id is not None:
        query = query.where(User.id == only_id)
    if filters.role:
        query = query.where(User.role == filters.role)
    if filters.unit:
        query = query.where(unit.code == filters.unit)
    if filters.active is not None:
        query = query.where(User.active.is_(filters.active))
    out = []
    for user, ucode, uname, ukind, kcode, kname in db.session.execute(query).all():
        out.append(
            UserRow(
                id=user.id,
                username=user.username,
                display_name=user.display_name,
                role=user.role,
                role_label=Role(user.role).label,
                unit_code=ucode,
                unit_name=unit_display_name(uname, ukind) if uname else None,
                kota_code=kcode,
                kota_name=kname,
                active=user.active,
                created_at=user.created_at,
            )
        )
    return out


def user(user_id: int) -> UserRow | None:
    if not 0 < user_id <= MAX_ID:
        return None
    found = users(UserFilters(), only_id=user_id)
    return found[0] if found else None


def unit_choices() -> list[UnitChoice]:
    """Units an account may sit in, grouped by kind (PICKER_KINDS order), by name."""
    rows = db.session.execute(
        select(Unit.code, Unit.name, Unit.kind).where(Unit.kind.in_(PICKER_KINDS))
    ).all()
    rows = sorted(rows, key=lambda r: (PICKER_KINDS.index(r[2]), r[1]))
    return [UnitChoice(r[0], unit_display_name(r[1], r[2]), r[2]) for r in rows]


def audit_log(*, user_id: int | None = None, limit: int = 50) -> list[AuditRow]:
    """The latest account changes (of one user, or of all), newest first."""
    target = aliased(User)
    query = (
        select(AccountAudit, target.username)
        .join(target, target.id == AccountAudit.user_id)
        .order_by(AccountAudit.id.desc())
        .limit(limit)
    )
    if user_id is not None:
        query = query.where(AccountAudit.user_id == user_id)
    return [
        AuditRow(a.id, a.at, a.actor_label, a.user_id, username, a.action, a.detail or {})
        for a, username in db.session.execute(query).all()
    ]
