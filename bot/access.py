"""Who may use the bot, who is an admin, and how fast each user may send."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable

from bot.types import UserRef


def _matches(user: UserRef, entries: frozenset[str]) -> bool:
    return user.key in entries or user.user_id in entries


class AccessPolicy:
    """Allow-list (empty: everyone) and admin ids; entries are ``platform:id`` or bare ids."""

    def __init__(self, allowed: Iterable[str], admins: Iterable[str]) -> None:
        self._allowed = frozenset(str(a).strip() for a in allowed if str(a).strip())
        self._admins = frozenset(str(a).strip() for a in admins if str(a).strip())

    def allowed(self, user: UserRef) -> bool:
        return not self._allowed or _matches(user, self._allowed) or self.is_admin(user)

    def is_admin(self, user: UserRef) -> bool:
        return _matches(user, self._admins)


class RateLimiter:
    """Sliding-window limit of ``limit`` events per ``window_s`` seconds per key."""

    def __init__(self, limit: int, window_s: float, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window_s = window_s
        self._max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= self._max_keys:
                self._evict(now)
            hits = self._hits[key] = deque()
        while hits and now - hits[0] >= self.window_s:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def _evict(self, now: float) -> None:
        stale = [k for k, h in self._hits.items() if not h or now - h[-1] >= self.window_s]
        for k in stale:
            del self._hits[k]
