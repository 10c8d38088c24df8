"""The portal's TTL cache: fresh values kept, one computation per key at a time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import time_machine

from dashboard.cache import TTLCache

T = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)


def test_a_value_is_kept_for_its_ttl_and_computed_again_after() -> None:
    cache: TTLCache[int] = TTLCache(60)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    with time_machine.travel(T, tick=False) as traveller:
        assert cache.get_or_set("k", compute) == 1
        traveller.shift(timedelta(seconds=59))
        assert cache.get_or_set("k", compute) == 1
        traveller.shift(timedelta(seconds=1))
        assert cache.get_or_set("k", compute) == 2
        assert cache.get_or_set("other", compute) == 3
    assert (cache.hits, cache.misses) == (1, 3)


def test_while_one_request_refreshes_an_expired_value_the_others_get_the_previous_one() -> None:
    cache: TTLCache[str] = TTLCache(60)
    seen_during_refresh: list[str] = []

    def refresh() -> str:
        # Another request arriving now (same process) must not start a second
        # computation: it is answered with the value being replaced.
        seen_during_refresh.append(cache.get_or_set("k", lambda: "a second computation"))
        return "new"

    with time_machine.travel(T, tick=False) as traveller:
        cache.get_or_set("k", lambda: "old")
        traveller.shift(timedelta(seconds=61))
        assert cache.get_or_set("k", refresh) == "new"
        assert cache.get_or_set("k", lambda: "unused") == "new"
    assert seen_during_refresh == ["old"]
    assert cache.stale == 1


def test_the_first_value_is_computed_once_however_many_ask_for_it() -> None:
    cache: TTLCache[str] = TTLCache(60)
    started, release = threading.Event(), threading.Event()
    computed: list[str] = []
    answers: dict[str, str] = {}

    def slow() -> str:
        computed.append("slow")
        started.set()
        assert release.wait(10)
        return "first"

    def ask(name: str, compute) -> None:  # noqa: ANN001
        answers[name] = cache.get_or_set("k", compute)

    first = threading.Thread(target=ask, args=("first", slow))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=ask, args=("second", lambda: computed.append("x") or "x"))
    second.start()
    # Without one computation per key the second request would compute and finish
    # at once; it waits for the first one's value instead.
    second.join(0.5)
    assert second.is_alive()
    release.set()
    first.join(10)
    second.join(10)
    assert answers == {"first": "first", "second": "first"}
    assert computed == ["slow"]
