"""Reading what strangers type, without a database: ids, days, JSON bodies, report dates.

Each of these reached the database or the parser unbounded and answered 500
(an id beyond 64 bits, "²" that str.isdigit accepts, the day after 9999-12-31,
JSON 10,000 levels deep), or was stored (a report dated in year 1).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from dashboard.domain import jsonbody
from dashboard.domain.inputs import (
    FIRST_DAY,
    LAST_DAY,
    MAX_ID,
    InvalidDay,
    InvalidNumber,
    parse_day,
    parse_id,
)
from dashboard.domain.intake import InvalidReport, parse_report
from tests.unit.test_intake_parse import NOW, good


@pytest.mark.parametrize(
    "raw,expected",
    [(None, None), ("", None), ("  ", None), ("7", 7), (" 42 ", 42), (str(MAX_ID), MAX_ID)],
)
def test_an_id_within_64_bits_is_read(raw: str | None, expected: int | None) -> None:
    assert parse_id(raw, "user") == expected


@pytest.mark.parametrize(
    "raw",
    [
        str(MAX_ID + 1),
        "99999999999999999999999",
        "9" * 5000,  # int() itself refuses more than 4,300 digits
        "0",
        "-1",
        "\u00b2",  # SUPERSCRIPT TWO: str.isdigit() says yes, int() says no
        "\u0661\u0662",  # Arabic-Indic 12: a digit to Python, not a number anyone means
        "1e3",
        "1.0",
        "0x10",
        "12abc",
    ],
)
def test_anything_else_is_refused_naming_the_parameter(raw: str) -> None:
    with pytest.raises(InvalidNumber) as info:
        parse_id(raw, "user")
    assert "'user'" in str(info.value)
    assert len(str(info.value)) < 200  # a long value is cut, not echoed whole


def test_a_narrower_range_is_kept() -> None:
    assert parse_id("3", "page", maximum=5) == 3
    with pytest.raises(InvalidNumber):
        parse_id("6", "page", maximum=5)


def test_a_day_is_read_within_the_years_a_report_can_have() -> None:
    assert parse_day(" 2026-11-02 ", "from") == date(2026, 11, 2)
    assert parse_day("", "from") is None
    assert parse_day(FIRST_DAY.isoformat(), "from") == FIRST_DAY
    assert parse_day(LAST_DAY.isoformat(), "to") == LAST_DAY
    for raw in ("9999-12-31", "0001-01-01", "9999-99-99", "kemarin", "2026-02-30"):
        with pytest.raises(InvalidDay, match="'to'"):
            parse_day(raw, "to")


# --- JSON bodies ---------------------------------------------------------------------------


def test_a_plain_document_loads() -> None:
    document = {"a": [1, {"b": '[[[[{{{{ not brackets \\" ]]]'}], "c": None}
    assert jsonbody.load(json.dumps(document).encode()) == document


@pytest.mark.parametrize("depth", [17, 100, 5_000, 10_000])
def test_nesting_deeper_than_the_bound_is_refused(depth: int) -> None:
    for text in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        with pytest.raises(jsonbody.InvalidJson, match="16"):
            jsonbody.load(text.encode())


def test_unbalanced_deep_brackets_are_refused_not_a_recursion_error() -> None:
    with pytest.raises(jsonbody.InvalidJson):
        jsonbody.load(b"[" * 10_000)
    with pytest.raises(jsonbody.InvalidJson):
        jsonbody.load(b"[" * 10_000 + b"[]")


def test_sixteen_levels_load_and_brackets_inside_strings_do_not_count() -> None:
    assert jsonbody.load(b"[" * 16 + b"]" * 16) is not None
    assert jsonbody.load(json.dumps({"d": "[" * 10_000}).encode()) == {"d": "[" * 10_000}


@pytest.mark.parametrize(
    "body,why",
    [
        (b'{"a": 1, "a": 2}', "dua kali"),
        (b'{"a": NaN}', "NaN"),
        (b'{"a": -Infinity}', "Infinity"),
        (b'{"a": 1,}', "malformed"),
        (b"\xff\xfe{}", "UTF-8"),
        (b'{"a": "\xc3"}', "UTF-8"),
        ("\ufeff{}".encode(), "malformed"),
        (b'{"a": ' + b"9" * 5000 + b"}", "malformed"),
        (b"", "malformed"),
    ],
)
def test_what_is_not_strict_json_is_refused_saying_why(body: bytes, why: str) -> None:
    with pytest.raises(jsonbody.InvalidJson, match=why):
        jsonbody.load(body)


# --- reported_at ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+00:00", "1970-01-01T00:00:00Z", "2014-12-31T23:59:59+07:00"]
)
def test_a_report_dated_before_2015_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(InvalidReport) as info:
        parse_report(good(reported_at=value), now=NOW)
    assert set(info.value.errors) == {"reported_at"}
    assert "2015" in info.value.errors["reported_at"]


def test_the_first_moment_of_2015_in_jakarta_is_accepted() -> None:
    report = parse_report(good(reported_at="2015-01-01T00:00:00+07:00"), now=NOW)
    assert report.reported_at == datetime(2014, 12, 31, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", [10**400, -(10**400), 1e308 * 10])
def test_a_coordinate_too_large_for_a_float_is_refused_naming_it(value: float) -> None:
    with pytest.raises(InvalidReport) as info:
        parse_report(good(lat=value), now=NOW)
    assert "lat" in info.value.errors


def test_a_date_with_a_nul_is_refused_not_read_up_to_the_nul() -> None:
    # CPython's datetime.fromisoformat reads "…+07:00\x00" as the date before the NUL.
    with pytest.raises(InvalidReport) as info:
        parse_report(good(reported_at="2026-11-02T07:30:00+07:00\x00"), now=NOW)
    assert "kontrol" in info.value.errors["reported_at"]
