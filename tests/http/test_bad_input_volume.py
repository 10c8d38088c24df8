"""Thousands of malformed reports to the ingest API and to Open311 POST: no 5xx, nothing stored.

The schemathesis fuzz (``test_api_fuzz.py``) draws requests from the OpenAPI
documents; this corpus is written by hand to be nastier and is generated
deterministically (no randomness but a seeded ``random.Random``): wrong types,
missing and unknown fields, huge strings, control characters and lone
surrogates, unicode junk, NUL bytes, JSON nested up to 50,000 levels, bad
dates, bad coordinates, huge numbers, garbage and oversize base64 photos,
wrong content types, broken JSON syntax, duplicated keys, arrays where objects
belong, negative ids, non-UTF-8 bytes, bodies over the limits.

Every request in it must be refused: each one is a 4xx in its endpoint's own
error format (ingest's JSON errors, Open311's list of {code, description} as
JSON or XML), and afterwards no ticket, reporter, event, photo or access row
exists. SQLite and the Flask test client: a few seconds.
"""

from __future__ import annotations

import base64
import io
import json
import random
import struct
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
import time_machine
from flask import Flask
from PIL import Image
from werkzeug.test import TestResponse

from tests.conftest import T0
from tests.factories import photo_bytes, report_payload
from tests.http.helpers import Town, make_town, open311_body, row_counts

INGEST = "/api/v1/tickets"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MIN_REQUESTS = 2_000
CLIENT_ID = "attribute[client_request_id]"


@dataclass(frozen=True)
class Case:
    label: str
    path: str
    body: bytes
    content_type: str | None = JSON
    headers: dict[str, str] = field(default_factory=dict)


# --- building blocks ------------------------------------------------------------------------

# Refused in every text field: C0 controls but tab and line breaks, and lone surrogates.
UNSAFE = [
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x0e",
    "\x1b",
    "\x1f",
    "\ud800",
    "\udfff",
]
# A form cannot carry a lone surrogate: it arrives as U+FFFD, which is text like any other.
FORM_UNSAFE = [c for c in UNSAFE if not "\ud800" <= c <= "\udfff"]
WRONG_TYPES: list[object] = [0, -1, 1.5, True, False, [], {}, ["x"], {"a": 1}, 10**30, -(10**400)]
JUNK = [
    "\u202e\u0644\u0627\u202c",  # right-to-left override, Arabic
    "\u200b\u200c\u200d\ufeff",  # zero-width characters
    "\U0001f4a9" * 50,  # emoji
    "e\u0301" * 500,  # combining accents
    "\uffff\ufffe\U0010ffff",  # non-characters
    "Z\u0351\u0354\u0317a\u0362\u0335l\u0334g\u0321o",  # zalgo
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "${jndi:ldap://x/a}",
    "%s%n%x",
]
BAD_DATES: list[object] = [
    "",
    "kemarin",
    "2026-13-01T00:00:00+07:00",
    "2026-11-31T00:00:00+07:00",
    "2026-11-02T25:00:00+07:00",
    "2026-11-02T07:30:00",  # no zone
    "2026-11-02",
    "0001-01-01T00:00:00+00:00",
    "0001-01-01T00:00:00+07:00",
    "1970-01-01T00:00:00Z",
    "2014-12-31T23:59:59+07:00",
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59-14:00",
    "2030-01-01T00:00:00+07:00",
    "2026-11-02T09:00:00+07:00",  # an hour after the clock: the future
    "2026-11-02T07:30:00+25:00",
    "+002026-11-02T07:30:00+07:00",
    "2026-11-02T07:30:00+07:00\x00",
    "２０２６-１１-０２T07:30:00+07:00",  # full-width digits
    1730000000,
    1.7e9,
    True,
    [],
    {"date": "2026-11-02"},
]
BAD_COORDINATES: list[tuple[object, object]] = [
    (91, 0),
    (0, 0),
    (-90, -180),
    (-6.41, 106.85),
    (-6.2, 107.06),
    (-5.09, 106.85),
    (-6.2, 106.29),
    (-6.2, None),
    (None, 106.85),
    ("-6.2", 106.85),
    (-6.2, "106.85"),
    (True, False),
    ([], {}),
    (1e308, 1e308),
    (10**400, 106.85),
    (-6.2, -(10**400)),
    (-106.85, -6.2),  # swapped
]


