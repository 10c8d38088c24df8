"""Reference rows, demo staff accounts and channel API keys.

Everything here is idempotent: a unit, category or channel whose code already
exists is left alone, an existing username is skipped, and a channel that
already has an active demo key gets no second one.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime
from statistics import NormalDist

from sqlalchemy import select

from .. import reference as ref
from ..domain.workflow import Role
from ..extensions import db
from ..models import ApiKey, Category, Channel, Unit, User
from ..reference.areas import slugify
from ..services import accounts

PROVINCE_CODE = "DKI"
PROVINCE_NAME = "Provinsi DKI Jakarta"
DEMO_KEY_LABEL = "Kunci demo"
OFFICERS_PER_KOTA = 3

# The main agencies that get a demo officer account: (unit code, username slug).
MAIN_AGENCIES: tuple[tuple[str, str], ...] = (
    ("DINAS-BINA-MARGA", "bina-marga"),
    ("DINAS-LINGKUNGAN-HIDUP", "dlh"),
    ("DINAS-PERHUBUNGAN", "dishub"),
    ("DINAS-PERTAMANAN-HUTAN-KOTA", "distamhut"),
    ("SATPOL-PP", "satpol-pp"),
    ("DINAS-SUMBER-DAYA-AIR", "sda"),
)


def slug(text: str) -> str:
    """'Jakarta Barat' -> 'jakarta-barat' (for usernames)."""
    return slugify(text).lower()


def kelurahan_activity(code: str) -> float:
    """How busy a kelurahan looks in demo data, relative to its kota's average.

    Deterministic (SHA-256 of the code, never Python's salted ``hash()``),
    log-normal around 1, so a few kelurahan per kota stand out. The demo
    generator weights kelurahan by it; the demo accounts go to the busiest.
    """
    digest = hashlib.sha256(f"pantau-demo:{code}".encode()).digest()
    u = (int.from_bytes(digest[:8], "big") + 0.5) / 2**64
    return math.exp(0.55 * NormalDist().inv_cdf(u))


def busiest_kelurahan(kota: ref.Kota, count: int = OFFICERS_PER_KOTA) -> list[ref.Kelurahan]:
    """The kelurahan of a kota that receive the most demo tickets."""
    kels = [kel for kec in kota.kecamatan for kel in kec.kelurahan]
    return sorted(kels, key=lambda k: (-kelurahan_activity(k.code), k.code))[:count]


# --- reference data -------------------------------------------------------------


def seed_reference(now: datetime) -> dict[str, int]:
    """Create the unit tree, the agencies, the categories and the channels.

    Rows whose code already exists are skipped. Returns how many rows of each
    kind were created (all zeros on a second run). ``now`` is accepted for
    symmetry with the other seeders; reference rows carry no timestamp.
    """
    del now
    tree = _UnitTree()
    province = tree.add(
        PROVINCE_CODE, name=PROVINCE_NAME, kind="province", lat=-6.1754, lon=106.8272
    )
    db.session.flush()
    for k in ref.KOTA:
        _seed_kota(tree, k, province.id)
    for agency in ref.AGENCIES:
        tree.add(
            agency.code, name=agency.name, kind=agency.kind, parent_id=province.id, kota_id=None
        )
    body = ref.PROVINCE_VALIDATOR
    tree.add(body.code, name=body.name, kind="validator", parent_id=province.id, kota_id=None)
    db.session.flush()
    created = tree.created
    created["categories"] = _seed_categories(tree.units)
    created["channels"] = _seed_channels()
    db.session.commit()
    return created


class _UnitTree:
    """The units by code, adding those missing and counting them by kind."""

    def __init__(self) -> None:
        self.units: dict[str, Unit] = {u.code: u for u in db.session.scalars(select(Unit))}
        self.created = dict.fromkeys(
            ("province", "kota", "kecamatan", "kelurahan", "agency", "bumd", "validator",
             "categories", "channels"),
            0,
        )  # fmt: skip

    def add(self, code: str, **fields: object) -> Unit:
        unit = self.units.get(code)
        if unit is None:
            unit = Unit(code=code, **fields)
            db.session.add(unit)
            self.units[code] = unit
            kind = str(fields["kind"])
            self.created["kota" if kind == "kabupaten" else kind] += 1
        return unit


def _seed_kota(tree: _UnitTree, k: ref.Kota, province_id: int) -> None:
    """A kota (or kabupaten), its validating body, its kecamatan and kelurahan."""
    kota = tree.add(
        k.code,
        name=k.name,
        kind=k.kind,
        parent_id=province_id,
        lat=k.lat,
        lon=k.lon,
        population=k.population,
    )
    db.session.flush()
    if kota.kota_id is None:
        kota.kota_id = kota.id
    body = ref.kota_validator(k.code, k.name, kabupaten=k.kind == "kabupaten")
    tree.add(body.code, name=body.name, kind="validator", parent_id=kota.id, kota_id=kota.id)
    for kec in k.kecamatan:
        kecamatan = tree.add(
            kec.code,
            name=kec.name,
            kind="kecamatan",
            parent_id=kota.id,
            kota_id=kota.id,
            lat=kec.lat,
            lon=kec.lon,
        )
        db.session.flush()
        for kel in kec.kelurahan:
            tree.add(
                kel.code,
                name=kel.name,
                kind="kelurahan",
                parent_id=kecamatan.id,
                kota_id=kota.id,
                lat=kel.lat,
                lon=kel.lon,
                postal_code=kel.postal_code,
            )


def _seed_categories(units: dict[str, Unit]) -> int:
    """The categories not yet stored, each routed to its agency; how many were added."""
    have = set(db.session.scalars(select(Category.code)))
    added = 0
    for c in ref.CATEGORIES:
        if c.code in have:
            continue
        db.session.add(
            Category(
                code=c.code,
                name=c.name,
                weight=c.weight,
                response_hours=c.response_hours,
                location_based=c.location_based,
                agency_id=units[c.agency_code].id,
                active=True,
            )
        )
        added += 1
    return added


def _seed_channels() -> int:
    """The channels not yet stored; how many were added."""
    have = set(db.session.scalars(select(Channel.code)))
    added = 0
    for ch in ref.CHANNELS:
        if ch.code in have:
            continue
        db.session.add(Channel(code=ch.code, name=ch.name, online=ch.online))
        added += 1
    return added


# --- demo staff accounts -------------------------------------------------------


@dataclass(frozen=True)
class AccountSpec:
    username: str
    display_name: str
    role: Role
    scope: str
    unit_code: str | None = None
    kota_code: str | None = None


def demo_account_specs() -> list[AccountSpec]:
    """Every demo account, in the order they are printed."""
    specs = [
        AccountSpec("admin", "Administrator UP JSC", Role.ADMIN, "seluruh sistem"),
        AccountSpec("mro1", "MRO Shift Pagi", Role.MRO, "Provinsi DKI Jakarta"),
        AccountSpec("mro2", "MRO Shift Malam", Role.MRO, "Provinsi DKI Jakarta"),
        AccountSpec("gubernur", "Gubernur DKI Jakarta", Role.EXECUTIVE, "Provinsi DKI Jakarta"),
    ]
    for k in ref.KOTA:
        head = "bupati" if k.kind == "kabupaten" else "walikota"
        title = "Bupati" if k.kind == "kabupaten" else "Walikota"
        specs.append(
            AccountSpec(
                f"{head}.{slug(k.name)}",
                f"{title} {k.name}",
                Role.EXECUTIVE,
                k.name,
                kota_code=k.code,
            )
        )
    specs.append(
        AccountSpec(
            "biro.pemerintahan",
            "Validator Biro Pemerintahan",
            Role.VALIDATOR,
            "Provinsi DKI Jakarta (tiket SKPD/UKPD dan BUMD)",
            unit_code=ref.PROVINCE_VALIDATOR.code,
        )
    )
    for k in ref.KOTA:
        specs.append(
            AccountSpec(
                f"bagpem.{slug(k.name)}",
                f"Validator Bagian Pemerintahan {k.name}",
                Role.VALIDATOR,
                f"{k.name} (tiket kelurahan, kecamatan dan kota)",
                unit_code=ref.kota_validator(k.code, k.name, k.kind == "kabupaten").code,
                kota_code=k.code,
            )
        )
    for k in ref.KOTA:
        for kel in busiest_kelurahan(k):
            specs.append(
                AccountSpec(
                    f"lurah.{kel.code.removeprefix('KEL-').lower()}",
                    f"Petugas Kelurahan {kel.name}",
                    Role.OFFICER,
                    f"Kelurahan {kel.name} ({k.name})",
                    unit_code=kel.code,
                )
            )
    for k in ref.KOTA:
        # The camat's office above the busiest kelurahan: level-2 escalations land there.
        top = busiest_kelurahan(k, 1)[0]
        kec = next(c for c in k.kecamatan if top in c.kelurahan)
        specs.append(
            AccountSpec(
                f"camat.{kec.code.removeprefix('KEC-').lower()}",
                f"Petugas Kecamatan {kec.name}",
                Role.OFFICER,
                f"Kecamatan {kec.name} ({k.name}; eskalasi tingkat 2 kelurahannya)",
                unit_code=kec.code,
            )
        )
    for code, name in MAIN_AGENCIES:
        agency = ref.agency_by_code(code)
        specs.append(
            AccountSpec(
                f"dinas.{name}",
                f"Petugas {agency.short}",
                Role.OFFICER,
                agency.name,
                unit_code=code,
            )
        )
    return specs


def create_demo_accounts(now: datetime) -> list[tuple[str, str, str, str]]:
    """Create the demo staff accounts with random strong passwords.

    Returns (username, password, role, scope) for each account created now;
    usernames that already exist are skipped (their passwords are unknown).
    """
    existing = set(db.session.scalars(select(User.username)))
    out: list[tuple[str, str, str, str]] = []
    for spec in demo_account_specs():
        if spec.username in existing:
            continue
        password = secrets.token_urlsafe(12)
        accounts.create_user(
            username=spec.username,
            password=password,
            display_name=spec.display_name,
            role=spec.role.value,
            unit_code=spec.unit_code,
            kota_code=spec.kota_code,
            now=now,
        )
        out.append((spec.username, password, spec.role.value, spec.scope))
    return out


def issue_channel_keys(now: datetime) -> list[tuple[str, str]]:
    """One API key per online channel; returns (channel code, plain key) pairs.

    A channel that already has an active demo key is skipped: its key was
    shown when it was issued and cannot be shown again.
    """
    have = set(
        db.session.scalars(
            select(Channel.code)
            .join(ApiKey, ApiKey.channel_id == Channel.id)
            .where(ApiKey.revoked_at.is_(None), ApiKey.label == DEMO_KEY_LABEL)
        )
    )
    out = []
    for ch in ref.CHANNELS:
        if not ch.online or ch.code in have:
            continue
        out.append((ch.code, accounts.issue_api_key(ch.code, label=DEMO_KEY_LABEL, now=now)))
    return out
