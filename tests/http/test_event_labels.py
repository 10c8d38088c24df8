"""Every kind of history row, by its name: the staff timeline, the public timeline
(page and JSON) and the board ticker show domain.history's words and never an
event, level or note code. (The review page names rows by the same filter.)"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine
from flask import Flask

from dashboard.domain import history as vocabulary
from dashboard.domain.workflow import ActorKind
from dashboard.extensions import db
from dashboard.models import TicketEventRow
from dashboard.queries import tickets as ticket_reads
from tests.conftest import T0
from tests.factories import later
from tests.http.helpers import AT_UTAN_KAYU, Town, add_ticket, client_as, make_town, tracking_of

NOW = later(T0, days=3)

# Every code a history row may carry in its kind, its escalation level or its note kind.
CODES = sorted({*vocabulary.EVENTS, *vocabulary.ESCALATION_LEVELS, *vocabulary.NOTE_KINDS})


Row = tuple[str, dict[str, Any], str | None]


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _rows(town: Town) -> list[Row]:
    """(kind, data, acting user) for one row of every kind, level and note kind."""
    kel, tim = town["KEL-UTAN-KAYU-UTARA"], town["JKT-TIM"]
    due = NOW.isoformat()
    validator = "validator_tim"
    rows: list[Row] = [
        ("received", {"channel": "jaki", "assigned_unit_id": kel, "routed_by": "point"}, None),
        ("work_started", {}, "officer_a"),
        ("disposed", {"from_unit_id": kel, "to_unit_id": town["DINAS-BINA-MARGA"]}, "mro"),
        ("handed_back", {"from_unit_id": town["DINAS-BINA-MARGA"]}, "officer_bm"),
        ("coordination_requested", {"unit_ids": [tim]}, "officer_a"),
        ("ews_set", {"ews_at": due}, "officer_a"),
        ("completed", {"first_completion": True, "photo_ids": []}, "officer_a"),
        ("rated", {"rating": 2, "fixed": False, "low": True}, None),
        ("returned_for_review", {"reason": "low_rating"}, None),
        ("field_check_requested", {}, validator),
        ("verified", {"field_verified": True, "validation_due_at": due}, validator),
        ("reopened", {"redo_due_at": due, "validation_due_at": due}, validator),
        ("rejected", {"duplicate_of_id": None}, "mro"),
    ]
    rows += [
        ("escalated", {"level": level, "due_at": due}, None)
        for level in vocabulary.ESCALATION_LEVELS
    ]
    rows += [("note", {"note_kind": kind}, "mro") for kind in vocabulary.NOTE_KINDS]
    return rows


@dataclass(frozen=True)
class Story:
    ticket_id: int
    tracking: str
    rows: list[Row]


@pytest.fixture
def story(sqlite_app: Flask) -> Story:
    """A ticket whose history holds a row of every kind (written as the services write them)."""
    town = make_town(sqlite_app)
    ticket_id = add_ticket(sqlite_app, **AT_UTAN_KAYU)
    rows = _rows(town)
    with sqlite_app.app_context():
        for i, (kind, data, username) in enumerate(rows):
            user_id = town.user_ids[username] if username else None
            db.session.add(
                TicketEventRow(
                    ticket_id=ticket_id,
                    kind=kind,
                    at=T0 + timedelta(minutes=10 + i),
                    actor_kind=(ActorKind.USER if user_id else ActorKind.SYSTEM).value,
                    actor_user_id=user_id,
                    actor_label=username or "Sistem",
                    from_status=None,
                    to_status="in_progress",
                    note="",
                    data=data,
                )
            )
        db.session.commit()
    return Story(ticket_id, tracking_of(sqlite_app, ticket_id), rows)


def test_the_story_holds_every_code() -> None:
    town = Town(ids=defaultdict(int), user_ids={}, api_key="")
    held = {code for kind, data, _u in _rows(town) for code in (kind, *map(str, data.values()))}
    assert set(CODES) <= held


class _Text(HTMLParser):
    """What a reader sees: the text nodes, outside scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def codes_in(text: str) -> list[str]:
    return [code for code in CODES if re.search(rf"\b{code}\b", text)]


def test_the_staff_timeline_names_every_kind(sqlite_app: Flask, story: Story) -> None:
    page = client_as(sqlite_app, "mro").get(f"/tickets/{story.ticket_id}")
    assert page.status_code == 200
    text = visible_text(page.get_data(as_text=True))

    assert codes_in(text) == []
    for kind, data, _user in story.rows:
        assert vocabulary.staff_label(kind, data) in text


def test_the_public_timeline_names_every_kind_citizens_see(sqlite_app: Flask, story: Story) -> None:
    public = sqlite_app.test_client()
    page = public.get(f"/t/{story.tracking}")
    timeline = public.get(f"/api/v1/tickets/{story.tracking}").get_json()["timeline"]

    assert page.status_code == 200
    assert codes_in(visible_text(page.get_data(as_text=True))) == []
    assert codes_in(" ".join(item["text"] for item in timeline)) == []
    shown = {item["kind"] for item in timeline}
    assert shown == {k for k, words in vocabulary.EVENTS.items() if words.citizen_sees}


def test_the_board_ticker_names_every_kind(sqlite_app: Flask, story: Story) -> None:
    mro = client_as(sqlite_app, "mro")
    ticker = mro.get("/board/snapshot.json").get_json()["ticker"]
    labels = [item["label"] for item in ticker]

    assert len(labels) == len(story.rows) + 1  # and the intake's own row
    assert codes_in(" ".join(labels)) == []
    assert "Dinilai pelapor: 2/5" in labels
    assert vocabulary.ESCALATION_LEVELS["level2"].ticker in labels


def test_the_public_timeline_reads_the_same_story_in_english(
    sqlite_app: Flask, story: Story
) -> None:
    with sqlite_app.app_context():
        indonesian = ticket_reads.public_timeline(story.ticket_id)
        english = ticket_reads.public_timeline(story.ticket_id, lang="en")

    assert [i["kind"] for i in english] == [i["kind"] for i in indonesian]
    assert [i["unit"] for i in english] == [i["unit"] for i in indonesian]
    assert not any("_" in item["text"] or "{" in item["text"] for item in english)
    assert (
        english[0]["text"]
        == "Report received through JAKI. Passed on to Kelurahan Utan Kayu Utara."
    )
    returned = next(i["text"] for i in english if i["kind"] == "returned_for_review")
    assert returned.endswith("(the reporter's rating was low).")


def test_the_staff_timeline_names_a_channel_actor_by_the_channel_name(sqlite_app: Flask) -> None:
    """A channel's rows are stored as "Kanal <code>"; the page says the channel's name."""
    from dashboard.models import Channel

    make_town(sqlite_app)
    ticket_id = add_ticket(sqlite_app, **AT_UTAN_KAYU)
    with sqlite_app.app_context():
        channel = db.session.query(Channel).filter_by(code="jaki").one()
        name = channel.name
        db.session.add(
            TicketEventRow(
                ticket_id=ticket_id,
                kind="rated",
                at=T0 + timedelta(minutes=30),
                actor_kind=ActorKind.CHANNEL.value,
                actor_label="Kanal jaki",
                to_status="completed",
                note="",
                data={"rating": 4, "fixed": True, "low": False},
            )
        )
        db.session.commit()
    assert name != "jaki"
    text = visible_text(
        client_as(sqlite_app, "mro").get(f"/tickets/{ticket_id}").get_data(as_text=True)
    )
    assert f"Kanal {name}" in text
    assert "Kanal jaki" not in text
