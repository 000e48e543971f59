"""Voice messages in: ``/listen audio:`` (any server or DM) and voice-message or audio attachments
sent to the bot (DMs; server channels too with ``discord.message_content``)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import discord

from bot.commands import CommandSpec
from bot.types import Event, Reply, UserMessage
from handlers.discord_parts.client import DISCORD, HappyClient, client_of, guild_allowed, message_of
from handlers.discord_parts.delivery import answer, message_parts
from handlers.discord_parts.voice import send_voice_message

log = logging.getLogger(__name__)

AUDIO_TYPES = ("audio/", "video/ogg", "video/webm", "video/mp4")
NOT_AUDIO = "Attach a voice message or an audio file (OGG, MP3, M4A, WAV, WebM) for me to listen to."


def is_audio(attachment: discord.Attachment) -> bool:
    """A voice message (flag 8192 on its message, an OGG with a waveform) or an audio file."""
    kind = (attachment.content_type or "").split(";")[0].strip().lower()
    return attachment.is_voice_message() or kind.startswith(AUDIO_TYPES)


async def hear(client: HappyClient, msg: UserMessage, attachment: discord.Attachment) -> list[Event]:
    """Refuse by declared length and size, else download the attachment and let the core listen."""
    refusal = client.core.voice_refusal(attachment.duration, attachment.size)
    if refusal:
        return refusal
    try:
        audio = await attachment.read()
    except discord.HTTPException as exc:
        log.warning("could not download an attachment (HTTP %s)", exc.status)
        return [Reply("I couldn't fetch that recording from Discord — please try again.", kind="error")]
    return await client.core.listen(msg, audio)


def listen_callback(spec: CommandSpec) -> Callable[..., Coroutine[Any, Any, None]]:
    """``/listen audio:``: the attachment heard and answered like a message."""

    async def listen(interaction: discord.Interaction[Any], audio: discord.Attachment) -> None:
        client = client_of(interaction)
        msg = message_of(interaction, "")

        async def call() -> list[Event]:
            if not is_audio(audio):
                return [Reply(NOT_AUDIO, kind="error")]
            return await hear(client, msg, audio)

        await answer(interaction, call, ephemeral=spec.private)

    return listen


async def on_voice_message(client: HappyClient, message: discord.Message) -> None:
    """A message with a voice-message or audio attachment, in a DM (or a server channel when the
    Message Content intent is on): answered in the same channel, replying to it."""
    if message.author.bot or not message.attachments:
        return
    guild_id = message.guild.id if message.guild is not None else None
    if guild_id is not None and (
        not client.settings.discord.message_content or not guild_allowed(client.settings, guild_id)
    ):
        return
    attachment = next((a for a in message.attachments if is_audio(a)), None)
    if attachment is None:
        return
    msg = DISCORD.message(message.author.id, message.channel.id, "", message_id=message.id)
    async with message.channel.typing():
        events = await hear(client, msg, attachment)
    await send_to_channel(message, events)


async def send_to_channel(message: discord.Message, events: list[Event]) -> None:
    """The events as one reply to ``message`` (text, embeds, buttons, files), then voice messages."""
    content, kwargs, voice = message_parts(events, message.author.id)
    if content or kwargs:
        await message.reply(content or None, mention_author=False, **kwargs)
    for note in voice:
        try:
            await send_voice_message(message._state.http, message.channel.id, note)
        except discord.HTTPException as exc:
            log.info("voice message refused (HTTP %s); attaching the OGG", exc.status)
            await message.channel.send(file=discord.File(io.BytesIO(note.ogg), filename="voice-reply.ogg"))
