"""Staff accounts: roles, scopes and passwords."""

from __future__ import annotations

import pytest
from flask import Flask

from dashboard.services import accounts
from dashboard.services.errors import InvalidInput
from tests.conftest import T0
from tests.factories import PASSWORD, build_world


@pytest.fixture
def world(sqlite_app: Flask):
    with sqlite_app.app_context():
        yield build_world(T0)


def test_a_kota_validator_takes_the_kota_of_its_body(world) -> None:
    assert world.users["validator_tim"].kota_id == world["JKT-TIM"]
    assert world.users["validator_prov"].kota_id is None


def test_a_validator_must_sit_in_a_validator_body(world) -> None:
    with pytest.raises(InvalidInput) as info:
        accounts.create_user(
            username="v2",
            password=PASSWORD,
            display_name="V",
            role="validator",
            unit_code="KEL-SENAYAN",
            now=T0,
        )
    assert "Biro atau Bagian Pemerintahan" in info.value.errors["unit"]


def test_a_validator_body_and_a_different_kota_do_not_mix(world) -> None:
    with pytest.raises(InvalidInput) as info:
        accounts.create_user(
            username="v3",
            password=PASSWORD,
            display_name="V",
            role="validator",
            unit_code="BAGPEM-JKT-TIM",
            kota_code="JKT-SEL",
            now=T0,
        )
    assert "kota" in info.value.errors


def test_an_officer_needs_a_unit_and_a_known_role_is_required(world) -> None:
    with pytest.raises(InvalidInput) as info:
        accounts.create_user(
            username="o9", password=PASSWORD, display_name="O", role="officer", now=T0
        )
    assert "unit" in info.value.errors
    with pytest.raises(InvalidInput) as info:
        accounts.create_user(
            username="x9", password=PASSWORD, display_name="X", role="camat", now=T0
        )
    assert "role" in info.value.errors


def test_short_passwords_and_taken_usernames_are_refused(world) -> None:
    with pytest.raises(InvalidInput) as info:
        accounts.create_user(username="mro", password="short", display_name="M", role="mro", now=T0)
    assert {"password", "username"} <= set(info.value.errors)


def test_authenticate_accepts_only_the_right_password_of_an_active_user(world) -> None:
    assert accounts.authenticate("mro", PASSWORD) is not None
    assert accounts.authenticate("mro", PASSWORD + "x") is None
    assert accounts.authenticate("nobody", PASSWORD) is None
    world.users["mro"].active = False
    assert accounts.authenticate("mro", PASSWORD) is None


def test_api_keys_are_stored_only_as_hashes(world) -> None:
    from sqlalchemy import select

    from dashboard.extensions import db
    from dashboard.models import ApiKey

    key = accounts.issue_api_key("jaki", label="JAKI prod", now=T0)
    hashes = set(db.session.scalars(select(ApiKey.key_hash)))
    assert key not in hashes and accounts.key_hash(key) in hashes
    assert accounts.channel_for_key(key).code == "jaki"
    assert accounts.channel_for_key("pk_jaki_guess") is None
