"""What an Open311 GeoReport v2 caller sends, checked: the query arguments of
GET requests and servicerequestupdates, and the POST requests form read into
Pantau's report payload. Every refusal is an ``Open311Error`` (the spec's rule:
404 for what does not exist, 403 for a wrong api_key, 400 for everything else).

The documents Pantau answers with are built in ``open311.py``, which
re-exports every name here. Nothing here imports Flask or SQLAlchemy or reads
the clock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .intake import has_unsafe_characters
from .tracking import normalise_tracking

WINDOW = timedelta(days=90)  # GET requests: the default span, and the longest allowed
MAX_ROWS = 1000  # GET requests / servicerequestupdates: at most this many rows
MAX_DESCRIPTION = 4000  # the spec's limit on a request's description
MAX_NAME = 99  # first_name and last_name each; joined they fit Pantau's 200
MAX_MEDIA_URL = 2000
CLIENT_REQUEST_ID = "client_request_id"  # the one attribute: the client's own id
CLIENT_REQUEST_ID_FIELD = f"attribute[{CLIENT_REQUEST_ID}]"

# The POST form fields of the spec that Pantau reads. Others are ignored.
FORM_FIELDS = (
    "api_key",
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
    CLIENT_REQUEST_ID_FIELD,
)
# What makes two submissions "the same report" for idempotency: what is stored.
# device_id, account_id and media_url are not stored, api_key and
# jurisdiction_id identify the caller, not the report.
_IDEMPOTENT_FIELDS = tuple(
    f
    for f in FORM_FIELDS
    if f not in ("api_key", "jurisdiction_id", "device_id", "account_id", "media_url")
)

# Pantau's names for the fields of a report (domain.intake, services.intake)
# -> the Open311 form fields they came from.
_FIELD_NAMES = {
    "category": "service_code",
    "lat": "lat",
    "lon": "long",
    "address": "address_string",
    "kelurahan": "address_id",
    "external_id": CLIENT_REQUEST_ID_FIELD,
    "reporter.name": "first_name",
    "reporter.phone": "phone",
    "reporter.email": "email",
    "channel": "api_key",
}


class Open311Error(Exception):
    """A request the API refuses: the HTTP status and one message per problem.

    The spec's rule: 404 for what does not exist, 403 for a missing or wrong
    api_key, 400 for everything else.
    """

    def __init__(self, status: int, descriptions: Sequence[str]) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = list(descriptions)


# RFC 3339 / the w3 note's full form: a date, a time and a zone are all required.
_W3C_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:[Zz]|[+-]\d{2}:\d{2})"
)


def parse_w3c(name: str, text: str) -> datetime:
    """A query argument in the w3 format, e.g. 2026-11-01T00:00:00+07:00 or ...Z."""
    if not _W3C_DATETIME.fullmatch(text):
        raise Open311Error(
            400,
            [
                f"{name}: bukan tanggal-waktu w3c dengan zona, mis. 2026-11-01T00:00:00+07:00 "
                "(not a w3 datetime with a zone)"
            ],
        )
    try:
        return datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, [f"{name}: tanggal tidak ada (no such date)"]) from None


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def _span(start: datetime, end: datetime) -> Window:
    # Years 1 and 9999 parse, but a span around them falls off the calendar.
    try:
        return Window(start.astimezone(UTC), end.astimezone(UTC))
    except OverflowError:
        raise Open311Error(
            400, ["start_date, end_date: di luar rentang tanggal (out of range)"]
        ) from None


def window(start_text: str | None, end_text: str | None, *, now: datetime) -> Window:
    """The span a query covers: by default the last 90 days, never more than 90 days."""
    start = parse_w3c("start_date", start_text) if start_text else None
    end = parse_w3c("end_date", end_text) if end_text else None
    try:
        if start is None and end is None:
            return _span(now - WINDOW, now)
        if start is None:
            assert end is not None
            return _span(end - WINDOW, end)
        if end is None:
            return _span(start, start + WINDOW)
    except OverflowError:
        raise Open311Error(
            400, ["start_date, end_date: di luar rentang tanggal (out of range)"]
        ) from None
    if end < start:
        raise Open311Error(400, ["end_date: sebelum start_date (end_date is before start_date)"])
    if end - start > WINDOW:
        raise Open311Error(
            400,
            ["end_date: rentang paling lama 90 hari (the range may not span more than 90 days)"],
        )
    return _span(start, end)


_STATUSES = re.compile(r"(?:open|closed)(?:,(?:open|closed))*")


def parse_statuses(text: str | None) -> frozenset[str] | None:
    """``open``, ``closed`` or both, comma separated; None: every status."""
    if not text:
        return None
    if not _STATUSES.fullmatch(text):
        raise Open311Error(400, ["status: hanya open dan/atau closed (only open and/or closed)"])
    found = frozenset(text.split(","))
    return None if len(found) == 2 else found


def check_arguments(args: Mapping[str, str], path_values: Mapping[str, str]) -> None:
    """Control characters: nothing by such an id exists (404); no argument may hold one (400)."""
    for name, value in path_values.items():
        if has_unsafe_characters(value):
            raise Open311Error(404, [f"{name}: tidak ditemukan (not found)"])
    bad = [n for n, v in args.items() if has_unsafe_characters(n) or has_unsafe_characters(v)]
    if bad:
        raise Open311Error(
            400, [f"{n!r}: berisi karakter kontrol (contains control characters)" for n in bad]
        )


def parse_list(text: str | None) -> tuple[str, ...]:
    """A comma-delimited argument as its distinct, non-empty items, in order."""
    if not text:
        return ()
    return tuple(dict.fromkeys(item.strip() for item in text.split(",") if item.strip()))


@dataclass(frozen=True)
class RequestQuery:
    """What GET requests asks for. ``trackings`` overrides every other argument."""

    trackings: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset[str] | None = None
    limit: int = MAX_ROWS


def _trackings(args: Mapping[str, str]) -> tuple[str, ...]:
    """The tracking numbers asked for by service_request_id (at most MAX_ROWS), if any."""
    ids = parse_list(args.get("service_request_id"))
    if len(ids) > MAX_ROWS:
        raise Open311Error(
            400, [f"service_request_id: paling banyak {MAX_ROWS} (at most {MAX_ROWS} ids)"]
        )
    return tuple(normalise_tracking(i) for i in ids)


def request_query(args: Mapping[str, str], *, now: datetime) -> RequestQuery:
    """GET requests' arguments, checked; every error is a 400."""
    trackings = _trackings(args)
    if trackings:
        # The spec: service_request_id overrides all other arguments.
        return RequestQuery(trackings=trackings)
    span = window(args.get("start_date"), args.get("end_date"), now=now)
    return RequestQuery(
        service_codes=parse_list(args.get("service_code")),
        start=span.start,
        end=span.end,
        statuses=parse_statuses(args.get("status")),
    )


