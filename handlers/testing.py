"""An in-process adapter for tests and benchmarks: push a message, pop the events (errbot-style)."""

from __future__ import annotations

from collections import deque

from bot.core import DialogueCore
from bot.types import Event, Tracks, UserMessage, UserRef


class TestAdapter:
    """Drives the real core as one user; every answer is queued for :meth:`pop`."""

    __test__ = False  # not a pytest class
    name = "test"

    def __init__(self, core: DialogueCore, user_id: str = "tester", platform: str = "test") -> None:
        self.core = core
        self.user = UserRef(platform, user_id)
        self._answers: deque[list[Event]] = deque()
        self._count = 0

    async def push(self, text: str) -> list[Event]:
        """Send ``text`` as this user; the answer is also queued."""
        self._count += 1
        msg = UserMessage(
            self.user.platform,
            self.user.user_id,
            f"chat-{self.user.user_id}",
            text,
            message_id=str(self._count),
        )
        return self._keep(await self.core.handle(msg))

    async def push_voice(self, audio: bytes) -> list[Event]:
        """Send ``audio`` as this user's voice message; the answer is also queued."""
        self._count += 1
        msg = UserMessage(
            self.user.platform,
            self.user.user_id,
            f"chat-{self.user.user_id}",
            "",
            message_id=str(self._count),
        )
        return self._keep(await self.core.listen(msg, audio))

    async def press_pick(self, track_id: str) -> list[Event]:
        return self._keep(await self.core.pick(self.user, track_id))

    async def press_feedback(self, track_id: str, liked: bool) -> list[Event]:
        return self._keep(await self.core.feedback(self.user, track_id, liked))

    def pop(self) -> list[Event]:
        """The oldest unread answer; raises ``IndexError`` when there is none."""
        return self._answers.popleft()

    def _keep(self, events: list[Event]) -> list[Event]:
        self._answers.append(events)
        return events


def tracks_of(events: list[Event]) -> Tracks:
    """The one :class:`Tracks` event in ``events``."""
    found = [e for e in events if isinstance(e, Tracks)]
    assert len(found) == 1, f"expected one Tracks event, got {events!r}"
    return found[0]
