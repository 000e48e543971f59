"""What every platform adapter provides (opsdroid-style: connect, listen, send, disconnect)."""

from __future__ import annotations

import asyncio
from typing import Protocol


class Adapter(Protocol):
    """A platform adapter: translates updates into core calls and renders events back."""

    name: str

    async def serve(self, stop: asyncio.Event) -> None:
        """Connect, handle updates until ``stop`` is set, then disconnect cleanly."""
