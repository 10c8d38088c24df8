"""Staff pages for tickets: the worklist, a ticket, its actions, the intake form."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.wrappers import Response
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DecimalField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .. import clock, disclosure
from .. import formatting as fmt
from ..domain import history
from ..domain import workflow as wf
from ..domain import worklist as todo_rules
from ..domain.inputs import InvalidNumber, parse_id
from ..domain.intake import InvalidReport, parse_report
from ..domain.sla import fallen_due
from ..live.publisher import publish
from ..queries import receipts
from ..queries import tickets as ticket_reads
from ..scope import actor_for_user
from ..services import intake, privacy
from ..services import workflow as svc
from ..services.errors import InvalidInput
from .auth import landing_url
from .htmx import is_htmx, render_page_or_partial

bp = Blueprint("tickets", __name__)


def _actor() -> wf.Actor:
    return actor_for_user(current_user._get_current_object())


@bp.route("/")
def home() -> Any:
    """Staff land where their role's work is (views/auth.py LANDING); visitors on the portal."""
    if current_user.is_authenticated:
        return redirect(landing_url(current_user.role))
    return redirect(url_for("portal.index"))


@bp.route("/tickets")
@login_required
def worklist() -> Response:
    """The tickets this user may see, newest first; htmx swaps just the list."""
    filters = ticket_reads.Filters.from_args(request.args)
    page = ticket_reads.worklist(_actor(), filters)
    return render_page_or_partial(
        "tickets/worklist.html",
        "tickets/_list.html",
        page=page,
        filters=filters,
        statuses=list(wf.Status),
        categories=ticket_reads.categories(),
        unit_names=ticket_reads.unit_names(
            {t.assigned_unit_id for t in page.tickets if t.assigned_unit_id}
        ),
        now=clock.now(),
    )


# --- Perlu tindakan: an officer's open tickets, next deadline first ---------------------


def countdown(due: datetime, now: datetime) -> str:
    """'3 jam 20 menit lagi' / 'lewat 2 hari 4 jam' (static/worklist.js writes the same)."""
    minutes = abs((due - now).total_seconds()) // 60
    text = fmt.duration_minutes(minutes)
    return f"lewat {text}" if fallen_due(due, now) else f"{text} lagi"


# The countdown's words for static/worklist.js: formatting.duration_minutes's units.
COUNTDOWN_WORDS = {
    "day": fmt.duration_minutes(24 * 60).split()[1],
    "hour": fmt.duration_minutes(60).split()[1],
    "minute": fmt.duration_minutes(1).split()[1],
    "left": "lagi",
    "late": "lewat",
}

RELATION_LABELS = {"support": "unit pendukung", "escalated": "eskalasi ke unit Anda"}


@bp.route("/tickets/tindakan")
@login_required
def todo() -> Any:
    """Perlu tindakan: the open tickets the officer's unit owes work on, the deadline that
    applies now first, with chips and a live countdown. Other roles have their own landing."""
    if current_user.role != wf.Role.OFFICER.value:
        return redirect(landing_url(current_user.role))
    chip = request.args.get("chip") or None
    if chip not in todo_rules.CHIP_LABELS:
        chip = None
    now = clock.now()
    found = ticket_reads.todo(_actor(), now, chip)
    return render_page_or_partial(
        "tickets/todo.html",
        "tickets/_todo.html",
        todo=found,
        chip=chip,
        chip_labels=todo_rules.CHIP_LABELS,
        relation_labels=RELATION_LABELS,
        countdown=countdown,
        countdown_words=COUNTDOWN_WORDS,
        now=now,
    )


def _picker(ticket: Any, now: datetime) -> list[todo_rules.PickGroup]:
    """The disposition / coordination picker: the category's usual units first, then by kind."""
    return todo_rules.picker_groups(
        ticket_reads.pick_units(wf.HANDLING_UNIT_KINDS),
        ticket_reads.usual_units(ticket.category_id, now),
        exclude=ticket.assigned_unit_id,
    )


