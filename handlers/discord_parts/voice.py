"""Real Discord voice messages, which discord.py cannot send yet.

A voice message is an OGG/Opus attachment carrying ``duration_secs`` and a base64 ``waveform``
(at most 256 one-byte samples), posted to a channel with message flag 8192 and no text.
discord.py's :class:`~discord.File` omits both attachment fields and ``send()`` takes no flags,
so this module adds the two smallest pieces: a ``File`` that writes them, and a send through
the library's own HTTP client with the flag set.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import discord
from discord.http import HTTPClient, handle_message_parameters

from bot.types import VoiceNote

VOICE_FLAG = discord.MessageFlags(voice=True)  # value 8192
MAX_WAVEFORM = 256


def encode_waveform(samples: tuple[int, ...]) -> str:
    """Base64 of at most 256 samples, each clamped to 0..255."""
    return base64.b64encode(bytes(min(255, max(0, int(s))) for s in samples[:MAX_WAVEFORM])).decode()


class VoiceFile(discord.File):
    """An OGG attachment that declares itself a voice message (duration and waveform)."""

    def __init__(self, ogg: bytes, duration_s: float, waveform: tuple[int, ...]) -> None:
        super().__init__(io.BytesIO(ogg), filename="voice-message.ogg")
        self.duration_secs = max(0.0, float(duration_s))
        self.waveform = encode_waveform(waveform)

    def to_dict(self, index: int) -> dict[str, Any]:
        payload = super().to_dict(index)
        payload["duration_secs"] = round(self.duration_secs, 2)
        payload["waveform"] = self.waveform
        return payload


async def send_voice_message(http: HTTPClient, channel_id: int, note: VoiceNote) -> None:
    """Post ``note`` to ``channel_id`` as a voice message (raises ``discord.HTTPException``)."""
    voice = VoiceFile(note.ogg, note.duration_s, note.waveform)
    try:
        params = handle_message_parameters(file=voice, flags=VOICE_FLAG)
        await http.send_message(channel_id, params=params)
    finally:
        voice.close()
