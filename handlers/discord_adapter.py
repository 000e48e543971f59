"""The Discord adapter: slash commands and track buttons over the shared dialogue core."""

from __future__ import annotations

import asyncio
import logging

import discord

from bot.core import DialogueCore
from config import Settings
from handlers.base import AdapterConfigError
from handlers.discord_parts.buttons import TrackButton, refuse_unknown_press
from handlers.discord_parts.client import HappyClient, ShardedHappyClient
from handlers.discord_parts.commands import build_tree
from handlers.discord_parts.delivery import answer_press
from handlers.discord_parts.listening import on_voice_message
from handlers.discord_parts.sync import sync_commands

log = logging.getLogger(__name__)


def make_client(core: DialogueCore, settings: Settings) -> HappyClient:
    """A client (auto-sharded when ``settings.discord.sharded``) with its commands and buttons."""
    cls = ShardedHappyClient if settings.discord.sharded else HappyClient
    client = cls(core, settings)
    client.tree = build_tree(client)
    client.answer_press = answer_press
    client.refuse_unknown_press = refuse_unknown_press
    client.on_voice_message = on_voice_message
    client.add_dynamic_items(TrackButton)
    return client


class DiscordAdapter:
    """Logs in, syncs to the development guild if one is set, and serves until ``stop``."""

    name = "discord"

    def __init__(self, core: DialogueCore, settings: Settings) -> None:
        if settings.discord.token is None:
            raise ValueError("the Discord adapter needs HAPPYTALK_DISCORD_TOKEN")
        self.core = core
        self.settings = settings
        self.client = make_client(core, settings)

    def __repr__(self) -> str:
        return f"<DiscordAdapter sharded={self.settings.discord.sharded}>"

    def is_up(self) -> bool:
        return self.client.connected and not self.client.is_closed()

    async def serve(self, stop: asyncio.Event) -> None:
        try:
            await self._serve(stop)
        except discord.LoginFailure:
            raise AdapterConfigError(
                "Discord refused the token (HAPPYTALK_DISCORD_TOKEN): reset it on the Bot tab "
                "of the developer portal and copy it again"
            ) from None
        except discord.PrivilegedIntentsRequired:
            raise AdapterConfigError("Discord requires an intent this bot does not ask for") from None

    async def _serve(self, stop: asyncio.Event) -> None:
        token = self.settings.discord.token
        assert token is not None  # checked in __init__
        if self.client.is_closed():  # an earlier run ended: a closed client can't log in again
            self.client = make_client(self.core, self.settings)
        client = self.client
        async with client:
            await client.login(token.get_secret_value())
            guild_id = self.settings.discord.dev_guild_id
            if guild_id is not None:
                names = await sync_commands(client.tree, guild_id)
                log.info("synced %d commands to the development guild", len(names))
            gateway = asyncio.create_task(client.connect(reconnect=True), name="discord-gateway")
            stopper = asyncio.create_task(stop.wait(), name="discord-stop")
            done, _ = await asyncio.wait({gateway, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            await client.close()
            if gateway in done:
                gateway.result()  # a fatal gateway error (bad token, disallowed intents) ends the run
            else:
                await asyncio.gather(gateway, return_exceptions=True)
        log.info("discord adapter stopped")
