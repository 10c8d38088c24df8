"""Account rules without a database: where each role sits, the admin guard, the throttle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.domain import accounts as rules
from dashboard.domain.workflow import Role

KEL = rules.UnitFacts(1, "kelurahan", 10)
BAGPEM = rules.UnitFacts(2, "validator", 10)
BIRO = rules.UnitFacts(3, "validator", None)
KOTA = rules.UnitFacts(10, "kota", 10)
OTHER_KOTA = rules.UnitFacts(11, "kota", 11)
T = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("role", "unit", "kota", "errors", "kota_id"),
    [
        (Role.OFFICER, KEL, None, set(), None),
        (Role.OFFICER, None, None, {"unit"}, None),
        (Role.OFFICER, BAGPEM, None, {"unit"}, None),
        (Role.OFFICER, rules.UnitFacts(9, "province", None), None, {"unit"}, None),
        (Role.OFFICER, KEL, KOTA, {"kota"}, 10),
        (Role.VALIDATOR, BAGPEM, None, set(), 10),
        (Role.VALIDATOR, BIRO, None, set(), None),
        (Role.VALIDATOR, BAGPEM, OTHER_KOTA, {"kota"}, 11),
        (Role.VALIDATOR, None, KOTA, {"unit"}, 10),
        (Role.VALIDATOR, KEL, None, {"unit"}, None),
        (Role.EXECUTIVE, None, KOTA, set(), 10),
        (Role.EXECUTIVE, None, None, set(), None),
        (Role.EXECUTIVE, KEL, None, {"unit"}, None),
        (Role.EXECUTIVE, None, KEL, {"kota"}, 1),
        (Role.ADMIN, None, None, set(), None),
        (Role.MRO, KEL, KOTA, {"unit", "kota"}, 10),
    ],
)
def test_placement(role, unit, kota, errors, kota_id) -> None:
    found, got_kota = rules.placement(role, unit, kota)
    assert set(found) == errors
    if not errors:
        assert got_kota == kota_id


def test_names() -> None:
    assert rules.username_error("lurah.menteng") is None
    assert rules.username_error("ab") is not None
    assert rules.username_error("Budi") is not None
    assert rules.username_error("x" * 81) is not None
    assert rules.display_name_error("") == "wajib diisi"
    assert rules.display_name_error("a\x00b") is not None
    assert rules.display_name_error("N" * 120) is None
    assert rules.password_error("123456789") is not None
    assert rules.password_error("1234567890") is None


def test_admin_guard() -> None:
    def guard(actor: int | None, target: int, admins: int, stays: bool = False) -> str | None:
        return rules.admin_guard_error(
            actor_id=actor,
            target_id=target,
            target_is_active_admin=True,
            stays_active_admin=stays,
            active_admins=admins,
        )

    assert guard(1, 1, 3) is not None  # not oneself
    assert guard(1, 2, 1) is not None  # not the last one
    assert guard(None, 2, 1) is not None  # not even from the CLI
    assert guard(1, 2, 2) is None
    assert guard(1, 1, 1, stays=True) is None  # renaming-type changes that keep admin


def test_the_throttle_closes_after_five_and_opens_fifteen_minutes_after_the_fifth_oldest() -> None:
    failures = [T + timedelta(minutes=i) for i in range(4)]
    assert rules.locked_until(failures, T + timedelta(minutes=4)) is None
    failures.append(T + timedelta(minutes=4))
    until = rules.locked_until(failures, T + timedelta(minutes=4))
    assert until == T + rules.THROTTLE_WINDOW
    assert rules.minutes_left(until, T + timedelta(minutes=4)) == 11
    assert rules.locked_until(failures, T + timedelta(minutes=15)) is None


@given(st.lists(st.integers(min_value=0, max_value=3600), max_size=30), st.integers(0, 3600))
def test_the_pause_is_bounded(offsets: list[int], now_offset: int) -> None:
    """Whatever the attempts, the pause never outlasts the window after the last one."""
    failures = [T + timedelta(seconds=s) for s in offsets]
    now = T + timedelta(seconds=now_offset)
    until = rules.locked_until(failures, now)
    counted = [f for f in failures if f <= now]
    if until is not None:
        assert now < until <= max(counted) + rules.THROTTLE_WINDOW
        assert 1 <= rules.minutes_left(until, now) <= 15
    else:
        recent = [f for f in counted if now - rules.THROTTLE_WINDOW < f]
        assert len(recent) < rules.THROTTLE_FAILURES
