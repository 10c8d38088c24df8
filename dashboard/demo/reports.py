"""A demo ticket as it is reported: channel, place, words, reporter and tracking number.

``Reports.report(received, cat)`` builds the ticket row as intake would have
left it (status Menunggu, its deadlines set) on a plain in-memory ``Draft``;
``history`` then plays its life on the same draft. Reporters are reused the
way real heavy users do: 41,528 reporters for 185,852 reports in 2024.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ..clock import JAKARTA
from ..domain import redaction, sla
from ..domain.tracking import make_tracking
from ..domain.workflow import Confidentiality, Status
from ..extensions import db
from ..models import Channel, Reporter, Ticket
from ..services.intake import contact_hash
from .texts import (
    CLOSERS,
    FIRST_NAMES,
    HOW_LONG,
    LAST_NAMES,
    MAIL_DOMAINS,
    OPENERS,
    PHONE_PREFIXES,
    PLACES,
    ROMAN,
    STREET_NAMES,
    STREET_PREFIXES,
    WHEN,
)
from .world import Cat, Kel, World

ANONYMOUS_SHARE = 0.20
# 41,528 reporters for 185,852 reports in 2024: ~0.22 distinct per ticket, i.e.
# a new person on 0.22 / 0.8 of the confidential tickets, the rest reuse.
NEW_REPORTER_SHARE = 0.275
NO_LOCATION_SHARE = 0.30  # of non-location-based categories: no place given
JITTER_M = 300.0
# Channels whose reports reach Pantau within minutes (lapor: within hours).
FAST_CHANNELS = ("jaki", "qlue", "web", "lapor")

TICKET_COLS = tuple(c.name for c in Ticket.__table__.columns)


class Draft:
    """A ticket in memory, duck-typed for ``state_of`` and ``apply_event``."""

    __slots__ = (*TICKET_COLS, "supporting")

    if TYPE_CHECKING:
        # The attributes are the table's columns, which a static checker cannot follow.
        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...

    @property
    def supporting_unit_ids(self) -> frozenset[int]:
        return frozenset(s.unit_id for s in self.supporting)

    def row(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in TICKET_COLS}


def new_draft(values: dict[str, Any]) -> Draft:
    """A draft with these column values; every other column None (timestamps to come, …)."""
    unknown = values.keys() - set(TICKET_COLS)
    if unknown:
        raise ValueError(f"not ticket columns: {sorted(unknown)}")
    d = Draft()
    for name in TICKET_COLS:
        setattr(d, name, values.get(name))
    d.supporting = []
    return d


@dataclass(frozen=True)
class Report:
    """A new ticket and what its history needs to know of how it came in."""

    draft: Draft
    cat: Cat
    kel: Kel | None
    channel: Channel
    online: bool


@dataclass
class Person:
    id: int
    hash: str | None


class Reporters:
    """The people who report, new or known; new ones are added to ``rows`` to be written."""

    def __init__(self, rng: random.Random, rows: list[dict[str, Any]]) -> None:
        self.rng = rng
        self.rows = rows
        self.persons: list[Person] = []
        # One entry per report: picking from it favours those who report most.
        self.assignments: list[int] = []
        self.next_id = (db.session.scalar(select(func.max(Reporter.id))) or 0) + 1

    def pick(self, at: datetime) -> Person:
        """A known reporter (heavy reporters more often), or a new one."""
        rng = self.rng
        if self.persons and rng.random() >= NEW_REPORTER_SHARE:
            if rng.random() < 0.6:  # heavy reporters report more: preferential reuse
                idx = self.assignments[rng.randrange(len(self.assignments))]
            else:
                idx = rng.randrange(len(self.persons))
            self.assignments.append(idx)
            return self.persons[idx]
        return self._new(at)

    def _new(self, at: datetime) -> Person:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}" if rng.random() < 0.85 else first
        phone: str | None = "08" + rng.choice(PHONE_PREFIXES) + str(rng.randrange(10**6, 10**8))
        email: str | None = None
        if rng.random() < 0.55:
            email = f"{first.lower()}.{last.lower()}{rng.randrange(100)}@{rng.choice(MAIL_DOMAINS)}"
            email = email.replace(" ", "")
        if rng.random() < 0.12:
            phone = None  # e-mail only (a web or e-mail reporter)
            if email is None:
                email = f"{first.lower()}{rng.randrange(1000)}@{rng.choice(MAIL_DOMAINS)}"
        person = Person(self.next_id, contact_hash(name, phone, email))
        self.next_id += 1
        self.rows.append(
            {
                "id": person.id,
                "name": name,
                "phone": phone,
                "email": email,
                "contact_hash": person.hash,
                "created_at": at,
            }
        )
        self.persons.append(person)
        self.assignments.append(len(self.persons) - 1)
        return person


class Reports:
    """New tickets as their channels deliver them, numbered after those already stored."""

    def __init__(self, world: World, rng: random.Random, reporters: Reporters) -> None:
        self.world = world
        self.rng = rng
        self.reporters = reporters
        self.trackings: set[str] = set(db.session.scalars(select(Ticket.tracking)))
        self.next_id = (db.session.scalar(select(func.max(Ticket.id))) or 0) + 1

    def report(self, received: datetime, cat: Cat) -> Report:
        """A new ticket of category `cat` received at `received`."""
        chan, online = self._channel(received)
        kel = self._kelurahan(cat)
        street = self._street(kel)
        lat = lon = address = None
        if kel is not None:
            lat, lon = self._place(kel)
            number = min(250, 1 + int(self.rng.lognormvariate(math.log(18.0), 0.9)))
            address = f"{street} No. {number}, {kel.name}"
        description = self._description(cat, street, kel)
        confidentiality, reporter_id, reporter_hash = self._reporter(received)
        tracking = self._tracking(received)
        reported = self._reported_at(received, chan.code, online)
        if cat.location_based and kel is not None:
            assigned, routed_by = kel.id, "nearest"
        else:
            assigned, routed_by = cat.agency_id, "category"
        tid = self.next_id
        self.next_id += 1
        draft = new_draft(
            {
                "id": tid,
                "tracking": tracking,
                "channel_id": chan.id,
                "external_id": (
                    f"{chan.code.upper()}-{received:%Y%m%d}-{tid:07d}" if online else None
                ),
                "category_id": cat.id,
                "description": description,
                "public_description": redaction.redact(description),
                "lat": lat,
                "lon": lon,
                "address": address,
                "kelurahan_id": kel.id if kel else None,
                "kota_id": kel.kota_id if kel else None,
                "assigned_unit_id": assigned,
                "handling_kota_id": self.world.units[assigned].kota_id,
                "routed_by": routed_by,
                "confidentiality": confidentiality.value,
                "reporter_id": reporter_id,
                "reporter_hash": reporter_hash,
                "reported_at": reported,
                **_fresh_clocks(received, cat),
            }
        )
        return Report(draft, cat, kel, chan, online)

    def _channel(self, received: datetime) -> tuple[Channel, bool]:
        """A channel from the mix; out of office hours, only an online one."""
        world, rng = self.world, self.rng
        chan, chan_ref = world.channels[bisect(world.chan_cum, rng.random() * world.chan_cum[-1])]
        local_hour = received.astimezone(JAKARTA).hour
        if not chan_ref.online and not 8 <= local_hour < 16:
            # Offices are closed: it came in through an online channel.
            chan, chan_ref = world.online_channels[
                bisect(world.online_cum, rng.random() * world.online_cum[-1])
            ]
        return chan, chan_ref.online

    def _kelurahan(self, cat: Cat) -> Kel | None:
        """Where: always for a location-based category, else most of the time."""
        world, rng = self.world, self.rng
        if cat.location_based or rng.random() >= NO_LOCATION_SHARE:
            return world.kels[bisect(world.kel_cum, rng.random() * world.kel_cum[-1])]
        return None

    def _street(self, kel: Kel | None) -> str:
        """A plausible street name: 'Jl. Raya Cideng', 'Jl. Kenanga II', 'Gg. Masjid'."""
        rng = self.rng
        u = rng.random()
        if kel is not None and u < 0.12:
            return f"Jl. Raya {kel.name}"
        if kel is not None and u < 0.20:
            return f"Jl. {kel.name} {rng.choice(ROMAN)}"
        street = f"{rng.choice(STREET_PREFIXES)} {rng.choice(STREET_NAMES)}"
        return f"{street} {rng.choice(ROMAN)}" if rng.random() < 0.25 else street

    def _place(self, kel: Kel) -> tuple[float, float]:
        """A point ~300 m around the centre, still nearest to this kelurahan's centre."""
        rng = self.rng
        coslat = math.cos(math.radians(kel.lat))
        for _ in range(6):
            dist = JITTER_M * math.sqrt(rng.random())
            angle = rng.random() * 2 * math.pi
            lat = kel.lat + dist * math.sin(angle) / 110_574
            lon = kel.lon + dist * math.cos(angle) / (111_320 * coslat)
            own = (lat - kel.lat) ** 2 + ((lon - kel.lon) * coslat) ** 2
            if all(own < (lat - a) ** 2 + ((lon - b) * coslat) ** 2 for a, b in kel.neighbours):
                return round(lat, 6), round(lon, 6)
        return kel.lat, kel.lon

    def _description(self, cat: Cat, street: str, kel: Kel | None) -> str:
        """The report in the reporter's words, from the category's templates."""
        rng = self.rng
        template = rng.choice(cat.descriptions)
        fill = {
            "jalan": street,
            "tempat": rng.choice(PLACES),
            "lama": rng.choice(HOW_LONG),
            "waktu": rng.choice(WHEN),
            "kel": kel.name if kel else "kami",
        }
        return rng.choice(OPENERS).format(**fill) + template.format(**fill) + rng.choice(CLOSERS)

    def _reporter(self, received: datetime) -> tuple[Confidentiality, int | None, str | None]:
        """A confidential reporter (often one we know already) or anonymous."""
        if self.rng.random() < ANONYMOUS_SHARE:
            return Confidentiality.ANONYMOUS, None, None
        person = self.reporters.pick(received)
        return Confidentiality.CONFIDENTIAL, person.id, person.hash

    def _tracking(self, received: datetime) -> str:
        """A tracking number not used before."""
        tracking = make_tracking(received, self.rng)
        while tracking in self.trackings:
            tracking = make_tracking(received, self.rng)
        self.trackings.add(tracking)
        return tracking

    def _reported_at(self, received: datetime, code: str, online: bool) -> datetime:
        """When the reporter sent it: minutes to hours before Pantau received it."""
        rng = self.rng
        if online and code in FAST_CHANNELS:
            lag = rng.uniform(0.2, 3.0) / 60 if code != "lapor" else rng.uniform(0.2, 12)
        elif online:
            lag = rng.uniform(5, 240) / 60
        else:
            lag = rng.uniform(10, 360) / 60
        return received - timedelta(seconds=round(lag * 3600))


def _fresh_clocks(received: datetime, cat: Cat) -> dict[str, Any]:
    """Status, clocks and counters of a ticket just received (the rest stay None)."""
    return {
        "status": Status.WAITING.value,
        "reopen_confirmed": False,
        "received_at": received,
        "clock_started_at": received,
        "escalation_flags": 0,
        "escalations_ever": 0,
        "reopens": 0,
        "response_due_at": sla.response_due(received, cat.response_hours),
        "completion_due_at": sla.completion_due(received, cat.weight),
        "escalation_level": 0,
        "updated_at": received,
        # apply_event counts every event, the received one included.
        "event_count": 0,
        "version": 0,
    }
