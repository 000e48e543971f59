"""``/compose`` through the real dialogue core, as every adapter (the console included) sends it."""

from __future__ import annotations

import io

import soundfile as sf

from bot.core import DialogueCore
from bot.types import AudioClip, UserMessage


async def test_compose_command_answers_with_audio_and_notes(core: DialogueCore) -> None:
    (event,) = await core.handle(UserMessage("console", "u1", "c1", "/compose sadness"))
    assert isinstance(event, AudioClip)
    assert event.filename == "melody-sadness.ogg" and event.mime == "audio/ogg"
    assert " minor" in event.title and event.caption is not None and "bpm" in event.caption
    assert sf.info(io.BytesIO(event.data)).subtype == "OPUS"


async def test_compose_rejects_unknown_moods(core: DialogueCore) -> None:
    (event,) = await core.handle(UserMessage("console", "u1", "c1", "/compose bliss"))
    assert "bliss" in event.as_text() and "sadness" in event.as_text()
