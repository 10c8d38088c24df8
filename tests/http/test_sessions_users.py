"""Sessions end on the server, the per-account log-in throttle, and the admin users page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import AccountAudit, LoginFailure, User
from tests.conftest import T0
from tests.factories import PASSWORD, later
from tests.http.helpers import Town, client_as, csrf_token_from, login, make_town

NOW = later(T0, hours=1)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def town(sqlite_app: Flask, clock: time_machine.Coordinates) -> Town:
    return make_town(sqlite_app)


def session_cookie(client: FlaskClient) -> tuple[str, str]:
    cookie = client.get_cookie("session", domain="pantau.test")
    assert cookie is not None
    return cookie.value, cookie.domain


def replay(app: Flask, cookie: tuple[str, str], path: str = "/tickets") -> int:
    """A fresh browser that only has the saved cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie[0], domain=cookie[1])
    return other.get(path).status_code


def user_id(app: Flask, username: str) -> int:
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.username == username))
        assert uid is not None
        return uid


def audit_actions(app: Flask, uid: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AccountAudit.action)
                .where(AccountAudit.user_id == uid)
                .order_by(AccountAudit.id)
            )
        )


# --- sessions end on the server -------------------------------------------------------


def test_a_saved_cookie_no_longer_works_after_log_out(sqlite_app: Flask, town: Town) -> None:
    client = client_as(sqlite_app, "officer_a")
    saved = session_cookie(client)
    assert replay(sqlite_app, saved) == 200  # the copy works while the session is open

    assert client.post("/logout").status_code == 302

    assert replay(sqlite_app, saved) == 302  # back to the log-in page
    assert replay(sqlite_app, saved, "/board/snapshot.json") in (302, 401, 404)


def test_log_out_ends_only_that_session(sqlite_app: Flask, town: Town) -> None:
    desk = client_as(sqlite_app, "mro")
    phone = client_as(sqlite_app, "mro")
    desk.post("/logout")
    assert phone.get("/tickets").status_code == 200


def test_deactivation_ends_every_session_and_the_log_in(sqlite_app: Flask, town: Town) -> None:
    victim = client_as(sqlite_app, "officer_a")
    saved = session_cookie(victim)
    admin = client_as(sqlite_app, "admin")
    uid = user_id(sqlite_app, "officer_a")

    response = admin.post(f"/admin/users/{uid}", data={"action": "deactivate"})

    assert response.status_code == 302
    assert victim.get("/tickets").status_code == 302
    assert replay(sqlite_app, saved) == 302
    refused = sqlite_app.test_client().post(
        "/login", data={"username": "officer_a", "password": PASSWORD}
    )
    assert refused.status_code == 401
    # Reactivated, it may log in again; the old cookie stays dead.
    admin.post(f"/admin/users/{uid}", data={"action": "reactivate"})
    login(sqlite_app.test_client(), "officer_a")
    assert replay(sqlite_app, saved) == 302
    assert audit_actions(sqlite_app, uid) == ["created", "deactivated", "reactivated"]


def test_a_password_reset_and_a_move_end_the_sessions(sqlite_app: Flask, town: Town) -> None:
    admin = client_as(sqlite_app, "admin")
    uid = user_id(sqlite_app, "officer_a")
    before = client_as(sqlite_app, "officer_a")
    page = admin.post(f"/admin/users/{uid}", data={"action": "password", "password": ""})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "hanya ditampilkan sekali" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert before.get("/tickets").status_code == 302
    import re

    shown = re.search(r'readonly value="([^"]+)" aria-label="Kata sandi baru"', html)
    assert shown is not None
    login(sqlite_app.test_client(), "officer_a", shown.group(1))
    refused = sqlite_app.test_client().post(
        "/login", data={"username": "officer_a", "password": PASSWORD}
    )
    assert refused.status_code == 401

    moved = client_as(sqlite_app, "officer_b")
    other = user_id(sqlite_app, "officer_b")
    response = admin.post(
        f"/admin/users/{other}",
        data={"action": "placement", "role": "officer", "unit": "KEL-SENAYAN", "kota": ""},
    )
    assert response.status_code == 302
    assert moved.get("/tickets").status_code == 302
    with sqlite_app.app_context():
        assert db.session.get(User, other).unit.code == "KEL-SENAYAN"  # type: ignore[union-attr]


