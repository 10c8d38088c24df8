"""A report arrives: validating it before anything is stored, and opening its ticket.

``parse_report(payload, now)`` turns the JSON an intake channel sends into a
``ReportInput`` or raises ``InvalidReport`` naming every field that is wrong.
Codes (channel, category) are checked against the database by the service.
``open_ticket(...)`` is the state machine's first step: the new ticket's
initial state, from which ``Opening.received(ticket_id)`` builds the
``TicketReceived`` event (the ticket's id exists only once the row is stored).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from . import events as ev
from . import sla
from .routing import Route
from .workflow import Actor, Confidentiality, Status

# Province of DKI Jakarta, Kepulauan Seribu included.
JAKARTA_BBOX = (-6.40, 106.30, -5.10, 107.05)  # min_lat, min_lon, max_lat, max_lon
CLOCK_SKEW = timedelta(minutes=10)
# No report is older than Jakarta's complaint system (CRM and Qlue reports began in 2015):
# an older reported_at is a channel's bug or a forgery, and would skew every age and SLA.
EARLIEST_REPORTED_AT = datetime(2015, 1, 1, tzinfo=timezone(timedelta(hours=7)))
MAX_DESCRIPTION = 5000
MIN_DESCRIPTION = 10
KNOWN_FIELDS = {
    "channel",
    "external_id",
    "category",
    "description",
    "lat",
    "lon",
    "address",
    "kelurahan",
    "reported_at",
    "reporter",
    "photos",
}
REPORTER_FIELDS = {"name", "phone", "email", "confidential", "anonymous"}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# C0 control characters other than tab and line breaks (PostgreSQL cannot even
# store NUL), and lone surrogates (not encodable as UTF-8): refused, not stored.
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,20}$")


class InvalidReport(Exception):
    """One or more fields are wrong. ``errors`` maps field name to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ReporterInput:
    name: str | None
    phone: str | None
    email: str | None
    confidentiality: Confidentiality

    @property
    def has_identity(self) -> bool:
        return bool(self.name or self.phone or self.email)


@dataclass(frozen=True)
class ReportInput:
    channel: str
    external_id: str | None
    category: str
    description: str
    lat: float | None
    lon: float | None
    address: str | None
    kelurahan: str | None
    reported_at: datetime
    reporter: ReporterInput
    photos: tuple[bytes, ...] = field(default=(), repr=False)


def in_jakarta(lat: float, lon: float) -> bool:
    min_lat, min_lon, max_lat, max_lon = JAKARTA_BBOX
    return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon


def has_unsafe_characters(text: str) -> bool:
    """Whether text holds characters that are refused everywhere (see UNSAFE_CHARACTERS)."""
    return UNSAFE_CHARACTERS.search(text) is not None


