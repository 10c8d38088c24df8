"""Open311 GeoReport v2: Pantau's categories and tickets as the standard's documents.

What belongs here: the mapping between Pantau and GeoReport v2 (statuses,
datetimes, the request form, the query arguments), the documents themselves as
plain dicts and lists (the JSON form), and their XML form, which the spec
derives from the same structure by the Spark convention (a list becomes a
wrapper element holding one element per item). The read side hands in plain
records; nothing here imports Flask or SQLAlchemy or reads the clock.

Privacy: a request's description is published only for reports whose reporter
chose ``public`` (biasa), and then only redacted; a reporter's name, phone,
e-mail, address text or account never appear in any document built here.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from . import sla
from .intake import has_unsafe_characters
from .redaction import redact
from .tracking import normalise_tracking
from .workflow import Confidentiality, Status

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Sortable stamp of the last change to the discovery document or the service
# definitions (the discovery spec's `changeset`): bump it with either.
CHANGESET = "2026-12-01T00:00:00+07:00"
JAKARTA = ZoneInfo("Asia/Jakarta")
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

# History event kinds that set a status a citizen can see (servicerequestupdates).
# Notes, ratings, escalations and field-check requests leave the status as it was.
STATUS_EVENT_KINDS = (
    "received",
    "work_started",
    "disposed",
    "handed_back",
    "coordination_requested",
    "ews_set",
    "completed",
    "returned_for_review",
    "verified",
    "reopened",
    "rejected",
)

# The XML form: a list under each of these tags holds one element per item.
LIST_ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "service_requests_updates": "request_update",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

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


def errors(status: int, descriptions: Iterable[str]) -> list[dict[str, Any]]:
    """The spec's error document: a list of ``{code, description}``."""
    return [{"code": status, "description": d} for d in descriptions]


# --- statuses and datetimes -------------------------------------------------------------


def request_status(status: Status) -> str:
    """Every open Pantau status is ``open``; verified and rejected are ``closed``."""
    return "open" if status.is_open else "closed"


def w3c(value: datetime | None) -> str | None:
    """An aware datetime as the spec's w3 format, in Jakarta time: 2026-11-02T08:00:00+07:00."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(JAKARTA).isoformat(timespec="seconds")


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


def request_query(args: Mapping[str, str], *, now: datetime) -> RequestQuery:
    """GET requests' arguments, checked; every error is a 400."""
    ids = parse_list(args.get("service_request_id"))
    if ids:
        if len(ids) > MAX_ROWS:
            raise Open311Error(
                400, [f"service_request_id: paling banyak {MAX_ROWS} (at most {MAX_ROWS} ids)"]
            )
        # The spec: service_request_id overrides all other arguments.
        return RequestQuery(trackings=tuple(normalise_tracking(i) for i in ids))
    span = window(args.get("start_date"), args.get("end_date"), now=now)
    return RequestQuery(
        service_codes=parse_list(args.get("service_code")),
        start=span.start,
        end=span.end,
        statuses=parse_statuses(args.get("status")),
    )


# --- services ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceRecord:
    """An active category, as the read side gives it."""

    code: str
    name: str
    agency: str  # display name of the agency responsible for the category
    location_based: bool
    weight: int
    response_hours: int


def service(rec: ServiceRecord) -> dict[str, Any]:
    """One entry of GET services: a Pantau category."""
    days = sla.COMPLETION_BASE_DAYS * sla.WEIGHT_FACTOR.get(rec.weight, 1)
    route = (
        f"Diteruskan ke kelurahan lokasi laporan (atau ke {rec.agency} bila perlu)."
        if rec.location_based
        else f"Diteruskan langsung ke {rec.agency}."
    )
    target = f"Tanggapan pertama dalam {rec.response_hours} jam; selesai dalam {days} hari"
    if rec.weight >= 3:
        target += " atau tanggal estimasi selesai (EWS) yang ditetapkan unit"
    keywords = dict.fromkeys([rec.name.lower(), rec.code.replace("-", " "), rec.agency])
    return {
        "service_code": rec.code,
        "service_name": rec.name,
        "description": f"{rec.name}. {route} {target}.",
        # No service needs extra fields; the one optional attribute is the
        # client's own request id (see the service definition).
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": rec.agency,
    }


CLIENT_REQUEST_ID_ATTRIBUTE: dict[str, Any] = {
    "variable": True,
    "code": CLIENT_REQUEST_ID,
    "datatype": "string",
    "required": False,
    "datatype_description": "Teks 1-120 karakter (1 to 120 characters), unik di sistem Anda.",
    "order": 1,
    "description": (
        "ID laporan di sistem Anda, untuk pengiriman ulang yang aman: laporan yang sama "
        "dengan ID yang sama tidak menjadi tiket baru; ID yang sama dengan isi berbeda "
        "ditolak. (Your own id for this request: a repeat with the same content returns "
        "the same service_request_id; the same id with other content is refused.)"
    ),
    "values": [],
}


def service_definition(rec: ServiceRecord) -> dict[str, Any]:
    """GET services/{service_code}: the attributes a request may carry."""
    return {"service_code": rec.code, "attributes": [dict(CLIENT_REQUEST_ID_ATTRIBUTE)]}


# --- requests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRecord:
    """A ticket as the read side gives it: no reporter data is ever in here."""

    tracking: str
    status: Status
    service_code: str
    service_name: str
    confidentiality: str
    # The description masked at intake (public_description), else the stored one.
    text: str | None
    agency_responsible: str | None  # display name of the handling (lead) unit
    kelurahan: str | None  # display names of the area
    kelurahan_code: str | None
    kota: str | None
    postal_code: str | None
    lat: float | None
    lon: float | None
    received_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    ews_at: datetime | None
    completion_due_at: datetime
    evidence_photo_id: int | None  # the latest completion photo (public)