@dataclass(frozen=True)
class UpdateQuery:
    trackings: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    limit: int = MAX_ROWS


def update_query(args: Mapping[str, str], *, now: datetime) -> UpdateQuery:
    """servicerequestupdates' arguments: a window (90 days by default), or ids."""
    trackings = _trackings(args)
    if trackings:
        return UpdateQuery(trackings=trackings)
    span = window(args.get("start_date"), args.get("end_date"), now=now)
    return UpdateQuery(start=span.start, end=span.end)


# --- the POST form ----------------------------------------------------------------------

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _field(form: Mapping[str, Sequence[str]], name: str, problems: list[str]) -> str | None:
    values = form.get(name) or []
    if len(values) > 1:
        problems.append(f"{name}: dikirim lebih dari sekali (sent more than once)")
        return None
    value = values[0] if values else ""
    if has_unsafe_characters(value):
        problems.append(f"{name}: berisi karakter kontrol (contains control characters)")
        return None
    # The spec: an empty argument is the same as no argument.
    return value if value.strip() else None


def _longest(name: str, value: str | None, limit: int, problems: list[str]) -> None:
    if value is not None and len(value) > limit:
        problems.append(f"{name}: paling banyak {limit} karakter (at most {limit} characters)")


def _coordinate_field(name: str, value: str | None, problems: list[str]) -> float | None:
    if value is None:
        return None
    text = value.strip()
    if not _DECIMAL.fullmatch(text):
        problems.append(f"{name}: harus berupa angka desimal (must be a decimal number)")
        return None
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        problems.append(f"{name}: harus berupa angka hingga (must be finite)")
        return None
    return number


