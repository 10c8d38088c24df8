"""Intake: a report arrives from a channel (API or staff form) and becomes a ticket.

Idempotent on (channel, external_id): the same report delivered twice gives
the same ticket; the same id with a different payload is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from .. import disclosure
from ..database import begin_write
from ..domain import intake as intake_rules
from ..domain import routing
from ..domain.intake import ReportInput
from ..domain.tracking import make_tracking
from ..domain.workflow import Actor
from ..extensions import db
from ..models import Category, Channel, Reporter, Ticket, Unit
from . import handlers, kpi, validation
from .errors import InvalidInput
from .photos import CleanPhoto
from .ticket_rows import history_row
from .workflow import Publish, clean_photos, scoped, store_photos


@dataclass(frozen=True)
class IntakeResult:
    ticket_id: int
    tracking: str
    created: bool  # False: a repeat delivery of a report we already have
    # The reporter's one-time rating link token: given once, at creation (only its
    # hash is kept, so a repeat delivery cannot return it again).
    rating_token: str | None = None
    repeat_of_id: int | None = None


def contact_hash(name: str | None, phone: str | None, email: str | None) -> str | None:
    """A keyed hash of the reporter's contact, to count distinct reporters."""
    if phone:
        digits = "".join(c for c in phone if c.isdigit())
        if digits.startswith("0"):
            digits = "62" + digits[1:]
        basis = "tel:" + digits
    elif email:
        basis = "mail:" + email.strip().lower()
    elif name:
        basis = "name:" + " ".join(name.lower().split())
    else:
        return None
    key = current_app.config["REPORTER_HASH_KEY"].encode()
    return hmac.new(key, basis.encode(), hashlib.sha256).hexdigest()


def kelurahan_places() -> list[routing.KelurahanPlace]:
    rows = db.session.execute(
        select(Unit.id, Unit.name, Unit.lat, Unit.lon, Unit.boundary).where(
            Unit.kind == "kelurahan", Unit.lat.is_not(None)
        )
    ).all()
    places = []
    for uid, name, lat, lon, boundary in rows:
        polys = routing.polygons_from_geojson_geometry(boundary) if boundary else ()
        places.append(routing.KelurahanPlace(uid, name, lat, lon, polys))
    return places


def _find_kelurahan(text: str) -> Unit | None:
    t = text.strip()
    return db.session.scalar(
        select(Unit)
        .where(
            Unit.kind == "kelurahan",
            or_(Unit.code == t, func.lower(Unit.name) == t.lower()),
        )
        .limit(2)
    )


def existing_for(channel_id: int, external_id: str) -> Ticket | None:
    return db.session.scalar(
        select(Ticket).where(Ticket.channel_id == channel_id, Ticket.external_id == external_id)
    )


def receive_report(
    report: ReportInput,
    *,
    payload_hash: str | None,
    actor: Actor,
    now: datetime,
    publish: Publish,
    allowed_channel: str | None = None,
    rng: random.Random | None = None,
    rating_link: bool = False,
) -> IntakeResult:
    """Turn a validated report into a routed ticket (status Menunggu).

    Everything that only reads or computes (look-ups, routing over the
    kelurahan boundaries, redaction, the photos' re-encoding) happens before
    ``begin_write``: on SQLite the write lock is held only for the inserts.
    The event's follow-ups (``handlers``) run after commit.
    """
    channel, category, named = _look_up(report, allowed_channel)
    if report.external_id is not None:
        found = existing_for(channel.id, report.external_id)
        if found is not None:
            return _repeat(found, payload_hash)
    ready = _prepare(report, channel, category, named, payload_hash, actor=actor, now=now)

    begin_write()  # ends the read transaction above; from here on, only writes
    ticket = _ticket_row(ready, rng)
    db.session.add(ticket)
    try:
        db.session.flush()
    except IntegrityError:
        # Two deliveries of one report raced; the other one won.
        db.session.rollback()
        found = None
        if report.external_id is not None:
            found = existing_for(ready.channel_id, report.external_id)
        if found is None:
            raise
        return _repeat(found, payload_hash)
    event = ready.opening.received(ticket.id)
    row = history_row(event)
    db.session.add(row)
    if ready.photos:
        store_photos(ticket, ready.photos, purpose="report", now=now, event_id=None)
    token = validation.issue_rating_token(ticket.id, now=now) if rating_link else None
    kpi.record_change(ticket.id, None)
    db.session.commit()
    result = IntakeResult(
        ticket.id,
        ticket.tracking,
        created=True,
        rating_token=token,
        repeat_of_id=ticket.repeat_of_id,
    )
    published = scoped(event, ticket, row)
    publish(published)
    handlers.handle(published, publish)
    return result


def _look_up(
    report: ReportInput, allowed_channel: str | None
) -> tuple[Channel, Category, Unit | None]:
    """The report's channel, category and named kelurahan; InvalidInput naming each unknown."""
    errors: dict[str, str] = {}
    channel = db.session.scalar(select(Channel).where(Channel.code == report.channel))
    if channel is None:
        errors["channel"] = f"kanal tidak dikenal (unknown channel): {report.channel}"
    elif allowed_channel is not None and channel.code != allowed_channel:
        message = f"kunci API ini untuk kanal {allowed_channel} (key is for another channel)"
        raise InvalidInput({"channel": message}, status=403)
    category = db.session.scalar(
        select(Category).where(Category.code == report.category, Category.active.is_(True))
    )
    if category is None:
        errors["category"] = f"kategori tidak dikenal (unknown category): {report.category}"
    named = None
    if report.kelurahan:
        named = _find_kelurahan(report.kelurahan)
        if named is None:
            errors["kelurahan"] = f"kelurahan tidak dikenal (unknown kelurahan): {report.kelurahan}"
    if errors:
        db.session.rollback()
        raise InvalidInput(errors)
    assert channel is not None and category is not None
    return channel, category, named