# --- per-account throttle -------------------------------------------------------------


def attempt(app: Flask, username: str, password: str, address: str) -> int:
    response = app.test_client().post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code


def test_five_failures_close_the_account_from_every_address(
    sqlite_app: Flask, town: Town, clock: time_machine.Coordinates
) -> None:
    codes = [attempt(sqlite_app, "mro", "salah-sekali", f"10.0.0.{i}") for i in range(5)]
    assert codes == [401] * 5

    client = sqlite_app.test_client()
    locked = client.post(
        "/login",
        data={"username": "MRO ", "password": PASSWORD},  # right password, other spelling
        environ_base={"REMOTE_ADDR": "10.0.9.9"},
    )
    assert locked.status_code == 429
    assert locked.headers["Retry-After"] == "900"
    assert (
        "Terlalu banyak percobaan masuk untuk akun ini. Coba lagi dalam 15 menit."
        in locked.get_data(as_text=True)
    )
    assert attempt(sqlite_app, "mro", PASSWORD, "10.0.9.10") == 429
    # Another account is not affected.
    assert attempt(sqlite_app, "admin", PASSWORD, "10.0.0.1") == 302
    # Refused attempts do not lengthen the pause: 15 minutes after the fifth failure it opens.
    clock.shift(timedelta(minutes=10))
    assert attempt(sqlite_app, "mro", "salah-lagi", "10.0.0.7") == 429
    clock.shift(timedelta(minutes=5, seconds=1))
    assert attempt(sqlite_app, "mro", PASSWORD, "10.0.0.8") == 302


def test_a_success_resets_the_count(sqlite_app: Flask, town: Town) -> None:
    for i in range(4):
        assert attempt(sqlite_app, "mro", "salah", f"10.1.0.{i}") == 401
    assert attempt(sqlite_app, "mro", PASSWORD, "10.1.0.9") == 302
    for i in range(4):
        assert attempt(sqlite_app, "mro", "salah", f"10.1.1.{i}") == 401
    assert attempt(sqlite_app, "mro", PASSWORD, "10.1.1.9") == 302


def test_unknown_usernames_are_throttled_alike_and_old_failures_pruned(
    sqlite_app: Flask, town: Town, clock: time_machine.Coordinates
) -> None:
    for i in range(5):
        assert attempt(sqlite_app, "tidak-ada", "salah", f"10.2.0.{i}") == 401
    assert attempt(sqlite_app, "tidak-ada", "salah", "10.2.1.1") == 429
    clock.shift(timedelta(minutes=16))
    assert attempt(sqlite_app, "lain", "salah", "10.2.1.2") == 401
    with sqlite_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 1


# --- the users page ---------------------------------------------------------------


def create(admin: FlaskClient, **fields: str) -> tuple[int, str]:
    data = {
        "display_name": "Petugas Baru",
        "username": "petugas.baru",
        "role": "officer",
        "unit": "KEL-PALMERIAM",
        "kota": "",
        "password": "kata-sandi-awal",
        **fields,
    }
    response = admin.post("/admin/users", data=data)
    return response.status_code, response.get_data(as_text=True)


def test_an_admin_creates_an_account_that_can_log_in(sqlite_app: Flask, town: Town) -> None:
    admin = client_as(sqlite_app, "admin")
    status, _ = create(admin)
    assert status == 302
    login(sqlite_app.test_client(), "petugas.baru", "kata-sandi-awal")
    uid = user_id(sqlite_app, "petugas.baru")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "Petugas Baru" in page and "Akun dibuat" in page
    assert audit_actions(sqlite_app, uid) == ["created"]
    with sqlite_app.app_context():
        row = db.session.scalar(select(AccountAudit).where(AccountAudit.user_id == uid))
        assert row is not None
        assert row.actor_user_id == user_id(sqlite_app, "admin")
        assert row.detail["unit"] == "KEL-PALMERIAM"


