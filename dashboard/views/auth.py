"""Staff log-in and log-out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
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

from ..extensions import limiter
from ..services import accounts

bp = Blueprint("auth", __name__)


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
    """Show the log-in form; on a good password start a fresh session."""
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.username.data or "", form.password.data or "")
        if user is None:
            flash("Nama pengguna atau kata sandi salah.", "error")
            return render_template("auth/login.html", form=form), 401
        session.clear()  # no session fixation
        login_user(user)
        return redirect(_safe_next(request.args.get("next")) or url_for("tickets.worklist"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """End the session, and close this user's live boards."""
    from flask_login import current_user

    from ..live.sockets import end_user_boards

    user_id = current_user.get_id() if current_user.is_authenticated else None
    logout_user()
    session.clear()
    if user_id is not None:
        end_user_boards(int(user_id))
    flash("Anda telah keluar.", "success")
    return redirect(url_for("auth.login"))
