"""Staff log-in and log-out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from .. import clock
from ..domain.workflow import Role
from ..extensions import limiter, login_manager
from ..services import accounts, sessions

bp = Blueprint("auth", __name__)

# Where each role's work is: the page a user lands on after log-in and at "/".
LANDING: dict[Role, str] = {
    Role.MRO: "board.board",  # the monitoring room watches the board
    Role.EXECUTIVE: "kpi.summary",  # governor and walikota read their figures
    Role.VALIDATOR: "validation.queue",  # completions waiting for a decision
    Role.OFFICER: "tickets.todo",  # Perlu tindakan: their unit's open tickets
    Role.ADMIN: "tickets.worklist",
}


def landing_url(role: str) -> str:
    """The landing page of a role (the worklist for a role this table does not know)."""
    try:
        endpoint = LANDING[Role(role)]
    except ValueError:
        endpoint = "tickets.worklist"
    return url_for(endpoint)


def init_app(_app: Flask) -> None:
    """Flask-Login signs requests in through load_user and sends strangers to log-in."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk untuk membuka halaman ini."
    login_manager.login_message_category = "error"
    login_manager.user_loader(load_user)


def load_user(user_id: str) -> sessions.SignedInUser | None:
    """The user of an open server-side session (services/sessions.py), else nobody.

    A cookie without the session token (a remember-me cookie, an old
    cookie) or with an ended one signs no one in.
    """
    signed = sessions.resolve(user_id, session.get(sessions.SESSION_KEY), now=clock.now())
    if signed is None:
        return None
    g.login_session_id = signed.session_id
    return signed.user


class LoginForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Kata sandi", validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None) -> str | None:
    """A path on this site to go to after log-in, or None for the default page."""
    if not target or len(target) > 2000:
        return None
    if any(ord(c) <= 0x20 or 0x7F <= ord(c) <= 0x9F for c in target):
        # Control characters and spaces: CR/LF would split the Location header, and
        # browsers drop tabs and newlines from URLs ("/\t/host" would be "//host").
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        # Browsers read a backslash as a slash: "/\host" would be "//host".
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATE_LIMIT_LOGIN"], methods=["POST"])
def login() -> Any:
    """Show the log-in form; on a good password start a fresh server-side session.

    Per address, Flask-Limiter holds back floods; per account, five failures
    in fifteen minutes pause that username (domain/accounts.py).
    """
    form = LoginForm()
    if form.validate_on_submit():
        now = clock.now()
        try:
            user = accounts.authenticate(
                form.username.data or "", form.password.data or "", now=now
            )
        except sessions.LoginLocked as exc:
            flash(exc.message, "error")
            response = current_app.make_response(
                (render_template("auth/login.html", form=form), 429)
            )
            response.headers["Retry-After"] = str(exc.minutes * 60)
            return response
        if user is None:
            flash("Nama pengguna atau kata sandi salah.", "error")
            return render_template("auth/login.html", form=form), 401
        session.clear()  # no session fixation
        session[sessions.SESSION_KEY] = sessions.start(user.id, now=now)
        login_user(user)
        return redirect(_safe_next(request.args.get("next")) or landing_url(user.role))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """End the session on the server too, and close the boards it opened."""
    from ..live.sockets import end_session_boards

    session_id = sessions.end(session.get(sessions.SESSION_KEY), now=clock.now())
    logout_user()
    session.clear()
    if session_id is not None:
        end_session_boards(session_id)
    flash("Anda telah keluar.", "success")
    return redirect(url_for("auth.login"))
