"""Open311 GeoReport v2: Pantau's categories and tickets as the standard's documents.

What belongs here: the mapping between Pantau and GeoReport v2 (statuses,
datetimes), the documents themselves as plain dicts and lists (the JSON form),
and their XML form, which the spec derives from the same structure by the
Spark convention (a list becomes a wrapper element holding one element per
item). The read side hands in plain records; nothing here imports Flask or
SQLAlchemy or reads the clock. What callers send (the query arguments, the
POST form) is checked in ``open311_input.py``; its names are re-exported here.

Privacy: a request's description is published only for reports whose reporter
chose ``public`` (biasa), and then only redacted; a reporter's name, phone,
e-mail, address text or account never appear in any document built here.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from . import sla
from .open311_input import (
    CLIENT_REQUEST_ID,
    CLIENT_REQUEST_ID_FIELD,
    FORM_FIELDS,
    MAX_DESCRIPTION,
    MAX_MEDIA_URL,
    MAX_NAME,
    MAX_ROWS,
    WINDOW,
    Open311Error,
    RequestQuery,
    Submission,
    UpdateQuery,
    Window,
    check_arguments,
    field_errors,
    parse_list,
    parse_statuses,
    parse_w3c,
    read_form,
    request_query,
    update_query,
    window,
)
from .redaction import redact
from .workflow import Confidentiality, Status

__all__ = [
    "CHANGESET",
    "CLIENT_REQUEST_ID",
    "CLIENT_REQUEST_ID_ATTRIBUTE",
    "CLIENT_REQUEST_ID_FIELD",
    "FORM_FIELDS",
    "JAKARTA",
    "LIST_ITEM_TAGS",
    "MAX_DESCRIPTION",
    "MAX_MEDIA_URL",
    "MAX_NAME",
    "MAX_ROWS",
    "SPECIFICATION",
    "STATUS_EVENT_KINDS",
    "WINDOW",
    "Open311Error",
    "RequestQuery",
    "RequestRecord",
    "ServiceRecord",
    "Submission",
    "UpdateQuery",
    "UpdateRecord",
    "Window",
    "address",
    "check_arguments",
    "discovery",
    "errors",
    "expected_at",
    "field_errors",
    "parse_list",
    "parse_statuses",
    "parse_w3c",
    "post_answer",
    "post_notice",
    "public_text",
    "read_form",
    "request_query",
    "request_status",
    "request_update",
    "service",
    "service_definition",
    "service_request",
    "to_xml",
    "token",
    "update_query",
    "w3c",
    "window",
]

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Sortable stamp of the last change to the discovery document or the service
# definitions (the discovery spec's `changeset`): bump it with either.
CHANGESET = "2026-12-01T00:00:00+07:00"
JAKARTA = ZoneInfo("Asia/Jakarta")

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