BAD_ACCOUNTS = [
    ({"role": "officer", "unit": ""}, "petugas harus punya unit"),
    ({"role": "officer", "unit": "BAGPEM-JKT-TIM"}, "badan validator bukan unit petugas"),
    ({"role": "validator", "unit": "KEL-SENAYAN"}, "Biro atau Bagian Pemerintahan"),
    ({"role": "validator", "unit": ""}, "Biro atau Bagian Pemerintahan"),
    (
        {"role": "validator", "unit": "BAGPEM-JKT-TIM", "kota": "JKT-SEL"},
        "kota tidak sesuai dengan badan validator",
    ),
    ({"role": "mro", "unit": "KEL-SENAYAN"}, "tidak berada di sebuah unit"),
    ({"role": "admin", "unit": "", "kota": "JKT-TIM"}, "tidak dibatasi pada satu kota"),
    ({"role": "executive", "unit": "", "kota": "KEC-MATRAMAN"}, "bukan kota atau kabupaten"),
    ({"role": "camat"}, "peran tidak dikenal"),
    ({"unit": "TIDAK-ADA"}, "unit tidak dikenal"),
    ({"display_name": "   "}, "wajib diisi"),
    ({"display_name": "N" * 121}, "paling banyak 120 karakter"),
    ({"username": "u" * 81}, "3–80 karakter"),
    ({"username": "Budi Santoso"}, "3–80 karakter"),
    ({"username": "admin"}, "nama pengguna sudah dipakai"),
    ({"password": "pendek"}, "paling sedikit 10 karakter"),
]


def test_bad_accounts_are_refused_with_a_reason_and_nothing_stored(
    sqlite_app: Flask, town: Town
) -> None:
    admin = client_as(sqlite_app, "admin")
    with sqlite_app.app_context():
        users_before = db.session.scalar(select(func.count()).select_from(User))
        audit_before = db.session.scalar(select(func.count()).select_from(AccountAudit))
    for fields, reason in BAD_ACCOUNTS:
        status, html = create(admin, **fields)
        assert (status, reason in html) == (422, True), fields
    with sqlite_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == users_before
        assert db.session.scalar(select(func.count()).select_from(AccountAudit)) == audit_before


def test_a_kota_validator_gets_the_kota_of_its_body(sqlite_app: Flask, town: Town) -> None:
    admin = client_as(sqlite_app, "admin")
    status, _ = create(admin, username="bagpem.baru", role="validator", unit="BAGPEM-JKT-TIM")
    assert status == 302
    with sqlite_app.app_context():
        u = db.session.scalar(select(User).where(User.username == "bagpem.baru"))
        assert u is not None and u.kota is not None and u.kota.code == "JKT-TIM"


@pytest.mark.parametrize("username", ["officer_a", "mro", "validator_tim", "exec_prov"])
def test_only_admins_reach_the_users_page(sqlite_app: Flask, town: Town, username: str) -> None:
    client = client_as(sqlite_app, username)
    target = user_id(sqlite_app, "officer_b")
    assert client.get("/admin/users").status_code == 404
    assert create(client)[0] == 404
    for data in (
        {"action": "deactivate"},
        {"action": "password", "password": "sandi-baru-panjang"},
        {"action": "placement", "role": "admin"},
    ):
        assert client.post(f"/admin/users/{target}", data=data).status_code == 404
    assert (
        client.post(
            f"/admin/users/{user_id(sqlite_app, username)}",
            data={"action": "placement", "role": "admin"},
        ).status_code
        == 404
    )
    with sqlite_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AccountAudit)) == 11
        assert db.session.get(User, target).active  # type: ignore[union-attr]
    anonymous = sqlite_app.test_client().post(
        f"/admin/users/{target}", data={"action": "deactivate"}
    )
    assert anonymous.status_code == 302


def test_the_admin_cannot_lock_themselves_out_nor_remove_the_last_admin(
    sqlite_app: Flask, town: Town
) -> None:
    admin = client_as(sqlite_app, "admin")
    me = user_id(sqlite_app, "admin")
    refused = admin.post(f"/admin/users/{me}", data={"action": "deactivate"})
    assert refused.status_code == 403
    assert "akun Anda sendiri" in refused.get_data(as_text=True)
    demoted = admin.post(f"/admin/users/{me}", data={"action": "placement", "role": "mro"})
    assert demoted.status_code == 403
    # With a second admin, one may deactivate the other; the one left is then the last.
    status, _ = create(admin, username="admin2", role="admin", unit="")
    assert status == 302
    second = sqlite_app.test_client()
    login(second, "admin2", "kata-sandi-awal")
    assert second.post(f"/admin/users/{me}", data={"action": "deactivate"}).status_code == 302
    assert admin.get("/tickets").status_code == 302  # deactivated: signed out
    mine = user_id(sqlite_app, "admin2")
    assert second.post(f"/admin/users/{mine}", data={"action": "deactivate"}).status_code == 403
    with sqlite_app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(User).where(User.role == "admin", User.active)
            )
            == 1
        )


