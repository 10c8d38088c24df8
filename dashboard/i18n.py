"""Languages of the public pages: Indonesian (the source strings) and English.

On the portal and the citizen's pages (``/t/`` tracking, ``/r/`` rating) the
locale comes from ``?lang=id|en`` (remembered in a cookie for a year), else
from that cookie, else the default (Indonesian). Every other page is written in
Indonesian only, so it stays Indonesian whatever the cookie says (its navigation
and ``<html lang>`` included).

Form validation messages (WTForms, through Flask-WTF) speak the page's language
too: WTForms ships no Indonesian, so Pantau keeps its own catalogue
(``translations/id/LC_MESSAGES/wtforms.po``) and hands Flask-WTF the right one
for each request; English is WTForms' own.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import quote, urlencode

from babel import support
from flask import Flask, Response, current_app, request
from flask_babel import get_locale
from wtforms.i18n import messages_path

LANGUAGES: dict[str, str] = {"id": "Bahasa Indonesia", "en": "English"}
COOKIE = "pantau_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Blueprints whose pages are translated (the others are Indonesian only).
# The citizen's own pages (tracking /t/, rating /r/) follow the portal's choice.
TRANSLATED_BLUEPRINTS = frozenset({"portal", "public"})


def _asked() -> str | None:
    """A valid ``?lang=`` of this request, if any."""
    lang = (request.args.get("lang") or "").strip().lower()
    return lang if lang in LANGUAGES else None


def select_locale() -> str:
    """Flask-Babel's locale selector: ``?lang=``, then the cookie, then the default."""
    default = str(current_app.config.get("BABEL_DEFAULT_LOCALE", "id"))
    if request.blueprint not in TRANSLATED_BLUEPRINTS:
        return default
    asked = _asked()
    if asked:
        return asked
    kept = request.cookies.get(COOKIE)
    if kept in LANGUAGES:
        return kept
    return default


def current_language() -> str:
    """'id' or 'en': the language of this response (for <html lang> and cache keys)."""
    locale = get_locale()
    lang = locale.language if locale is not None else "id"
    return lang if lang in LANGUAGES else "id"


def language_url(lang: str) -> str:
    """This page in another language: the same path and arguments, with ``lang=``.

    Built from the request itself rather than ``url_for``: a visitor's arguments
    must stay arguments (``url_for`` would read ``_external`` or ``endpoint`` as its own).
    """
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", lang))
    return f"{quote(request.script_root + request.path)}?{urlencode(args)}"


def _remember(response: Response) -> Response:
    """A ``?lang=`` choice is kept in a cookie, so every later page speaks it too."""
    asked = _asked()
    if asked and request.cookies.get(COOKIE) != asked:
        response.set_cookie(
            COOKIE,
            asked,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response


# Pantau's own catalogues (the portal's messages, WTForms' Indonesian).
TRANSLATIONS_DIR = Path(__file__).parent / "translations"


@cache
def wtforms_translations(lang: str) -> support.NullTranslations:
    """WTForms' messages in ``lang``: Pantau's catalogue first, else WTForms' own."""
    ours = support.Translations.load(str(TRANSLATIONS_DIR), [lang], domain="wtforms")
    if isinstance(ours, support.Translations):
        return ours
    return support.Translations.load(messages_path(), [lang], domain="wtforms")


def _form_messages() -> None:
    """Flask-WTF reads the request's WTForms translations here (flask_wtf.i18n)."""
    request.wtforms_translations = wtforms_translations(current_language())  # type: ignore[attr-defined]


def register_i18n(app: Flask) -> None:
    from .extensions import babel

    babel.init_app(app, locale_selector=select_locale)
    app.after_request(_remember)
    app.before_request(_form_messages)
    app.jinja_env.globals.update(
        page_lang=current_language, languages=LANGUAGES, language_url=language_url
    )
