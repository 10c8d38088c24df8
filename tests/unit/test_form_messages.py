"""WTForms ships no Indonesian: Pantau's catalogue translates every message it has."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from wtforms.i18n import messages_path

from dashboard.i18n import TRANSLATIONS_DIR, wtforms_translations

OURS = TRANSLATIONS_DIR / "id" / "LC_MESSAGES"


def test_every_wtforms_message_has_an_indonesian_translation_and_the_mo_matches() -> None:
    with open(Path(messages_path()) / "wtforms.pot", "rb") as f:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    with open(OURS / "wtforms.po", "rb") as f:
        po = {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in read_po(f) if m.id}
    with open(OURS / "wtforms.mo", "rb") as f:
        mo = {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in read_mo(f) if m.id}
    assert wanted <= set(po)
    assert all(po[k] for k in wanted)
    assert {k: tuple(v) if isinstance(v, list | tuple) else v for k, v in mo.items()} == {
        k: tuple(v) if isinstance(v, list | tuple) else v for k, v in po.items()
    }


def test_the_request_gets_indonesian_or_wtforms_own_english() -> None:
    assert (
        wtforms_translations("id").ugettext("This field is required.") == "Isian ini wajib diisi."
    )
    assert wtforms_translations("en").ugettext("Not a valid integer value.") == (
        "Not a valid integer value."
    )
