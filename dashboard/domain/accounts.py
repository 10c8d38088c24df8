"""Staff account rules: names, where each role sits, the admin guard, log-in throttling.

Plain Python: the service (``services/accounts.py``) looks the units up and
hands their facts here; every rule about accounts is decided in this module.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .workflow import Role

USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{2,79}")
USERNAME_MAX = 80
DISPLAY_NAME_MAX = 120
PASSWORD_MIN = 10
PASSWORD_MAX = 200

# Roles that sit in a unit, and roles that may be narrowed to one kota.
UNIT_ROLES = frozenset({Role.OFFICER, Role.VALIDATOR})
KOTA_ROLES = frozenset({Role.VALIDATOR, Role.EXECUTIVE})
KOTA_KINDS = frozenset({"kota", "kabupaten"})


@dataclass(frozen=True)
class UnitFacts:
    """What the rules need to know of a unit."""

    id: int
    kind: str
    kota_id: int | None


def parse_role(raw: str | None) -> Role | None:
    try:
        return Role(raw or "")
    except ValueError:
        return None


def username_error(username: str) -> str | None:
    if not username:
        return "wajib diisi"
    if not USERNAME_RE.fullmatch(username):
        return (
            "3–80 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung,"
            " diawali huruf atau angka"
        )
    return None


def display_name_error(name: str) -> str | None:
    if not name:
        return "wajib diisi"
    if len(name) > DISPLAY_NAME_MAX:
        return f"paling banyak {DISPLAY_NAME_MAX} karakter"
    if any(ord(c) < 32 for c in name):
        return "tidak boleh berisi karakter kendali"
    return None


def password_error(password: str) -> str | None:
    if len(password) < PASSWORD_MIN:
        return f"paling sedikit {PASSWORD_MIN} karakter"
    if len(password) > PASSWORD_MAX:
        return f"paling banyak {PASSWORD_MAX} karakter"
    return None


def placement(
    role: Role, unit: UnitFacts | None, kota: UnitFacts | None
) -> tuple[dict[str, str], int | None]:
    """Errors for this role in this unit and kota, and the kota the account gets.

    An officer needs a unit (not a validator body, not the province itself); a validator sits in a
    validator body (Biro Pemerintahan, or a kota's Bagian Pemerintahan, whose
    kota it takes); an executive may be narrowed to a kota (a walikota) or
    not (the governor); admin and MRO see the whole province and have neither.
    """
    errors: dict[str, str] = {}
    kota_id = kota.id if kota else None
    if unit is not None and role not in UNIT_ROLES:
        errors["unit"] = f"peran {role.label} tidak berada di sebuah unit"
    if kota is not None and role not in KOTA_ROLES:
        errors["kota"] = f"peran {role.label} tidak dibatasi pada satu kota"
    if kota is not None and kota.kind not in KOTA_KINDS:
        errors["kota"] = "bukan kota atau kabupaten"
    if role is Role.OFFICER:
        if unit is None:
            errors["unit"] = "petugas harus punya unit"
        elif unit.kind == "validator":
            errors["unit"] = "badan validator bukan unit petugas; pilih peran validator"
        elif unit.kind == "province":
            errors["unit"] = "pilih unit kerja petugas, bukan provinsi"
    if role is Role.VALIDATOR:
        if unit is None or unit.kind != "validator":
            errors["unit"] = "validator harus berada di Biro atau Bagian Pemerintahan"
        elif kota is None:
            kota_id = unit.kota_id
        elif unit.kota_id != kota.id:
            errors["kota"] = "kota tidak sesuai dengan badan validator"
    return errors, kota_id


def admin_guard_error(
    *,
    actor_id: int | None,
    target_id: int,
    target_is_active_admin: bool,
    stays_active_admin: bool,
    active_admins: int,
) -> str | None:
    """Why this change may not be made to an admin account, or None.

    An admin cannot take away their own access (deactivate themselves or drop
    their own admin role), and the last active admin always remains.
    """
    if not target_is_active_admin or stays_active_admin:
        return None
    if actor_id is not None and actor_id == target_id:
        return "Anda tidak bisa menonaktifkan atau menurunkan akun Anda sendiri."
    if active_admins <= 1:
        return "Ini administrator aktif terakhir: angkat administrator lain lebih dulu."
    return None


# --- Log-in throttling per account ---------------------------------------------------
#
# Five failed attempts on one username within fifteen minutes close that
# username to further attempts, from any address, until the oldest of those
# five is fifteen minutes old. Refused attempts are not counted, so an
# attacker cannot lengthen the pause: the owner waits at most fifteen minutes
# after the attacker's last counted attempt. A successful log-in clears the
# count. (Per-address limits are Flask-Limiter's, in views/auth.py.)

THROTTLE_FAILURES = 5
THROTTLE_WINDOW = timedelta(minutes=15)


def throttle_key(username: str) -> str:
    """The name attempts are counted under: case and surrounding spaces ignored."""
    return username.strip().lower()[:USERNAME_MAX]


def locked_until(failures: Sequence[datetime], now: datetime) -> datetime | None:
    """When the username opens again, given its failed attempts; None when open now."""
    recent = sorted(at for at in failures if now - THROTTLE_WINDOW < at <= now)
    if len(recent) < THROTTLE_FAILURES:
        return None
    # The pause ends when only THROTTLE_FAILURES - 1 of them remain in the window.
    return recent[-THROTTLE_FAILURES] + THROTTLE_WINDOW


def minutes_left(until: datetime, now: datetime) -> int:
    """Whole minutes to tell the user (at least 1)."""
    return max(1, math.ceil((until - now).total_seconds() / 60))