@dataclass(frozen=True)
class _Place:
    """Where the report is routed, and where the problem is (for kota-level views)."""

    route: routing.Route
    kelurahan_id: int | None
    kota_id: int | None
    handling_kota_id: int | None


def _place(report: ReportInput, category: Category, named: Unit | None) -> _Place:
    places = kelurahan_places() if (report.lat is not None or named is None) else []
    route = routing.route(
        location_based=category.location_based,
        category_agency_id=category.agency_id,
        lat=report.lat,
        lon=report.lon,
        named_kelurahan_id=named.id if named else None,
        places=places,
    )
    # Where the problem is, for kota-level views, even when an agency handles it.
    kelurahan_id = route.kelurahan_id
    if kelurahan_id is None and report.lat is not None and report.lon is not None and places:
        kelurahan_id = routing.locate_kelurahan(report.lat, report.lon, places)[0].unit_id
    kelurahan = db.session.get(Unit, kelurahan_id) if kelurahan_id else None
    assigned = db.session.get(Unit, route.unit_id)
    assert assigned is not None
    return _Place(
        route=route,
        kelurahan_id=kelurahan_id,
        kota_id=kelurahan.kota_id if kelurahan else None,
        handling_kota_id=assigned.kota_id,
    )


@dataclass(frozen=True)
class _Ready:
    """Everything read or computed before the write lock, for the inserts."""

    report: ReportInput
    payload_hash: str | None
    channel_id: int
    category_id: int
    place: _Place
    opening: intake_rules.Opening
    public_description: str
    reporter_hash: str | None
    keeps_identity: bool
    photos: list[CleanPhoto]


def _prepare(
    report: ReportInput,
    channel: Channel,
    category: Category,
    named: Unit | None,
    payload_hash: str | None,
    *,
    actor: Actor,
    now: datetime,
) -> _Ready:
    place = _place(report, category, named)
    r = report.reporter
    keeps_identity = r.confidentiality.keeps_identity and r.has_identity
    # What the portal and Open311 may show, masked while the reporter's own
    # details are at hand (public pages never read the reporter row).
    public_description = disclosure.redacted(
        report.description, disclosure.Identity(r.name, r.phone, r.email)
    )
    photos = clean_photos(report.photos) if report.photos else []
    # An earlier completion of the same problem (a read, so before the lock too).
    probe = Ticket(category_id=category.id, lat=report.lat, lon=report.lon)
    earlier = validation.find_repeat_of(probe, now=now)
    opening = intake_rules.open_ticket(
        channel=channel.code,
        route=place.route,
        response_hours=category.response_hours,
        weight=category.weight,
        repeat_of_id=earlier.id if earlier is not None else None,
        actor=actor,
        now=now,
    )
    return _Ready(
        report=report,
        payload_hash=payload_hash,
        channel_id=channel.id,
        category_id=category.id,
        place=place,
        opening=opening,
        public_description=public_description,
        reporter_hash=contact_hash(r.name, r.phone, r.email) if keeps_identity else None,
        keeps_identity=keeps_identity,
        photos=photos,
    )


def _ticket_row(ready: _Ready, rng: random.Random | None) -> Ticket:
    """The new ticket (and its reporter, if one is kept), in its opening state."""
    report, opening, place = ready.report, ready.opening, ready.place
    now = opening.received_at
    r = report.reporter
    reporter_row = None
    if ready.keeps_identity:
        reporter_row = Reporter(
            name=r.name,
            phone=r.phone,
            email=r.email,
            contact_hash=ready.reporter_hash,
            created_at=now,
        )
        db.session.add(reporter_row)
    return Ticket(
        tracking=_fresh_tracking(now, rng),
        channel_id=ready.channel_id,
        external_id=report.external_id,
        payload_hash=ready.payload_hash,
        category_id=ready.category_id,
        description=report.description,
        public_description=ready.public_description,
        lat=report.lat,
        lon=report.lon,
        address=report.address,
        kelurahan_id=place.kelurahan_id,
        kota_id=place.kota_id,
        assigned_unit_id=opening.assigned_unit_id,
        handling_kota_id=place.handling_kota_id,
        routed_by=opening.routed_by,
        status=opening.status.value,
        confidentiality=r.confidentiality.value,
        reporter=reporter_row,
        reporter_hash=ready.reporter_hash,
        reported_at=report.reported_at,
        received_at=now,
        clock_started_at=now,
        response_due_at=opening.response_due_at,
        completion_due_at=opening.completion_due_at,
        updated_at=now,
        repeat_of_id=opening.repeat_of_id,
    )


def _fresh_tracking(now: datetime, rng: random.Random | None) -> str:
    while True:
        tracking = make_tracking(now, rng)
        if db.session.scalar(select(Ticket.id).where(Ticket.tracking == tracking)) is None:
            return tracking


def _repeat(found: Ticket, payload_hash: str | None) -> IntakeResult:
    if payload_hash is not None and found.payload_hash not in (None, payload_hash):
        db.session.rollback()
        raise InvalidInput(
            {
                "external_id": (
                    "sudah dipakai untuk laporan lain dengan isi berbeda "
                    "(already used for a different report)"
                )
            }
        )
    result = IntakeResult(found.id, found.tracking, created=False)
    db.session.rollback()
    return result