def _detail_context(ticket_id: int) -> dict[str, Any]:
    actor = _actor()
    ticket = svc.load_visible(ticket_id, actor)
    events = ticket_reads.history(ticket.id)
    unit_ids = {u for u in (ticket.assigned_unit_id, ticket.kelurahan_id, ticket.kota_id) if u}
    unit_ids |= ticket.supporting_unit_ids
    for e in events:
        unit_ids |= {v for k, v in e.data.items() if k.endswith("unit_id") and v}
        unit_ids |= set(e.data.get("unit_ids", []))
    state = svc.state_of(ticket)
    allowed = wf.allowed_actions(state, actor)
    return {
        "ticket": ticket,
        # As written for admin and MRO, redacted for everyone else (dashboard.disclosure).
        "description": disclosure.description_of(actor, ticket.id),
        "events": events,
        # Channel actors ("Kanal jaki") by the channel's name ("Kanal JAKI").
        "actor_labels": ticket_reads.channel_actor_labels(events),
        "notes": disclosure.history_notes(actor, ticket.id, events),
        "photos": ticket_reads.photos(ticket.id),
        "unit_names": ticket_reads.unit_names(unit_ids),
        "allowed": {a.__name__ for a in allowed},
        "note_kinds": [(k, history.NOTE_KINDS[k].staff) for k in wf.note_kinds(state, actor)],
        "unit_groups": _picker(ticket, clock.now())
        if wf.Dispose in allowed or wf.Coordinate in allowed
        else [],
        "may_view_reporter": privacy.may_view_reporter(actor) and ticket.reporter_id is not None,
        "now": clock.now(),
    }


@bp.route("/tickets/<int:ticket_id>")
@login_required
def detail(ticket_id: int) -> Response:
    """One ticket: its fields, history, photos and the actions this user may take."""
    return render_page_or_partial(
        "tickets/detail.html", "tickets/_ticket.html", **_detail_context(ticket_id)
    )


def _version() -> int | None:
    try:
        return int(request.form["version"])
    except (KeyError, ValueError):
        return None


def _form_text(name: str) -> str:
    return (request.form.get(name) or "").strip()


def _form_date(name: str) -> datetime:
    raw = _form_text(name)
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput({name: "tanggal tidak valid (format YYYY-MM-DD)"}) from None
    # An EWS date means the end of that day in Jakarta.
    return datetime.combine(day, time(23, 59), tzinfo=clock.JAKARTA).astimezone(clock.now().tzinfo)


def _form_int(name: str) -> int:
    try:
        number = parse_id(request.form.get(name), name)
    except InvalidNumber:
        number = None
    if number is None:
        raise InvalidInput({name: "pilih salah satu"})
    return number


def _form_ints(name: str) -> list[int]:
    try:
        return [n for v in request.form.getlist(name) if (n := parse_id(v, name)) is not None]
    except InvalidNumber:
        raise InvalidInput({name: "pilih dari daftar"}) from None


@bp.route("/tickets/<int:ticket_id>/<action>", methods=["POST"])
@login_required
def act(ticket_id: int, action: str) -> Any:
    """Carry out one workflow action, then show the ticket again."""
    actor, now, version = _actor(), clock.now(), _version()
    common: dict[str, Any] = dict(actor=actor, now=now, publish=publish, expected_version=version)
    match action:
        case "start":
            svc.start_work(ticket_id, note=_form_text("note"), **common)
        case "dispose":
            svc.dispose(
                ticket_id, to_unit_id=_form_int("unit_id"), reason=_form_text("reason"), **common
            )
        case "hand-back":
            svc.hand_back(ticket_id, reason=_form_text("reason"), **common)
        case "coordinate":
            ids = list(dict.fromkeys(_form_ints("unit_ids")))  # a usual unit is listed twice
            svc.coordinate(ticket_id, unit_ids=ids, note=_form_text("note"), **common)
        case "ews":
            svc.set_ews(
                ticket_id, ews_at=_form_date("ews_date"), reason=_form_text("reason"), **common
            )
        case "complete":
            files = [f.read() for f in request.files.getlist("photos") if f and f.filename]
            svc.complete(
                ticket_id,
                note=_form_text("note"),
                photos=files,
                public_note=_form_text("public_note"),
                **common,
            )
        case "verify":
            svc.verify(
                ticket_id,
                note=_form_text("note"),
                field_verified=request.form.get("field_verified") == "on",
                justification=_form_text("justification"),
                **common,
            )
        case "reopen":
            svc.reopen(ticket_id, reason=_form_text("reason"), **common)
        case "reject":
            dup = _form_text("duplicate_of")
            dup_id = None
            if dup:
                original = ticket_reads.by_tracking(dup.upper())
                if original is None:
                    raise InvalidInput({"duplicate_of": "nomor tiket asli tidak ditemukan"})
                dup_id = original.id
            svc.reject(ticket_id, reason=_form_text("reason"), duplicate_of_id=dup_id, **common)
        case "note":
            kind = request.form.get("kind", "note")
            if kind not in wf.NOTE_KINDS:
                raise InvalidInput({"kind": f"jenis catatan tidak dikenal: {kind[:40]!r}"})
            svc.add_note(
                ticket_id, text=_form_text("text"), kind=kind, actor=actor, now=now, publish=publish
            )
        case _:
            abort(404)
    if not ticket_reads.is_visible(ticket_id, actor):
        # A disposition or hand-back moved the ticket out of this user's scope:
        # its page would now be a 404, so go back to the list (an officer's Perlu tindakan).
        flash("Tindakan tersimpan; tiket tidak lagi ada di daftar Anda.", "success")
        back = url_for("tickets.todo" if actor.role is wf.Role.OFFICER else "tickets.worklist")
        if is_htmx():
            response = make_response("", 204)
            response.headers["HX-Redirect"] = back
            return response
        return redirect(back)
    if is_htmx():
        return render_page_or_partial(
            "tickets/detail.html", "tickets/_ticket.html", **_detail_context(ticket_id)
        )
    flash("Tindakan tersimpan.", "success")
    return redirect(url_for("tickets.detail", ticket_id=ticket_id))