def test_the_last_active_admin_stays_even_when_another_admin_acts(
    sqlite_app: Flask, town: Town
) -> None:
    """Exercise the count guard directly: the actor is not the target."""
    from dashboard.domain.workflow import Actor, ActorKind, Role
    from dashboard.services import accounts
    from dashboard.services.errors import NotPermitted

    me = user_id(sqlite_app, "admin")
    with sqlite_app.app_context():
        other = Actor(kind=ActorKind.USER, label="X", role=Role.ADMIN, user_id=99999)
        with pytest.raises(NotPermitted, match="administrator aktif terakhir"):
            accounts.set_active(me, active=False, actor=other, now=NOW)
        assert db.session.get(User, me).active  # type: ignore[union-attr]


def listed(admin: FlaskClient, query: str) -> str:
    """The user list table of the page (the audit log below it names users too)."""
    html = admin.get(f"/admin/users?{query}").get_data(as_text=True)
    return html[html.index('id="user-list"') : html.index("</table>", html.index('id="user-list"'))]


def test_the_users_page_filters_and_survives_nonsense(sqlite_app: Flask, town: Town) -> None:
    admin = client_as(sqlite_app, "admin")
    html = listed(admin, "role=validator")
    assert "validator_tim" in html and "officer_a" not in html
    html = listed(admin, "unit=KEL-SENAYAN")
    assert "officer_c" in html and "officer_a" not in html
    admin.post(f"/admin/users/{user_id(sqlite_app, 'mro')}", data={"action": "deactivate"})
    html = listed(admin, "active=0")
    assert ">mro<" in html and "officer_a" not in html
    assert admin.get("/admin/users?role=camat&active=x").status_code == 400
    assert admin.get("/admin/users/99999999999999999999999").status_code == 404
    assert admin.get("/admin/users/424242").status_code == 404
    assert (
        admin.post(f"/admin/users/{user_id(sqlite_app, 'mro')}", data={"action": "x"}).status_code
        == 400
    )


def test_the_top_bar_links_the_users_page_for_admins_only(sqlite_app: Flask, town: Town) -> None:
    assert 'href="/admin/users"' in client_as(sqlite_app, "admin").get("/tickets").get_data(
        as_text=True
    )
    assert 'href="/admin/users"' not in client_as(sqlite_app, "mro").get("/tickets").get_data(
        as_text=True
    )


def test_the_account_audit_log_is_append_only(sqlite_app: Flask, town: Town) -> None:
    with sqlite_app.app_context():
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(sa.delete(AccountAudit))
            db.session.commit()
        db.session.rollback()


def test_the_forms_need_a_csrf_token(tmp_path: object) -> None:
    from tests.conftest import make_app

    for app in make_app("sqlite", tmp_path, {"WTF_CSRF_ENABLED": True}):
        with time_machine.travel(NOW, tick=False):
            make_town(app)
            client = app.test_client()
            token = csrf_token_from(client.get("/login").get_data(as_text=True))
            client.post(
                "/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}
            )
            target = user_id(app, "officer_a")
            refused = client.post(f"/admin/users/{target}", data={"action": "deactivate"})
            assert refused.status_code in (302, 400)
            with app.app_context():
                assert db.session.get(User, target).active  # type: ignore[union-attr]
            page = client.get(f"/admin/users/{target}").get_data(as_text=True)
            done = client.post(
                f"/admin/users/{target}",
                data={"action": "deactivate", "csrf_token": csrf_token_from(page)},
            )
            assert done.status_code == 302
            with app.app_context():
                assert not db.session.get(User, target).active  # type: ignore[union-attr]
