"""domain.history names every kind of history row, in every language it is shown in."""

from __future__ import annotations

import re
import string

import pytest

from dashboard.domain import events as ev
from dashboard.domain import history as vocabulary
from dashboard.domain import kpis, open311
from dashboard.domain import workflow as wf


def _event_classes(cls: type[ev.TicketEvent] = ev.TicketEvent) -> list[type[ev.TicketEvent]]:
    out = []
    for sub in cls.__subclasses__():
        if "kind" in vars(sub):  # ValidationDecision is a base, not a kind of its own
            out.append(sub)
        out.extend(_event_classes(sub))
    return out


EVENT_CLASSES = _event_classes()
CODES = {*vocabulary.EVENTS, *vocabulary.ESCALATION_LEVELS, *vocabulary.NOTE_KINDS}


def _fields(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def test_every_event_class_is_found() -> None:
    assert len(EVENT_CLASSES) == 15
    assert len({cls.kind for cls in EVENT_CLASSES}) == len(EVENT_CLASSES)


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda c: c.kind)
def test_every_event_class_has_words_for_staff_and_the_board(cls: type[ev.TicketEvent]) -> None:
    words = vocabulary.EVENTS[cls.kind]
    assert words.staff and words.ticker and words.tone and words.glyph


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda c: c.kind)
def test_what_citizens_see_is_written_in_every_language(cls: type[ev.TicketEvent]) -> None:
    citizen = vocabulary.EVENTS[cls.kind].citizen
    if citizen is None:
        assert cls.kind in ("escalated", "note")  # internal: never on a public page
        return
    assert "" in citizen.id
    assert set(citizen.id) == set(citizen.en)
    for variant, sentence in citizen.id.items():
        assert sentence and citizen.en[variant]
        # Both languages name the same things, and a fallback names them in both.
        assert _fields(sentence) == _fields(citizen.en[variant])
    for fallback in citizen.fallback.values():
        assert len(fallback) == len(vocabulary.LANGUAGES) and all(fallback)


def test_every_escalation_level_and_note_kind_has_a_name() -> None:
    assert set(vocabulary.ESCALATION_LEVELS) == set(wf.ESCALATION_LEVELS)
    assert set(vocabulary.ESCALATION_LEVELS) == set(kpis.ESCALATION_LEVELS)
    assert set(vocabulary.NOTE_KINDS) == set(wf.NOTE_KINDS)
    for level in vocabulary.ESCALATION_LEVELS:
        words = vocabulary.words("escalated", {"level": level})
        assert words.staff == vocabulary.ESCALATION_LEVELS[level].name
        assert words.citizen is None


def test_every_kind_open311_reports_as_a_status_change_is_one_citizens_see() -> None:
    for kind in open311.STATUS_EVENT_KINDS:
        assert vocabulary.EVENTS[kind].citizen_sees


def test_no_word_is_a_code() -> None:
    texts = [
        text
        for words in [
            *vocabulary.EVENTS.values(),
            *vocabulary.NOTE_KINDS.values(),
            vocabulary.UNKNOWN,
        ]
        for text in (
            words.staff,
            words.ticker,
            *(words.citizen.id.values() if words.citizen else ()),
        )
    ]
    texts += [
        text
        for level in vocabulary.ESCALATION_LEVELS.values()
        for text in (level.name, level.marker, level.ticker)
    ]
    texts += vocabulary.board_words().values()
    for text in texts:
        assert not any(code in text.split() for code in CODES), text
    # English shares words with the codes ("received"); codes with "_" or a digit it does not.
    english = [s for w in vocabulary.EVENTS.values() if w.citizen for s in w.citizen.en.values()]
    for text in texts + english:
        words = re.sub(r"\{\w+\}", "", text)  # a placeholder is not shown
        assert "_" not in words and not re.search(r"[a-z]\d", words), text


def test_escalation_levels_are_named_by_the_sla_thresholds() -> None:
    assert "24 jam" in vocabulary.ESCALATION_LEVELS["level1"].name
    assert "48 jam" in vocabulary.ESCALATION_LEVELS["level2"].ticker


def test_a_row_no_table_knows_is_never_shown_by_its_code() -> None:
    assert vocabulary.staff_label("something_new") == vocabulary.UNKNOWN.staff
    assert vocabulary.staff_label("escalated", {"level": "level9"}) == "Eskalasi"
    assert vocabulary.staff_label("note", {"note_kind": "odd"}) == "Catatan"


def test_the_ticker_gives_the_rating_when_the_row_has_one() -> None:
    assert vocabulary.ticker("rated", {"rating": 4})[0] == "Dinilai pelapor: 4/5"
    assert vocabulary.ticker("rated", {"rating": None})[0] == "Dinilai pelapor"
    assert vocabulary.ticker("note", {"note_kind": "warning"}) == (
        "Teguran MRO ke unit",
        "late",
        "!",
    )


def test_a_citizen_sentence_fills_what_is_unknown_with_its_fallback() -> None:
    citizen = vocabulary.EVENTS["work_started"].citizen
    assert citizen is not None
    assert citizen.text("id", unit=None) == "Unit mulai mengerjakan laporan."
    assert citizen.text("en", unit="Kelurahan Utan Kayu Utara") == (
        "Kelurahan Utan Kayu Utara started work on the report."
    )
    received = vocabulary.EVENTS["received"].citizen
    assert received is not None
    assert received.text("id", "unrouted", channel=None, unit=None) == (
        "Laporan diterima melalui kanal pengaduan. Menunggu diarahkan ke unit yang tepat."
    )


def test_review_reasons_are_given_in_both_languages() -> None:
    assert vocabulary.review_reason("sample") == "terpilih dalam sampel pemeriksaan mingguan"
    assert vocabulary.review_reason("sample", "en") == "picked in the weekly sample check"
    assert vocabulary.review_reason(None) == "pemeriksaan ulang"