@bp.route("/tickets/<int:ticket_id>/reporter", methods=["POST"])
@login_required
def reporter(ticket_id: int) -> Any:
    """Show a confidential reporter's identity to an MRO or admin, logged with a reason."""
    view = privacy.view_reporter(
        ticket_id, reason=_form_text("reason"), actor=_actor(), now=clock.now()
    )
    return render_template("tickets/_reporter.html", reporter=view, ticket_id=ticket_id)


@bp.route("/photos/<int:photo_id>")
@login_required
def photo(photo_id: int) -> Response:
    """A ticket photo, for staff who may see the ticket."""
    row = ticket_reads.photo_for(photo_id, _actor())
    if row is None:
        abort(404)
    response = Response(row.content, mimetype=row.mime)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- staff intake for offline channels -----------------------------------------


class IntakeForm(FlaskForm):
    channel = SelectField("Kanal", validators=[DataRequired()])
    category = SelectField("Kategori", validators=[DataRequired()])
    description = TextAreaField("Uraian laporan", validators=[DataRequired(), Length(10, 5000)])
    address = StringField("Alamat lokasi", validators=[Optional(), Length(max=300)])
    kelurahan = SelectField("Kelurahan lokasi", validators=[Optional()])
    lat = DecimalField(
        "Lintang (lat)", places=6, validators=[Optional(), NumberRange(-6.40, -5.10)]
    )
    lon = DecimalField(
        "Bujur (lon)", places=6, validators=[Optional(), NumberRange(106.30, 107.05)]
    )
    privacy = RadioField(
        "Identitas pelapor",
        choices=[
            SelectChoice(
                "confidential", "Rahasia — identitas disimpan, tidak terlihat oleh unit dan publik"
            ),
            SelectChoice(
                "public",
                "Biasa — identitas disimpan dan dilindungi; uraian tampil di portal publik"
                " setelah data pribadi disamarkan",
            ),
            SelectChoice("anonymous", "Anonim — identitas tidak disimpan sama sekali"),
        ],
        default="confidential",
    )
    reporter_name = StringField("Nama pelapor", validators=[Optional(), Length(max=200)])
    reporter_phone = StringField("Telepon", validators=[Optional(), Length(max=40)])
    reporter_email = StringField("E-mail", validators=[Optional(), Length(max=200)])
    photo = FileField("Foto (opsional)")
    confirm_identity = BooleanField("Pelapor telah diberi tahu pilihan identitasnya")


# The office channel that matches the officer's own unit.
OFFICE_CHANNEL = {
    "kelurahan": "kelurahan",
    "kecamatan": "kecamatan",
    "kota": "walikota",
    "kabupaten": "walikota",
}


def _prefill_for_office(form: IntakeForm) -> None:
    unit = current_user.unit
    if unit is None:
        return
    channel = OFFICE_CHANNEL.get(unit.kind)
    if channel and any(c.value == channel for c in form.channel.choices):
        form.channel.data = channel
    if unit.kind == "kelurahan":
        form.kelurahan.data = unit.code


