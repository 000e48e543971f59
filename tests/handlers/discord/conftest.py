"""Fixtures: the fake Discord API on 127.0.0.1, and a logged-in bot over the real core."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.core import DialogueCore
from handlers.discord_adapter import make_client
from handlers.discord_parts.client import HappyClient
from tests.handlers.discord.fake_api import FakeDiscord

TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.FAKE-discord.token-that-must-never-be-logged"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDiscord]:
    """The fake API; discord.py's REST base URL and default gateway point at it."""
    server = FakeDiscord(TOKEN).start()
    monkeypatch.setattr(Route, "BASE", server.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url))
    yield server
    server.stop()


@pytest.fixture
def discord_core(make_core: Callable[..., DialogueCore]) -> Callable[..., DialogueCore]:
    """A real core whose settings carry the Discord token (plus any overrides)."""

    def factory(**overrides: Any) -> DialogueCore:
        section = {"token": TOKEN, **overrides.pop("discord", {})}
        return make_core(discord=section, **overrides)

    return factory


@pytest.fixture
async def make_bot(
    fake: FakeDiscord, discord_core: Callable[..., DialogueCore]
) -> AsyncIterator[Callable[..., Awaitable[HappyClient]]]:
    """Log a client in against the fake (REST only, no gateway) over a core with overrides."""
    async with contextlib.AsyncExitStack() as stack:

        async def factory(**overrides: Any) -> HappyClient:
            core = discord_core(**overrides)
            client = await stack.enter_async_context(make_client(core, core.settings))
            await client.login(TOKEN)
            return client

        yield factory


@pytest.fixture
async def bot(make_bot: Callable[..., Awaitable[HappyClient]]) -> HappyClient:
    """A logged-in client with default settings: feed it interactions."""
    return await make_bot()


def feed(client: discord.Client, interaction: dict[str, Any]) -> None:
    """Hand ``interaction`` to the client exactly as the gateway's INTERACTION_CREATE would."""
    client._connection.parse_interaction_create(interaction)  # type: ignore[arg-type]
