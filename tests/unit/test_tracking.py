"""Tracking numbers as people type them (domain.tracking.parse_tracking)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from dashboard.domain.tracking import make_tracking, parse_tracking


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("JKT-2611-7K3QXM", "JKT-2611-7K3QXM"),
        ("  jkt 2611 7k3qxm ", "JKT-2611-7K3QXM"),
        ("JKT26117K3QXM", "JKT-2611-7K3QXM"),
        ("JKT–2611—7K3QXM", "JKT-2611-7K3QXM"),
        ("JKT-2611-7K3QOI", "JKT-2611-7K3Q01"),  # O and I read as 0 and 1
        ("JKT-2611-L0000U", "JKT-2611-10000V"),
    ],
)
def test_what_people_type_is_read_as_the_stored_number(typed: str, stored: str) -> None:
    assert parse_tracking(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "JKT-2611", "JKT-26X1-7K3QXM", "ABC-2611-7K3QXM", "JKT-2611-7K3QX!"]
)
def test_what_cannot_be_a_number_is_none(typed: str) -> None:
    assert parse_tracking(typed) is None


def test_every_made_number_parses_to_itself() -> None:
    rng = random.Random(7)
    at = datetime(2026, 11, 30, tzinfo=UTC)
    for _ in range(200):
        number = make_tracking(at, rng)
        assert parse_tracking(number) == number
        assert parse_tracking(number.lower().replace("-", " ")) == number
