"""Answer an interaction: defer at once, ask the core, send its events as follow-ups."""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.texts import SORRY
from bot.types import Event, VoiceNote
from handlers.discord_parts.buttons import ButtonKey, track_view
from handlers.discord_parts.client import DISCORD, client_of
from handlers.discord_parts.render import mood_embed, split_events, tracks_embed
from handlers.discord_parts.voice import send_voice_message

log = logging.getLogger(__name__)

__all__ = ["SORRY", "answer", "answer_press", "deliver", "message_parts", "send_voice", "tell"]


async def answer(
    interaction: discord.Interaction[Any],
    call: Callable[[], Awaitable[list[Event]]],
    *,
    ephemeral: bool,
) -> None:
    """Defer within Discord's 3-second window (``thinking``), then follow up with the events."""
    await interaction.response.defer(thinking=True, ephemeral=ephemeral)
    await deliver(interaction, await call(), ephemeral=ephemeral)


async def deliver(interaction: discord.Interaction[Any], events: list[Event], *, ephemeral: bool) -> None:
    """One follow-up with text, the tracks embed and buttons or the mood chart, and audio; then any
    voice notes."""
    content, kwargs, voice = message_parts(events, interaction.user.id, interaction.filesize_limit)
    if not content and not kwargs:
        content = "🔊" if voice else "✓"
    await interaction.followup.send(content or discord.utils.MISSING, ephemeral=ephemeral, **kwargs)
    for note in voice:
        await send_voice(interaction, note, ephemeral=ephemeral)


def message_parts(
    events: list[Event], owner_id: int, size_limit: int | None = None
) -> tuple[str, dict[str, Any], list[VoiceNote]]:
    """The text, the message keywords (``files``, ``embeds``, ``view``: only those there are) and the
    voice notes of one answer; the track buttons are ``owner_id``'s."""
    out = split_events(events, size_limit)
    kwargs: dict[str, Any] = {}
    files = out.files()
    if files:
        kwargs["files"] = files
    embeds = [mood_embed(out.chart)] if out.chart is not None else []
    if out.tracks is not None:
        embeds.append(tracks_embed(out.tracks.tracks))
        view = track_view(out.tracks, owner_id)
        if view is not None:
            kwargs["view"] = view
    if embeds:
        kwargs["embeds"] = embeds
    return out.content, kwargs, out.voice


async def send_voice(interaction: discord.Interaction[Any], note: VoiceNote, *, ephemeral: bool) -> None:
    """A real voice message in the channel; where that can't be done, the OGG as a follow-up file."""
    if not ephemeral and interaction.channel_id is not None:
        try:
            await send_voice_message(interaction.client.http, interaction.channel_id, note)
            return
        except discord.HTTPException as exc:
            log.info("voice message refused in this channel (HTTP %s); attaching the OGG", exc.status)
    ogg = discord.File(io.BytesIO(note.ogg), filename="voice-reply.ogg")
    await interaction.followup.send(file=ogg, ephemeral=ephemeral)


async def tell(interaction: discord.Interaction[Any], text: str) -> None:
    """An ephemeral note to the user, whether or not the interaction was answered already."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("could not tell the user (HTTP %s)", exc.status)


async def answer_press(interaction: discord.Interaction[Any], key: ButtonKey) -> None:
    """A track button pressed by its owner: five similar tracks, a clip, or the like or dislike noted."""
    core = client_of(interaction).core
    user, track = DISCORD.user(interaction.user.id), key.track_id
    try:
        if key.act == "p":
            await answer(interaction, lambda: core.pick(user, track), ephemeral=False)
        elif key.act == "a":
            await answer(interaction, lambda: core.play(user, track), ephemeral=False)
        else:
            liked = key.act == "l"
            await answer(interaction, lambda: core.feedback(user, track, liked), ephemeral=True)
    except Exception as exc:
        log.error("track button %s failed: %s", key.act, type(exc).__name__, exc_info=exc)
        await tell(interaction, SORRY)