@dataclass(frozen=True)
class Submission:
    """A POST request's form, read: Pantau's report payload and what else came with it."""

    payload: dict[str, Any]  # for domain.intake.parse_report
    idempotency_basis: dict[str, str]  # the stored fields as sent, for the payload hash
    media_url_given: bool


def read_form(form: Mapping[str, Sequence[str]], *, channel: str, now: datetime) -> Submission:
    """The spec's form-encoded request, as a Pantau report payload; 400 naming each bad field.

    ``form`` maps each field to every value sent for it. The caller has checked
    api_key and jurisdiction_id. device_id, account_id and media_url are read
    but not kept (Pantau fetches nothing from the network at run time).
    """
    problems: list[str] = []
    fields = {name: _field(form, name, problems) for name in FORM_FIELDS}
    if fields["service_code"] is None and not any(p.startswith("service_code:") for p in problems):
        problems.append("service_code: wajib diisi (required)")
    for name, limit in (
        ("description", MAX_DESCRIPTION),
        ("first_name", MAX_NAME),
        ("last_name", MAX_NAME),
        ("media_url", MAX_MEDIA_URL),
    ):
        _longest(name, fields[name], limit, problems)
    lat = _coordinate_field("lat", fields["lat"], problems)
    lon = _coordinate_field("long", fields["long"], problems)
    if (fields["lat"] is None) != (fields["long"] is None):
        missing = "lat" if fields["lat"] is None else "long"
        problems.append(f"{missing}: lat dan long dikirim bersama (lat and long go together)")
    has_location = any(
        fields[f] is not None for f in ("lat", "long", "address_string", "address_id")
    )
    if not has_location and not any(
        p.split(":")[0] in ("lat", "long", "address_string", "address_id") for p in problems
    ):
        problems.append(
            "lat, long, address_string, address_id: lokasi wajib diisi, salah satunya "
            "(a location is required: lat and long, address_string or address_id)"
        )
    if problems:
        raise Open311Error(400, problems)

    payload: dict[str, Any] = {
        "channel": channel,
        "category": fields["service_code"],
        "description": fields["description"],
        "lat": lat,
        "lon": lon,
        "address": fields["address_string"],
        "kelurahan": fields["address_id"],
        "external_id": fields[CLIENT_REQUEST_ID_FIELD],
        # Open311 has no time of reporting: the report is as old as its arrival.
        "reported_at": now.isoformat(),
    }
    name = " ".join(n.strip() for n in (fields["first_name"], fields["last_name"]) if n)
    if name or fields["email"] or fields["phone"]:
        # Rahasia, the safe choice: the identity is kept for MRO and admins only.
        payload["reporter"] = {
            "name": name or None,
            "phone": fields["phone"],
            "email": fields["email"],
            "confidential": True,
        }
    basis = {f: fields[f] or "" for f in _IDEMPOTENT_FIELDS}
    return Submission(
        payload={k: v for k, v in payload.items() if v is not None},
        idempotency_basis=basis,
        media_url_given=fields["media_url"] is not None,
    )


def field_errors(errors: Mapping[str, str]) -> list[str]:
    """Pantau's field errors, named by the Open311 form field they came from."""
    out = []
    for key, message in errors.items():
        # Pantau keeps one name: first_name and last_name joined.
        name = "first_name, last_name" if key == "reporter.name" else _FIELD_NAMES.get(key, key)
        out.append(f"{name}: {message}")
    return out