def public_text(rec: RequestRecord) -> str | None:
    """The description as Open311 may show it: only for public (biasa) reports, redacted.

    Rahasia and anonim reports give none: their text may name or locate people,
    and a GET has no reporter details to mask it with.
    """
    if rec.confidentiality != Confidentiality.PUBLIC.value or not rec.text:
        return None
    text = redact(rec.text)
    if len(text) > MAX_DESCRIPTION:
        text = text[: MAX_DESCRIPTION - 1] + "…"
    return text


def expected_at(rec: RequestRecord) -> datetime:
    """The EWS date when the unit set one, else the completion deadline."""
    return rec.ews_at or rec.completion_due_at


def address(rec: RequestRecord) -> str | None:
    """Kelurahan and kota, most specific first; never the address text a reporter typed."""
    parts = [p for p in (rec.kelurahan, rec.kota) if p]
    return ", ".join([*parts, "DKI Jakarta"]) if parts else None


def _coordinate(value: float | None, rec: RequestRecord) -> float | None:
    if value is None:
        return None
    # Rahasia reports: about 100 m, enough to find the problem, not a doorstep.
    digits = 3 if rec.confidentiality == Confidentiality.CONFIDENTIAL.value else 6
    return round(value, digits)


def service_request(rec: RequestRecord, *, photo_url: Callable[[int], str]) -> dict[str, Any]:
    """One entry of GET requests / GET requests/{id}."""
    closed = not rec.status.is_open
    return {
        "service_request_id": rec.tracking,
        "status": request_status(rec.status),
        # The citizen's label only: a rejection reason may name people.
        "status_notes": rec.status.label,
        "service_name": rec.service_name,
        "service_code": rec.service_code,
        "description": public_text(rec),
        "agency_responsible": rec.agency_responsible,
        "service_notice": None,
        "requested_datetime": w3c(rec.received_at),
        "updated_datetime": w3c(rec.closed_at if closed and rec.closed_at else rec.updated_at),
        "expected_datetime": w3c(expected_at(rec)),
        "address": address(rec),
        "address_id": rec.kelurahan_code,
        "zipcode": rec.postal_code,
        "lat": _coordinate(rec.lat, rec),
        "long": _coordinate(rec.lon, rec),
        "media_url": photo_url(rec.evidence_photo_id) if rec.evidence_photo_id else None,
    }


def token(tracking: str) -> dict[str, Any]:
    """GET tokens/{token}: a token is the tracking number itself (every service is realtime)."""
    return {"service_request_id": tracking, "token": tracking}


def _wib(value: datetime) -> str:
    local = value.astimezone(JAKARTA)
    return f"{local:%d-%m-%Y %H:%M} WIB"


def post_notice(rec: RequestRecord, *, media_url_given: bool) -> str:
    """The POST answer's service_notice: where the report went and when to expect it."""
    where = (
        f"diteruskan ke {rec.agency_responsible}"
        if rec.agency_responsible
        else "menunggu diarahkan ke unit yang tepat"
    )
    notice = (
        f"Laporan {rec.tracking} diterima dan {where}. Perkiraan selesai: {_wib(expected_at(rec))}."
    )
    if media_url_given:
        notice += " media_url tidak diunduh dan tidak disimpan (media_url is not fetched or kept)."
    return notice


def post_answer(tracking: str, notice: str) -> list[dict[str, Any]]:
    """POST requests' answer. Realtime: the id, no token (the spec allows one or the other).

    account_id is not kept, so it is not returned.
    """
    return [{"service_request_id": tracking, "service_notice": notice, "account_id": None}]


# --- service request updates (the servicerequestupdates extension) ----------------------


@dataclass(frozen=True)
class UpdateRecord:
    update_id: int
    tracking: str
    to_status: Status
    at: datetime


def request_update(rec: UpdateRecord) -> dict[str, Any]:
    """One status change from the ticket's history: the label only, no notes, no names."""
    return {
        "update_id": str(rec.update_id),
        "service_request_id": rec.tracking,
        "status": request_status(rec.to_status),
        "updated_datetime": w3c(rec.at),
        "description": rec.to_status.label,
    }


@dataclass(frozen=True)
class UpdateQuery:
    trackings: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    limit: int = MAX_ROWS


def update_query(args: Mapping[str, str], *, now: datetime) -> UpdateQuery:
    """servicerequestupdates' arguments: a window (90 days by default), or ids."""
    ids = parse_list(args.get("service_request_id"))
    if ids:
        if len(ids) > MAX_ROWS:
            raise Open311Error(
                400, [f"service_request_id: paling banyak {MAX_ROWS} (at most {MAX_ROWS} ids)"]
            )
        return UpdateQuery(trackings=tuple(normalise_tracking(i) for i in ids))
    span = window(args.get("start_date"), args.get("end_date"), now=now)
    return UpdateQuery(start=span.start, end=span.end)


# --- discovery --------------------------------------------------------------------------


def discovery(*, endpoint_url: str, contact: str, key_service: str) -> dict[str, Any]:
    """The Service Discovery document (its fields are all required)."""
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


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


# --- XML --------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all (a stored text may hold them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(value))


def _element(tag: str, value: Any) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, list):
        item_tag = LIST_ITEM_TAGS[tag]
        for child in value:
            element.append(_element(item_tag, child))
    else:
        element.text = _xml_text(value)
    return element


def to_xml(root: str, document: dict[str, Any] | list[Any]) -> bytes:
    """The XML form of a document, with the declaration the spec asks for."""
    body = ET.tostring(_element(root, document), encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
