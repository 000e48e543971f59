"""A thread-safe minimum gap between calls."""

from __future__ import annotations

import threading
import time


class Throttle:
    """Spaces callers of :meth:`wait` at least ``min_interval_s`` apart, in arrival order."""

    def __init__(self, min_interval_s: float) -> None:
        self._interval = max(0.0, min_interval_s)
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        """Block until this caller's slot; slots are reserved under a lock, slept outside it."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self._interval
        delay = slot - now
        if delay > 0:
            time.sleep(delay)