def payload_hash(payload: dict[str, Any]) -> str:
    """A stable hash of the payload, for idempotent re-delivery."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _text(
    payload: dict[str, Any],
    key: str,
    errors: dict[str, str],
    *,
    required: bool,
    max_len: int,
    min_len: int = 1,
) -> str | None:
    value = payload.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[key] = "wajib diisi (required)"
        return None
    if not isinstance(value, str):
        errors[key] = "harus berupa teks (must be a string)"
        return None
    if has_unsafe_characters(value):
        errors[key] = "berisi karakter kontrol (contains control or invalid characters)"
        return None
    value = value.strip()
    if len(value) > max_len:
        errors[key] = f"paling banyak {max_len} karakter (at most {max_len} characters)"
        return None
    if len(value) < min_len:
        errors[key] = f"paling sedikit {min_len} karakter (at least {min_len} characters)"
        return None
    return value


def _number(payload: dict[str, Any], key: str, errors: dict[str, str]) -> float | None:
    value = payload.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors[key] = "harus berupa angka (must be a number)"
        return None
    try:
        number = float(value)  # an integer of hundreds of digits has no float
    except OverflowError:
        number = float("inf")
    if number != number or number in (float("inf"), float("-inf")):
        errors[key] = "harus berupa angka hingga (must be finite)"
        return None
    return number


def parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("harus berupa teks ISO 8601 (must be an ISO 8601 string)")
    if has_unsafe_characters(value):
        # CPython's parser stops at a NUL: "…+07:00\x00junk" would read as a date.
        raise ValueError("berisi karakter kontrol (contains control or invalid characters)")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("bukan tanggal ISO 8601 (not an ISO 8601 datetime)") from None
    if parsed.tzinfo is None:
        raise ValueError("harus menyertakan zona waktu, mis. +07:00 (must include a UTC offset)")
    try:
        parsed.astimezone(UTC)  # 0001-01-01T00:00+07:00 is a valid string but no storable instant
    except OverflowError:
        raise ValueError("di luar rentang tanggal (out of range)") from None
    return parsed


def _photos(value: Any, errors: dict[str, str], max_photos: int) -> tuple[bytes, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        errors["photos"] = "harus berupa daftar base64 (must be a list of base64 strings)"
        return ()
    if len(value) > max_photos:
        errors["photos"] = f"paling banyak {max_photos} foto (at most {max_photos} photos)"
        return ()
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            errors[f"photos[{i}]"] = "harus berupa teks base64 (must be a base64 string)"
            continue
        if item.startswith("data:"):
            item = item.partition(",")[2]
        try:
            out.append(base64.b64decode(item, validate=True))
        except (binascii.Error, ValueError):
            errors[f"photos[{i}]"] = "bukan base64 yang sah (not valid base64)"
    return tuple(out)


def parse_reporter(value: Any, errors: dict[str, str]) -> ReporterInput:
    if value is None:
        return ReporterInput(None, None, None, Confidentiality.ANONYMOUS)
    if not isinstance(value, dict):
        errors["reporter"] = "harus berupa objek (must be an object)"
        return ReporterInput(None, None, None, Confidentiality.CONFIDENTIAL)
    unknown = set(value) - REPORTER_FIELDS
    if unknown:
        errors["reporter"] = f"kolom tidak dikenal (unknown fields): {', '.join(sorted(unknown))}"
    sub: dict[str, str] = {}
    name = _text(value, "name", sub, required=False, max_len=200)
    phone = _text(value, "phone", sub, required=False, max_len=40)
    email = _text(value, "email", sub, required=False, max_len=200)
    if phone and not PHONE_RE.match(phone):
        sub["phone"] = "bukan nomor telepon (not a phone number)"
    if email and not EMAIL_RE.match(email):
        sub["email"] = "bukan alamat e-mail (not an e-mail address)"
    flags = {}
    for key, default in (("confidential", True), ("anonymous", False)):
        flag = value.get(key, default)
        if not isinstance(flag, bool):
            sub[key] = "harus true atau false (must be a boolean)"
            flag = default
        flags[key] = flag
    for k, v in sub.items():
        errors[f"reporter.{k}"] = v
    if flags["anonymous"]:
        # Anonim: nothing that identifies the reporter is kept, not even hashed.
        return ReporterInput(None, None, None, Confidentiality.ANONYMOUS)
    # Rahasia unless the reporter said otherwise. `confidential: false` (biasa)
    # publishes the redacted description; the identity stays hidden from the
    # handling unit and the public either way.
    level = Confidentiality.CONFIDENTIAL if flags["confidential"] else Confidentiality.PUBLIC
    return ReporterInput(name, phone, email, level)


def parse_report(
    payload: Any, *, now: datetime, max_photos: int = 5, require_external_id: bool = True
) -> ReportInput:
    """Check every field of an incoming report; raise ``InvalidReport`` listing all problems."""
    if not isinstance(payload, dict):
        raise InvalidReport({"body": "harus berupa objek JSON (must be a JSON object)"})
    errors: dict[str, str] = {}
    unknown = set(payload) - KNOWN_FIELDS
    if unknown:
        errors["body"] = f"kolom tidak dikenal (unknown fields): {', '.join(sorted(unknown))}"
    channel = _text(payload, "channel", errors, required=True, max_len=32)
    external_id = _text(payload, "external_id", errors, required=require_external_id, max_len=120)
    category = _text(payload, "category", errors, required=True, max_len=64)
    description = _text(
        payload,
        "description",
        errors,
        required=True,
        max_len=MAX_DESCRIPTION,
        min_len=MIN_DESCRIPTION,
    )
    address = _text(payload, "address", errors, required=False, max_len=300)
    kelurahan = _text(payload, "kelurahan", errors, required=False, max_len=120)
    lat = _number(payload, "lat", errors)
    lon = _number(payload, "lon", errors)
    if (lat is None) != (lon is None) and "lat" not in errors and "lon" not in errors:
        errors["lat" if lat is None else "lon"] = (
            "lat dan lon harus diisi bersama (lat and lon go together)"
        )
    elif lat is not None and lon is not None and not in_jakarta(lat, lon):
        errors["lat"] = "lokasi di luar DKI Jakarta (location is outside Jakarta)"

    reported_at = now
    if "reported_at" not in payload or payload["reported_at"] is None:
        errors["reported_at"] = "wajib diisi (required)"
    else:
        try:
            reported_at = parse_datetime(payload["reported_at"])
        except ValueError as exc:
            errors["reported_at"] = str(exc)
        else:
            if reported_at > now + CLOCK_SKEW:
                errors["reported_at"] = "tidak boleh di masa depan (must not be in the future)"
            elif reported_at < EARLIEST_REPORTED_AT:
                errors["reported_at"] = (
                    "tidak boleh sebelum 2015-01-01 WIB "
                    "(must not be before 2015-01-01, Jakarta time)"
                )
    reporter = parse_reporter(payload.get("reporter"), errors)
    photos = _photos(payload.get("photos"), errors, max_photos)
    if errors:
        raise InvalidReport(errors)
    assert channel is not None and category is not None and description is not None
    return ReportInput(
        channel=channel,
        external_id=external_id,
        category=category,
        description=description,
        lat=lat,
        lon=lon,
        address=address,
        kelurahan=kelurahan,
        reported_at=reported_at,
        reporter=reporter,
        photos=photos,
    )


# --- opening the ticket ----------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    """A new ticket's initial state: waiting (Menunggu) at the routed unit, its clocks started."""

    channel: str
    actor: Actor
    assigned_unit_id: int
    routed_by: str
    received_at: datetime
    response_due_at: datetime
    completion_due_at: datetime
    # An earlier completion of the same problem, which the report puts in doubt.
    repeat_of_id: int | None
    status: Status = Status.WAITING

    def received(self, ticket_id: int) -> ev.TicketReceived:
        """The event that opens the history of the stored ticket ``ticket_id``."""
        return ev.TicketReceived(
            ticket_id=ticket_id,
            at=self.received_at,
            actor=self.actor,
            from_status=None,
            to_status=self.status,
            note="",
            channel=self.channel,
            assigned_unit_id=self.assigned_unit_id,
            routed_by=self.routed_by,
            repeat_of_id=self.repeat_of_id,
        )


def open_ticket(
    *,
    channel: str,
    route: Route,
    response_hours: int,
    weight: int,
    repeat_of_id: int | None,
    actor: Actor,
    now: datetime,
) -> Opening:
    """A routed report's ticket: received now, due by its category's deadlines."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return Opening(
        channel=channel,
        actor=actor,
        assigned_unit_id=route.unit_id,
        routed_by=route.routed_by,
        received_at=now,
        response_due_at=sla.response_due(now, response_hours),
        completion_due_at=sla.completion_due(now, weight),
        repeat_of_id=repeat_of_id,
    )
