"""Who may use the bot and who is an admin (the per-user rate limit lives in the store)."""

from __future__ import annotations

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
