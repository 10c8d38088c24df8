"""A small in-process cache with a time to live, read through ``dashboard.clock``.

For rendered fragments that are expensive and the same for every visitor (the
portal's figures): each process keeps its own copy for a few seconds, so a
burst of public traffic costs one computation per process per TTL. Time comes
from ``clock.now()``, so tests move it instead of sleeping.

One computation per key at a time: when a value expires under load, the first
request recomputes it while the others are served the previous value; when
there is no value yet, the others wait for the first one's instead of each
computing their own (a second of database work times every visitor at once
would be the outage the cache is there to prevent).
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
        self._computing: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0
        self.stale = 0  # served the previous value while another request recomputed

    def _fresh(self, found: tuple[datetime, V] | None, now: datetime) -> bool:
        return found is not None and found[0] <= now < found[0] + self.ttl

    def get_or_set(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The cached value of ``key`` while fresh, else ``compute()`` (then kept)."""
        now = clock.now()
        with self._lock:
            found = self._items.get(key)
            if self._fresh(found, now):
                self.hits += 1
                return found[1]  # type: ignore[index]
            computing = self._computing.setdefault(key, threading.Lock())
        if found is not None:
            if not computing.acquire(blocking=False):
                with self._lock:
                    self.stale += 1
                return found[1]  # another request is refreshing it
        else:
            computing.acquire()  # the first value: wait for whoever is computing it
            with self._lock:
                found = self._items.get(key)
                if self._fresh(found, now):
                    computing.release()
                    self.hits += 1
                    return found[1]  # type: ignore[index]
        try:
            value = compute()
            with self._lock:
                self.misses += 1
                self._items[key] = (now, value)
                if len(self._items) > self.max_entries:
                    self._evict(now)
        finally:
            computing.release()
        return value

    def _evict(self, now: datetime) -> None:
        stale = [k for k, found in self._items.items() if not self._fresh(found, now)]
        for k in stale:
            del self._items[k]
        while len(self._items) > self.max_entries:
            oldest = min(self._items, key=lambda k: self._items[k][0])
            del self._items[oldest]
        for k in [k for k in self._computing if k not in self._items]:
            lock = self._computing[k]
            if lock.acquire(blocking=False):  # nobody computing it: forget the lock
                del self._computing[k]
                lock.release()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
