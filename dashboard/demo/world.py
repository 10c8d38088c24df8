"""What the demo generator reads before it starts: units, staff, categories, channels.

``World()`` loads the reference rows (``seed.seed_reference``) and the demo
accounts when they exist, and turns them into what the generator draws from:
the category and channel mixes, kelurahan weighted by how busy they look, and
the actors (officers, validators, MROs) who act on the tickets. Nothing here
is random: the same database gives the same world.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from typing import cast

from sqlalchemy import select

from .. import reference as ref
from ..clock import JAKARTA
from ..domain.workflow import Actor, ActorKind, Role
from ..extensions import db
from ..models import Category, Channel, Unit, User
from .seed import kelurahan_activity
from .texts import COMPLETION_NOTES, DESCRIPTIONS, GENERIC_COMPLETION_NOTES, GENERIC_DESCRIPTIONS

# The agencies asked for support in a coordination (koordinasi).
SUPPORT_AGENCIES = (
    "SATPOL-PP",
    "DINAS-LINGKUNGAN-HIDUP",
    "DINAS-PERHUBUNGAN",
    "DINAS-SUMBER-DAYA-AIR",
    "DINAS-BINA-MARGA",
)
# Kelurahan centres closer than this are neighbours: a report's point stays on its side.
NEIGHBOUR_M = 2_500
# The population assumed for a kota that has none.
DEFAULT_POPULATION = 1_000_000


@dataclass(frozen=True)
class Cat:
    """An active category with its demo share of unresolved tickets and its texts."""

    id: int
    code: str
    weight: int
    response_hours: int
    location_based: bool
    agency_id: int
    unresolved_share: float
    descriptions: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Kel:
    """A kelurahan with a centre, and the centres of its neighbours."""

    id: int
    name: str
    kota_id: int
    kecamatan_id: int
    lat: float
    lon: float
    neighbours: tuple[tuple[float, float], ...]


class World:
    """The reference rows and staff the demo tickets are made of."""

    def __init__(self) -> None:
        units = list(db.session.scalars(select(Unit)))
        if not any(u.kind == "kelurahan" for u in units):
            raise RuntimeError("no units: run seed_reference() first")
        # Strong references keep them in the identity map: apply_event's
        # db.session.get(Unit, …) is then a dictionary look-up.
        self.units = {u.id: u for u in units}
        users = sorted(
            db.session.scalars(select(User).where(User.active.is_(True))), key=lambda u: u.id
        )
        self._officer_user: dict[int, User] = {}
        for u in users:
            if u.role == Role.OFFICER and u.unit_id is not None:
                self._officer_user.setdefault(u.unit_id, u)
        self._officers: dict[int, Actor] = {}
        self.validators = self._validators(users)
        self.mros = [
            Actor(kind=ActorKind.USER, label=u.display_name, role=Role.MRO, user_id=u.id)
            for u in [u for u in users if u.role == Role.MRO][:2]
        ] or [Actor(kind=ActorKind.USER, label="MRO", role=Role.MRO)]
        self._load_categories()
        self._load_channels()
        self._load_kelurahan(units)
        by_code = {u.code: u for u in units}
        self.support_pool = [by_code[c].id for c in SUPPORT_AGENCIES if c in by_code]

    def _validators(self, users: list[User]) -> dict[int | None, Actor]:
        """The validator of each kota (None: Biro Pemerintahan), a demo account or a label."""
        validator_users: dict[int | None, User] = {}
        for u in users:
            if u.role == Role.VALIDATOR:
                validator_users.setdefault(u.kota_id, u)
        kotas = (u.id for u in self.units.values() if u.kind in ("kota", "kabupaten"))
        validators: dict[int | None, Actor] = {}
        for kota in [None, *kotas]:
            user = validator_users.get(kota)
            if user is not None:
                label = user.display_name
            elif kota is None:
                label = "Validator Biro Pemerintahan"
            else:
                label = f"Validator Bagian Pemerintahan {self.units[kota].name}"
            validators[kota] = Actor(
                kind=ActorKind.USER,
                label=label,
                role=Role.VALIDATOR,
                user_id=user.id if user else None,
                kota_id=kota,
            )
        return validators

    def _load_categories(self) -> None:
        """The active categories in reference order, with their demo shares."""
        cats_db = {c.code: c for c in db.session.scalars(select(Category))}
        self.cats: list[Cat] = []
        shares: list[float] = []
        for rc in ref.CATEGORIES:
            c = cats_db.get(rc.code)
            if c is None or not c.active:
                continue
            self.cats.append(
                Cat(
                    id=c.id,
                    code=c.code,
                    weight=c.weight,
                    response_hours=c.response_hours,
                    location_based=c.location_based,
                    agency_id=c.agency_id,
                    unresolved_share=rc.unresolved_share,
                    descriptions=DESCRIPTIONS.get(c.code, GENERIC_DESCRIPTIONS),
                    notes=COMPLETION_NOTES.get(c.code, ()) + GENERIC_COMPLETION_NOTES,
                )
            )
            shares.append(rc.demo_share)
        if not self.cats:
            raise RuntimeError("no categories: run seed_reference() first")
        self.cat_shares = shares
        # The mean unresolved share over the category mix.
        self.us_mean = sum(s * c.unresolved_share for s, c in zip(shares, self.cats, strict=True))
        self.us_mean /= sum(shares)

    def _load_channels(self) -> None:
        """The channel mix, and the online channels' mix for reports out of office hours."""
        chans_db = {c.code: c for c in db.session.scalars(select(Channel))}
        self.channels = [(chans_db[c.code], c) for c in ref.CHANNELS if c.code in chans_db]
        self.chan_cum = list(accumulate(c.demo_share for _, c in self.channels))
        online = [(row, c) for row, c in self.channels if c.online]
        self.online_channels = online
        self.online_cum = list(accumulate(c.demo_share for _, c in online))
        self.channel_actor = {row.code: Actor.channel(row.code) for row, _ in self.channels}

    def _load_kelurahan(self, units: list[Unit]) -> None:
        """Kelurahan weighted by their kota's population and how busy they look."""
        kels = [u for u in units if u.kind == "kelurahan" and u.lat is not None]
        kels.sort(key=lambda u: u.code)
        per_kota = Counter(u.kota_id for u in kels)
        # Kelurahan carry a centre (the filter above); cast() tells the type checker.
        centres = [(cast(float, u.lat), cast(float, u.lon)) for u in kels]
        self.kels: list[Kel] = []
        weights = []
        for u, (lat, lon) in zip(kels, centres, strict=True):
            kota = self.units[u.kota_id] if u.kota_id else None
            population = kota.population if kota and kota.population else DEFAULT_POPULATION
            weights.append(population / per_kota[u.kota_id] * kelurahan_activity(u.code))
            coslat = math.cos(math.radians(lat))
            near = tuple(
                c
                for c in centres
                if c != (lat, lon)
                and math.hypot((c[0] - lat) * 110_574, (c[1] - lon) * 111_320 * coslat)
                < NEIGHBOUR_M
            )
            self.kels.append(
                Kel(u.id, u.name, cast(int, u.kota_id), cast(int, u.parent_id), lat, lon, near)
            )
        self.kel_cum = list(accumulate(weights))

    # --- actors --------------------------------------------------------------------------

    def officer(self, unit_id: int) -> Actor:
        """The unit's demo officer, or a labelled officer when it has no account."""
        actor = self._officers.get(unit_id)
        if actor is None:
            user = self._officer_user.get(unit_id)
            label = user.display_name if user else f"Petugas {self.units[unit_id].display_name}"
            actor = Actor(
                kind=ActorKind.USER,
                label=label,
                role=Role.OFFICER,
                user_id=user.id if user else None,
                unit_id=unit_id,
            )
            self._officers[unit_id] = actor
        return actor

    def mro(self, at: datetime) -> Actor:
        """Day shift 07–19 WIB, else the night shift."""
        hour = at.astimezone(JAKARTA).hour
        return self.mros[0 if 7 <= hour < 19 or len(self.mros) == 1 else 1]

    def validator(self, kota_id: int | None) -> Actor:
        """Who validates a ticket handled in that kota (None: Biro Pemerintahan)."""
        return self.validators[kota_id]
