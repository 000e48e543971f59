"""What every platform adapter provides (opsdroid-style: connect, listen, send, disconnect)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from bot.commands import Platform
from bot.types import UserMessage, UserRef


class AdapterConfigError(Exception):
    """The adapter cannot run with these settings (a refused token, a taken port): retrying won't
    help. The message names the setting and what to do, never a secret's value."""


class Adapter(Protocol):
    """A platform adapter: translates updates into core calls and renders events back."""

    name: str

    async def serve(self, stop: asyncio.Event) -> None:
        """Connect, handle updates until ``stop`` is set, then disconnect cleanly. Raises
        :class:`AdapterConfigError` when the settings can't work; any other error may pass."""

    def is_up(self) -> bool:
        """Whether the adapter is connected and taking updates now."""


@dataclass(frozen=True, slots=True)
class PlatformUsers:
    """Users and messages of one platform: its name is written here once per adapter."""

    platform: Platform

    def user(self, user_id: int | str) -> UserRef:
        return UserRef(self.platform, str(user_id))

    def message(
        self, user_id: int | str, chat_id: int | str, text: str, message_id: int | str | None = None
    ) -> UserMessage:
        mid = None if message_id is None else str(message_id)
        return UserMessage(self.platform, str(user_id), str(chat_id), text, message_id=mid)
