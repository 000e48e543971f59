"""Answer an interaction: defer at once, ask the core, send its events as follow-ups."""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.types import Event, VoiceNote
from handlers.discord_parts.buttons import ButtonKey, track_view
from handlers.discord_parts.client import client_of, user_ref
from handlers.discord_parts.render import mood_embed, split_events, tracks_embed
from handlers.discord_parts.voice import send_voice_message

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again."


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
    out = split_events(events, interaction.filesize_limit)
    kwargs: dict[str, Any] = {"ephemeral": ephemeral, "files": out.files()}
    embeds = [mood_embed(out.chart)] if out.chart is not None else []
    if out.tracks is not None:
        embeds.append(tracks_embed(out.tracks))
        view = track_view(out.tracks, interaction.user.id)
        if view is not None:
            kwargs["view"] = view
    if embeds:
        kwargs["embeds"] = embeds
    content = out.content
    if not content and not embeds and not kwargs["files"]:
        content = "🔊" if out.voice else "✓"
    await interaction.followup.send(content or discord.utils.MISSING, **kwargs)
    for note in out.voice:
        await send_voice(interaction, note, ephemeral=ephemeral)


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
    """A track button pressed by its owner: five similar tracks, or the like or dislike noted."""
    core = client_of(interaction).core
    user, track = user_ref(interaction.user), key.track_id
    try:
        if key.act == "p":
            await answer(interaction, lambda: core.pick(user, track), ephemeral=False)
        else:
            liked = key.act == "l"
            await answer(interaction, lambda: core.feedback(user, track, liked), ephemeral=True)
    except Exception as exc:
        log.error("track button %s failed: %s", key.act, type(exc).__name__, exc_info=exc)
        await tell(interaction, SORRY)
