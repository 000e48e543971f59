"""The discord.py client that carries the shared core, sharded or not."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.core import DialogueCore
from bot.types import UserRef
from config import Settings

PLATFORM = "discord"

# happytalk never joins voice channels (voice messages are plain uploads), so discord.py's
# "PyNaCl/davey is not installed, voice will NOT be supported" start-up warnings would mislead.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def intents() -> discord.Intents:
    """Slash commands and buttons need no privileged intent; ``guilds`` keeps the cache sane."""
    return discord.Intents(guilds=True)


class HappyClient(discord.Client):
    """A client holding the one :class:`DialogueCore` every shard and handler uses."""

    tree: app_commands.CommandTree[Any]  # attached by ``handlers.discord_adapter.make_client``

    def __init__(self, core: DialogueCore, settings: Settings) -> None:
        super().__init__(intents=intents())
        self.core = core
        self.settings = settings
        self.connected = False  # the gateway is up (READY or RESUMED since the last disconnect)

    async def on_ready(self) -> None:
        self.connected = True

    async def on_resumed(self) -> None:
        self.connected = True

    async def on_disconnect(self) -> None:
        self.connected = False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} sharded={self.settings.discord.sharded}>"

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Every interaction, after discord.py dispatched it: answer presses no button takes."""
        from handlers.discord_parts.buttons import refuse_unknown_press  # buttons imports this module

        await refuse_unknown_press(interaction)


class ShardedHappyClient(HappyClient, discord.AutoShardedClient):
    """The same client over :class:`discord.AutoShardedClient` (one process, many shards)."""


def client_of(interaction: discord.Interaction[discord.Client]) -> HappyClient:
    """The happytalk client an interaction arrived on."""
    client = interaction.client
    if not isinstance(client, HappyClient):
        raise TypeError("interaction did not come through a happytalk client")
    return client


def user_ref(user: discord.abc.User) -> UserRef:
    return UserRef(PLATFORM, str(user.id))


def guild_allowed(settings: Settings, guild_id: int | None) -> bool:
    """DMs are always allowed (the core's user allow-list governs them); servers by allow-list."""
    allowed = settings.discord.allowed_guild_ids
    return guild_id is None or not allowed or guild_id in allowed