def dumps(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=True).encode()  # lone surrogates as \ud800


def deep_array(levels: int) -> str:
    return "[" * levels + "]" * levels


def deep_object(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


def png_header(width: int, height: int) -> bytes:
    """A PNG signature and IHDR claiming a size, then garbage instead of image data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + b"\x00" * 64
    )


def bad_photos(rng: random.Random) -> list[tuple[str, object]]:
    jpeg = photo_bytes()
    png = photo_bytes("PNG")
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    b64 = lambda data: base64.b64encode(data).decode()  # noqa: E731
    return [
        ("photos not a list", "abc"),
        ("photos an object", {"0": b64(jpeg)}),
        ("photos a number", 1),
        ("photo a number", [1]),
        ("photo null", [None]),
        ("photo a list", [[b64(jpeg)]]),
        ("photo not base64", ["!!!"]),
        ("photo bad padding", ["abc"]),
        ("photo base64 with spaces", [b64(jpeg)[:40] + " " + b64(jpeg)[40:]]),
        ("photo data URI of junk", ["data:image/png;base64,!!!"]),
        ("six photos", [b64(jpeg)] * 6),
        ("photo of zeros", [b64(b"\x00" * 100)]),
        ("photo of random bytes", [b64(rng.randbytes(2000))]),
        ("photo a GIF", [b64(gif.getvalue())]),
        ("photo a PDF", [b64(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")]),
        ("photo truncated JPEG", [b64(jpeg[:100])]),
        ("photo JPEG header then junk", [b64(jpeg[:20] + rng.randbytes(500))]),
        ("photo JPEG magic only", [b64(b"\xff\xd8\xff")]),
        ("photo truncated PNG", [b64(png[:60])]),
        ("photo PNG header then junk", [b64(png[:33] + rng.randbytes(300))]),
        ("photo PNG claiming 100k x 100k", [b64(png_header(100_000, 100_000))]),
        ("photo PNG claiming 0 x 0", [b64(png_header(0, 0))]),
        ("photo PNG claiming 2^31", [b64(png_header(2**31 - 1, 2**31 - 1))]),
        ("photo WebP magic then junk", [b64(b"RIFF\x10\x00\x00\x00WEBPVP8 " + rng.randbytes(64))]),
        (
            "photo PNG bytes sniffed as JPEG",
            ["data:image/jpeg;base64," + b64(b"\xff\xd8\xff" + png)],
        ),
        ("one good photo and one junk", [b64(jpeg), b64(b"junk" * 10)]),
        ("photo over 8 MB", [b64(b"\xff\xd8\xff" + b"\x00" * (8 * 1024 * 1024 + 1))]),
    ]


# --- the ingest corpus ----------------------------------------------------------------------


def ingest_cases(town: Town) -> Iterator[Case]:
    rng = random.Random(20261102)
    ids = iter(range(1, 1_000_000))
    key = {"X-API-Key": town.api_key}

    def bases() -> list[dict]:
        """Three shapes of a valid report: with everything, minimal, anonymous."""
        n = next(ids)
        full = report_payload(external_id=f"VOL-{n}-a")
        minimal = {
            k: v
            for k, v in report_payload(external_id=f"VOL-{n}-b").items()
            if k in ("channel", "external_id", "category", "description", "reported_at")
        }
        anonymous = report_payload(external_id=f"VOL-{n}-c", reporter={"anonymous": True})
        return [full, minimal, anonymous]

    def each(label: str, change: object) -> Iterator[Case]:
        """The change applied to each base: a callable(payload) or a {field: value} dict."""
        for i, base in enumerate(bases()):
            payload = dict(base)
            if callable(change):
                change(payload)
            else:
                assert isinstance(change, dict)
                payload.update(change)
            yield Case(f"{label} [{i}]", INGEST, dumps(payload), headers=key)

    required = ["channel", "external_id", "category", "description", "reported_at"]
    for name in required:
        for value in [None, "", "   ", *WRONG_TYPES]:
            yield from each(f"{name}={value!r:.30}", {name: value})
        yield from each(f"{name} missing", lambda p, n=name: p.pop(n))
    for name in ("address", "kelurahan"):
        for value in WRONG_TYPES:
            yield from each(f"{name}={value!r:.30}", {name: value})
    texts = {
        "channel": "jaki",
        "external_id": "VOL-X",
        "category": "sampah",
        "description": "Sampah menumpuk di pinggir kali sejak seminggu.",
        "address": "Jl. Matraman Raya 1",
        "kelurahan": "KEL-PALMERIAM",
    }
    for name, good in texts.items():
        for char in UNSAFE:
            for placed in (char + good, good[:5] + char + good[5:], good + char):
                yield from each(f"{name} with {char!r}", {name: placed})
    for name, limit in (
        ("channel", 32),
        ("external_id", 120),
        ("category", 64),
        ("description", 5000),
        ("address", 300),
        ("kelurahan", 120),
    ):
        for length in (limit + 1, limit * 10, 1_000_000):
            yield from each(f"{name} of {length} chars", {name: "x" * length})
    yield from each("description too short", {"description": "rusak"})
    for junk in JUNK:
        yield from each(f"junk category {junk[:10]!r}", {"category": junk})
        yield from each(f"junk channel {junk[:10]!r}", {"channel": junk})
        yield from each(
            f"junk description, no date {junk[:10]!r}",
            lambda p, j=junk: (p.update(description=j * 3 + " rusak parah"), p.pop("reported_at")),
        )
    for value in BAD_DATES:
        yield from each(f"reported_at={value!r:.40}", {"reported_at": value})
    for lat, lon in BAD_COORDINATES:
        yield from each(f"lat,lon={lat!r:.20},{lon!r:.20}", {"lat": lat, "lon": lon})
    for unknown in ("foo", "__proto__", "constructor", "", "\u0000", "k" * 1000, "lat ", "Lat"):
        yield from each(f"unknown field {unknown!r:.20}", {unknown: 1})
    for value in ["x", 1, True, [], [{"name": "Budi"}]]:
        yield from each(f"reporter={value!r:.20}", {"reporter": value})
    for bad in (
        {"name": "Budi", "nik": "3171234567890001"},
        {"phone": "abc"},
        {"phone": "+"},
        {"phone": "0812" * 20},
        {"phone": "0812\x003456"},
        {"email": "a"},
        {"email": "a@b"},
        {"email": "a b@c.id"},
        {"email": "x" * 300 + "@x.id"},
        {"name": "n" * 201},
        {"name": 5},
        {"confidential": "yes"},
        {"anonymous": 1},
        {"anonymous": None},
        {"name": "\ud800"},
    ):
        yield from each(f"reporter {bad!r:.30}", {"reporter": bad})
    for label, photos in bad_photos(rng):
        yield from each(label, {"photos": photos})
    for name in ("channel", "category", "external_id"):
        for value in (-1, -(2**63), 2**64):
            yield from each(f"negative/huge id {name}={value}", {name: value})
    yield from each("another channel's report", {"channel": "kelurahan"})
    yield from each("unknown channel", {"channel": "qlue-palsu"})
    yield from each("unknown category", {"category": "banjir-bandang"})

    # Bodies that are not a report object at all.
    full = bases()[0]
    text = dumps(full)
    raw_bodies: list[tuple[str, bytes]] = [
        ("empty body", b""),
        ("null", b"null"),
        ("true", b"true"),
        ("a number", b"123"),
        ("a huge number", b"9" * 4000),
        ("a string", b'"laporan"'),
        ("an array", b"[]"),
        ("the report in an array", b"[" + text + b"]"),
        ("the report twice in an array", b"[" + text + b"," + text + b"]"),
        ("two documents", text + text),
        ("trailing garbage", text + b"garbage"),
        ("trailing comma", text[:-1] + b",}"),
        ("single quotes", text.replace(b'"', b"'")),
        ("a comment", b"// laporan\n" + text),
        ("a block comment", b"/* x */" + text),
        ("NaN", text[:-1] + b', "lat": NaN}'),
        ("Infinity", text[:-1] + b', "lon": Infinity}'),
        ("-Infinity", text[:-1] + b', "lon": -Infinity}'),
        ("1e999", text[:-1] + b', "lat": 1e999, "lon": 1e999}'),
        ("a BOM", "\ufeff".encode() + text),
        ("UTF-16", text.decode().encode("utf-16")),
        ("UTF-32", text.decode().encode("utf-32")),
        ("latin-1 bytes", text.replace(b"Jalan", b"J\xe4lan")),
        ("invalid UTF-8", b'{"description": "\xff\xfe\xfd"}'),
        ("overlong UTF-8", b'{"description": "\xc0\xaf"}'),
        ("a raw newline in a string", text.replace(b"Jalan", b"Ja\nlan")),
        ("a raw NUL in a string", text.replace(b"Jalan", b"Ja\x00lan")),
        ("an unterminated string", b'{"description": "tidak selesai'),
        ("an unknown escape", text.replace(b"Jalan", b"Ja\\qlan")),
        ("a bad unicode escape", text.replace(b"Jalan", b"Ja\\u12lan")),
        ("nul", b"nul"),
        ("bare word", b"laporan"),
        ("only whitespace", b" \n\t "),
        ("object with a non-string key", b'{1: "a"}'),
        ("missing colon", b'{"a" 1}'),
        ("missing value", b'{"a":}'),
        ("unbalanced", b'{"a": [1, 2}'),
    ]
    for cut in range(1, len(text), max(1, len(text) // 40)):
        raw_bodies.append((f"truncated at {cut}", text[:cut]))
    for name in full:
        dup = text[:-1] + b", " + json.dumps(name).encode() + b": " + dumps(full[name]) + b"}"
        raw_bodies.append((f"duplicated key {name}", dup))
    raw_bodies.append(
        (
            "duplicated reporter key",
            text.replace(b'"confidential": true', b'"name": "A", "name": "B"'),
        )
    )
    for levels in (17, 50, 100, 999, 1000, 1001, 5_000, 10_000, 50_000):
        raw_bodies += [
            (f"array nested {levels}", deep_array(levels).encode()),
            (f"object nested {levels}", deep_object(levels).encode()),
            (
                f"reporter nested {levels}",
                text[:-1] + f', "reporter": {deep_object(levels)}}}'.encode(),
            ),
            (f"unclosed nesting {levels}", b"[" * levels),
        ]
    for label, body in raw_bodies:
        yield Case(label, INGEST, body, headers=key)

    # Wrong content types, and keys.
    for content_type in (
        None,
        "text/plain",
        FORM,
        "multipart/form-data; boundary=x",
        "application/xml",
        "text/json",
        "application/jsonx",
        "application/json-patch",
    ):
        yield Case(f"content type {content_type}", INGEST, text, content_type, key)
    for label, headers in (
        ("no key", {}),
        ("wrong key", {"X-API-Key": "pk_jaki_wrong"}),
        ("empty key", {"X-API-Key": ""}),
        ("huge key", {"X-API-Key": "k" * 10_000}),
        ("key of latin-1 junk", {"X-API-Key": "\xe9\xff\xa0"}),
    ):
        yield Case(label, INGEST, text, JSON, headers)
    yield Case("body over the request limit", INGEST, b" " * (30 * 1024 * 1024 + 1), JSON, key)


# --- the Open311 corpus ---------------------------------------------------------------------


def form_body(fields: list[tuple[str, str | bytes]]) -> bytes:
    parts = []
    for name, value in fields:
        raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
        parts.append(quote(name).encode() + b"=" + quote(raw).encode())
    return b"&".join(parts)


def open311_cases(town: Town) -> Iterator[Case]:
    ids = iter(range(1, 1_000_000))
    good: dict[str, str] = {
        "api_key": town.api_key,
        "service_code": "jalan-rusak",
        "lat": "-6.1985",
        "long": "106.8652",
        "description": "Jalan berlubang besar di depan sekolah, membahayakan pengendara.",
        "first_name": "Siti",
        "email": "siti@example.id",
    }
    minimal = {k: good[k] for k in ("api_key", "service_code", "lat", "long", "description")}
    rich = {
        **good,
        "last_name": "Rahmawati",
        "phone": "081234567890",
        "address_string": "Jl. Pramuka No. 12",
        "media_url": "https://example.id/foto.jpg",
        "device_id": "perangkat-1",
        "account_id": "akun-1",
    }
    Fields = list[tuple[str, str | bytes]]

    def post(label: str, variants: list[Fields]) -> Iterator[Case]:
        for fields in variants:
            for fmt in ("json", "xml"):
                n = next(ids)
                if not any(name == CLIENT_ID for name, _v in fields):
                    fields = [*fields, (CLIENT_ID, f"VOL311-{n}")]
                yield Case(label, f"/open311/v2/requests.{fmt}", form_body(fields), FORM)

    def changed(
        edits: dict[str, str | bytes | None] | None = None, **more: str | bytes | None
    ) -> list[Fields]:
        """Each good form (full, minimal, rich) with fields replaced (None: removed)."""
        out = []
        for base in (good, minimal, rich):
            fields: dict[str, str | bytes] = {**base}
            for name, value in {**(edits or {}), **more}.items():
                if value is None:
                    fields.pop(name, None)
                else:
                    fields[name] = value
            out.append(list(fields.items()))
        return out

    def twice(name: str, value: str) -> list[Fields]:
        return [[*fields, (name, value)] for fields in changed()]

    nowhere: dict[str, str | bytes | None] = dict.fromkeys(
        ("lat", "long", "address_string", "address_id")
    )

    for value in (None, "", "salah", "k" * 10_000, "pk_jaki_\x00", "\U0001f4a9"):
        yield from post(f"api_key={value!r:.20}", changed(api_key=value))
    yield from post("api_key twice", twice("api_key", town.api_key))
    for value in (None, "", " ", "banjir-bandang", "-1", "0", "sampah\x00", "s" * 10_000, *JUNK):
        yield from post(f"service_code={value!r:.20}", changed(service_code=value))
    yield from post("service_code twice", twice("service_code", "sampah"))
    for value in (
        "abc",
        "1,5",
        "0x10",
        "1e999",
        "-1e999",
        "NaN",
        "nan",
        "inf",
        "Infinity",
        "--6.2",
        "6.2.3",
        "-6.2\x00",
        "٦.٢",  # Arabic-Indic digits
        "1" * 5000,
        "91",
        "-91",
        "0",
    ):
        yield from post(f"lat={value!r:.20}", changed(lat=value))
        yield from post(f"long={value!r:.20}", changed(long=value))
    yield from post("lat without long", changed(long=None))
    yield from post("long without lat", changed(lat=None))
    yield from post("lat twice", twice("lat", "-6.2"))
    yield from post("no location", changed(nowhere))
    yield from post("swapped coordinates", changed(lat="106.8652", long="-6.1985"))
    for value in (
        None,
        "",
        "rusak",
        "d" * 4001,
        "d" * 60_000,
        *[f"Jalan{c}rusak parah" for c in FORM_UNSAFE],
    ):
        yield from post(f"description={value!r:.20}", changed(description=value))
    yield from post("description twice", twice("description", "Jalan rusak lagi di sini."))
    for name, limit in (("first_name", 99), ("last_name", 99), ("media_url", 2000)):
        yield from post(f"{name} too long", changed({name: "n" * (limit + 1)}))
        for char in FORM_UNSAFE:
            yield from post(f"{name} with {char!r}", changed({name: f"Si{char}ti"}))
    for value in ("x", "a@b", "@b.id", "a b@c.id", "e" * 300 + "@x.id", "siti\x00@x.id"):
        yield from post(f"email={value!r:.20}", changed(email=value))
    for value in ("abc", "+", "0812" * 20, "0812\x1b3456"):
        yield from post(f"phone={value!r:.20}", changed(phone=value))
    for value in ("Kota Lain", "-1", "\x00", "j" * 1000):
        yield from post(f"jurisdiction_id={value!r:.20}", changed(jurisdiction_id=value))
    for value in ("c" * 121, "id\x00", "id\x1b"):
        yield from post(
            f"client_request_id={value!r:.20}",
            changed({CLIENT_ID: value}),
        )
    yield from post("address_string too long", changed(nowhere, address_string="a" * 301))
    yield from post("address_id too long", changed(nowhere, address_id="K" * 121))
    yield from post("address_id with NUL", changed(nowhere, address_id="KEL-\x00"))
    for junk in JUNK:
        yield from post(f"junk, no location {junk[:10]!r}", changed(nowhere, description=junk * 3))
    yield from post(
        "non-UTF-8 description, no location",
        changed(nowhere, description=b"\xff\xfe rusak parah sekali"),
    )
    yield from post("non-UTF-8 service_code", changed(service_code=b"jalan\xffrusak"))
    yield from post("non-UTF-8 api_key", changed(api_key=b"\xff\xfe"))

    # Bodies that are not a form at all.
    valid = form_body(changed()[0])
    bodies: list[tuple[str, bytes, str | None]] = [
        ("JSON body", dumps(good), JSON),
        ("deep JSON body", deep_array(10_000).encode(), JSON),
        ("deep JSON body as a form", deep_array(10_000).encode(), FORM),
        ("text/plain body", valid, "text/plain"),
        ("no content type", valid, None),
        ("XML body", b"<service_request><lat>-6.2</lat></service_request>", "text/xml"),
        ("multipart without boundary", valid, "multipart/form-data"),
        (
            "multipart junk",
            b"--x\r\nContent-Disposition: form-data\r\n\r\n",
            "multipart/form-data; boundary=x",
        ),
        ("empty body", b"", FORM),
        ("body over 64 KB", valid + b"&description=" + b"d" * 70_000, FORM),
        ("raw NUL bytes", valid.replace(b"Jalan", b"Ja\x00lan").replace(b"lat=", b"x="), FORM),
        ("percent junk", b"%%%&&&===&lat=%ZZ", FORM),
        ("no api_key, only junk names", b"\xff=\xfe&\x00=1", FORM),
    ]
    for label, body, content_type in bodies:
        for fmt in ("json", "xml"):
            yield Case(label, f"/open311/v2/requests.{fmt}", body, content_type)
    for suffix in ("csv", "json.xml", "JSON", ""):
        yield Case(f"format {suffix!r}", f"/open311/v2/requests.{suffix}", valid, FORM)


# --- the run -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(T0, tick=False):
        yield


def check_refusal(case: Case, status: int, response: TestResponse) -> None:
    """A 4xx in the endpoint's own error format."""
    assert 400 <= status < 500, (case.label, case.path, status)
    if case.path == INGEST:
        body = response.get_json()
        assert body and body["error"] and body["message"], case.label
    else:
        errors = open311_body(response)
        assert errors and all(e["code"] == status and e["description"] for e in errors), case.label


def test_thousands_of_malformed_reports_are_all_refused_and_none_is_stored(
    sqlite_app: Flask,
) -> None:
    town = make_town(sqlite_app)
    before = row_counts(sqlite_app)
    client = sqlite_app.test_client()
    cases = [*ingest_cases(town), *open311_cases(town)]
    statuses: Counter[int] = Counter()
    for case in cases:
        headers = dict(case.headers)
        if case.content_type is not None:
            headers["Content-Type"] = case.content_type
        response = client.post(case.path, data=case.body, headers=headers)
        statuses[response.status_code] += 1
        check_refusal(case, response.status_code, response)

    per_path = Counter("ingest" if c.path == INGEST else "open311" for c in cases)
    assert len(cases) >= MIN_REQUESTS, per_path
    assert per_path["ingest"] >= 1_000 and per_path["open311"] >= 500, per_path
    assert row_counts(sqlite_app) == before, statuses
    # The corpus reaches past the first checks: field-level refusals of both APIs are there.
    assert statuses[422] > 500 and statuses[400] > 500, statuses