@bp.route("/tickets/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    """Staff type in a walk-in report from an office (offline channels)."""
    if not current_user.can_intake:
        abort(404)
    form = IntakeForm()
    # SelectChoice, not (value, label) tuples: WTForms 3.3 deprecates tuples.
    form.channel.choices = [
        SelectChoice(c.code, c.name) for c in ticket_reads.channels(online=False)
    ]
    form.category.choices = [SelectChoice(c.code, c.name) for c in ticket_reads.categories()]
    form.kelurahan.choices = [SelectChoice("", "— tentukan dari koordinat —")] + [
        SelectChoice(u.code, u.name) for u in ticket_reads.units_for_select(("kelurahan",))
    ]
    if request.method == "GET":
        _prefill_for_office(form)
    if form.validate_on_submit():
        now = clock.now()
        payload: dict[str, Any] = {
            "channel": form.channel.data,
            "category": form.category.data,
            "description": form.description.data,
            "address": form.address.data or None,
            "kelurahan": form.kelurahan.data or None,
            "lat": float(form.lat.data) if form.lat.data is not None else None,
            "lon": float(form.lon.data) if form.lon.data is not None else None,
            "reported_at": now.isoformat(),
            "reporter": {
                "name": form.reporter_name.data or None,
                "phone": form.reporter_phone.data or None,
                "email": form.reporter_email.data or None,
                "anonymous": form.privacy.data == "anonymous",
                "confidential": form.privacy.data != "public",
            },
        }
        try:
            report = parse_report(
                {k: v for k, v in payload.items() if v is not None},
                now=now,
                require_external_id=False,
            )
            if form.photo.data:
                report = dataclasses.replace(report, photos=(form.photo.data.read(),))
            result = intake.receive_report(
                report,
                payload_hash=None,
                actor=_actor(),
                now=now,
                publish=publish,
                rating_link=True,
            )
        except (InvalidReport, InvalidInput) as exc:
            for field_name, message in exc.errors.items():
                key = field_name.replace("reporter.", "reporter_").split("[")[0]
                target = getattr(form, key, None) or getattr(
                    form, "photo" if "photo" in key else "description"
                )
                target.errors = [*target.errors, message]
            return render_template("tickets/new.html", form=form), 422
        flash(f"Laporan tercatat dengan nomor {result.tracking}.", "success")
        # The receipt for the reporter: the rating link is shown on it (only this once
        # issued; the session keeps it for reprints until the next intake).
        session[RECEIPT_KEY] = {"ticket_id": result.ticket_id, "token": result.rating_token}
        return redirect(url_for("tickets.receipt", ticket_id=result.ticket_id))
    return render_template("tickets/new.html", form=form), (422 if form.errors else 200)


# --- the walk-in reporter's receipt ----------------------------------------------------------

RECEIPT_KEY = "intake_receipt"

# What the receipt promises about the reporter's identity, by their choice.
IDENTITY_PROMISE = {
    "confidential": "Laporan Anda RAHASIA: nama dan kontak Anda disimpan terlindungi dan tidak "
    "pernah ditampilkan kepada unit yang menangani maupun kepada publik.",
    "public": "Laporan Anda BIASA: nama dan kontak Anda disimpan terlindungi dan tidak pernah "
    "ditampilkan; uraian laporan tampil di portal publik setelah data pribadi disamarkan.",
    "anonymous": "Laporan Anda ANONIM: identitas Anda tidak disimpan sama sekali.",
}


def public_base_url() -> str:
    """Absolute links on paper: PUBLIC_BASE_URL when set, else this request's host."""
    return (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")


@bp.route("/tickets/<int:ticket_id>/receipt")
@login_required
def receipt(ticket_id: int) -> Any:
    """A printable receipt for the walk-in reporter (A6): tracking number, time, category,
    the unit it went to, the public tracking link and the rating link — no identity."""
    if not current_user.can_intake:
        abort(404)
    held = session.get(RECEIPT_KEY) or {}
    found = receipts.receipt(ticket_id, _actor())
    if found is None and held.get("ticket_id") == ticket_id:
        # Routed to a unit outside this officer's scope: the receipt they just issued
        # opens as the reporter's own ticket, and nothing else.
        found = receipts.receipt(ticket_id, wf.Actor.reporter(ticket_id))
    if found is None or found.channel_online:
        abort(404)
    base = public_base_url()
    token = held.get("token") if held.get("ticket_id") == ticket_id else None
    response = make_response(
        render_template(
            "tickets/receipt.html",
            r=found,
            tracking_url=f"{base}{url_for('public.ticket', tracking=found.tracking)}",
            rating_url=f"{base}{url_for('public.rate', token=token)}" if token else None,
            promise=IDENTITY_PROMISE.get(found.confidentiality, IDENTITY_PROMISE["confidential"]),
            may_open=ticket_reads.is_visible(ticket_id, _actor()),
        )
    )
    response.headers["Cache-Control"] = "no-store"  # the rating link is the reporter's
    return response
