"""The discord.py client that carries the shared core, sharded or not."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.core import DialogueCore
from bot.types import UserMessage
from config import Settings
from handlers.base import PlatformUsers

DISCORD = PlatformUsers("discord")

# happytalk never joins voice channels (voice messages are plain uploads), so discord.py's
# "PyNaCl/davey is not installed, voice will NOT be supported" start-up warnings would mislead.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def intents(message_content: bool = False) -> discord.Intents:
    """Slash commands and buttons need no privileged intent; ``guilds`` keeps the cache sane and
    ``dm_messages`` brings voice messages sent in DMs. ``message_content`` (privileged: enable it in
    the developer portal first) adds voice messages in server channels."""
    return discord.Intents(
        guilds=True, dm_messages=True, guild_messages=message_content, message_content=message_content
    )


class HappyClient(discord.Client):
    """A client holding the one :class:`DialogueCore` every shard and handler uses."""

    # attached by ``handlers.discord_adapter.make_client``, which puts the Discord parts together:
    tree: app_commands.CommandTree[Any]
    answer_press: Callable[[discord.Interaction[Any], Any], Awaitable[None]]
    """Answers a track button's press (``delivery.answer_press``): the button's key in."""
    refuse_unknown_press: Callable[[discord.Interaction[Any]], Awaitable[None]]
    """Answers a press no track button takes (``buttons.refuse_unknown_press``)."""
    on_voice_message: Callable[[HappyClient, discord.Message], Awaitable[None]]
    """Hears a voice message or audio file sent to the bot (``listening.on_voice_message``)."""

    def __init__(self, core: DialogueCore, settings: Settings) -> None:
        super().__init__(intents=intents(settings.discord.message_content))
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
        await self.refuse_unknown_press(interaction)

    async def on_message(self, message: discord.Message) -> None:
        """Voice messages and audio files sent to the bot."""
        await self.on_voice_message(self, message)


class ShardedHappyClient(HappyClient, discord.AutoShardedClient):
    """The same client over :class:`discord.AutoShardedClient` (one process, many shards)."""


def client_of(interaction: discord.Interaction[discord.Client]) -> HappyClient:
    """The happytalk client an interaction arrived on."""
    client = interaction.client
    if not isinstance(client, HappyClient):
        raise TypeError("interaction did not come through a happytalk client")
    return client


def message_of(interaction: discord.Interaction[Any], text: str) -> UserMessage:
    """A slash command's text (or ``""`` for audio) as the user's message in that channel."""
    user_id = interaction.user.id
    channel = interaction.channel_id or user_id
    return DISCORD.message(user_id, channel, text, message_id=interaction.id)


def guild_allowed(settings: Settings, guild_id: int | None) -> bool:
    """DMs are always allowed (the core's user allow-list governs them); servers by allow-list."""
    allowed = settings.discord.allowed_guild_ids
    return guild_id is None or not allowed or guild_id in allowed
