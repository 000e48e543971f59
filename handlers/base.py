"""What every platform adapter provides (opsdroid-style: connect, listen, send, disconnect)."""

from __future__ import annotations

import asyncio
from typing import Protocol


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
