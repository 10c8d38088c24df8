"""A small in-process cache with a time to live, read through ``dashboard.clock``.

For rendered fragments that are expensive and the same for every visitor (the
portal's figures): each process keeps its own copy for a few seconds, so a
burst of public traffic costs one computation per process per TTL. Time comes
from ``clock.now()``, so tests move it instead of sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from . import clock

V = TypeVar("V")


class TTLCache(Generic[V]):
    """Values by key, each kept ``ttl_seconds`` from when it was computed."""

    def __init__(self, ttl_seconds: float, max_entries: int = 64) -> None:
        self.ttl = timedelta(seconds=ttl_seconds)
        self.max_entries = max_entries
        self._items: dict[Hashable, tuple[datetime, V]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_set(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The cached value of ``key`` while fresh, else ``compute()`` (then kept)."""
        now = clock.now()
        with self._lock:
            found = self._items.get(key)
            if found is not None and now < found[0] + self.ttl and now >= found[0]:
                self.hits += 1
                return found[1]
        # Computed outside the lock: a slow build must not hold up other keys. Two
        # requests racing on a cold key may both compute; the last one is kept.
        value = compute()
        with self._lock:
            self.misses += 1
            self._items[key] = (now, value)
            if len(self._items) > self.max_entries:
                self._evict(now)
        return value

    def _evict(self, now: datetime) -> None:
        stale = [k for k, (at, _v) in self._items.items() if now >= at + self.ttl or now < at]
        for k in stale:
            del self._items[k]
        while len(self._items) > self.max_entries:
            oldest = min(self._items, key=lambda k: self._items[k][0])
            del self._items[oldest]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
