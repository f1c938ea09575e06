"""A small thread-safe least-recently-used cache for what one worker process keeps encoded."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Generic, TypeVar

Value = TypeVar("Value")


class LruCache(Generic[Value]):
    """At most ``maxsize`` entries, the least recently used dropped first; with ``max_age_s``,
    an entry older than that is treated as absent (for values that read other rows, whose
    changes the key does not carry)."""

    _every: list[LruCache] = []

    def __init__(self, maxsize: int, *, max_age_s: float | None = None) -> None:
        self.maxsize = maxsize
        self.max_age_s = max_age_s
        self._entries: OrderedDict[tuple, tuple[float, Value]] = OrderedDict()
        self._lock = threading.Lock()
        LruCache._every.append(self)

    @classmethod
    def clear_all(cls) -> None:
        """Empty every cache of the process (tests: rows of a rolled-back test may come back
        under the same ids)."""
        for one in cls._every:
            with one._lock:
                one._entries.clear()

    def get(self, key: tuple) -> Value | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            made_at, value = entry
            if self.max_age_s is not None and time.monotonic() - made_at > self.max_age_s:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: tuple, value: Value) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), value)
            self._entries.move_to_end(key)
            if len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
