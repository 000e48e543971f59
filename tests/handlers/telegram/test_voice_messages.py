"""Voice notes in: downloaded through getFile and the file URL, heard, answered with a voice note."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

from bot.core import DialogueCore
from tests.handlers.telegram.conftest import USER, with_keyboard
from tests.handlers.telegram.fake_bot_api import FakeBotAPI, payload

Start = Callable[..., Awaitable[DialogueCore]]
Speak = Callable[..., bytes]


def voice_update(fake: FakeBotAPI, data: bytes, *, kind: str = "voice", duration: int = 3) -> dict[str, Any]:
    """The recorded voice-note update, carrying ``data`` as a file the fake serves."""
    update = copy.deepcopy(payload("private_voice_note"))
    media = {**update["message"].pop("voice"), **fake.upload(data), "duration": duration}
    if kind == "video_note":
        media = {k: v for k, v in media.items() if k != "mime_type"} | {"length": 240}
    update["message"][kind] = media
    return update


async def test_a_voice_note_is_heard_and_answered_with_a_voice_note(
    fake: FakeBotAPI, start_bot: Start, speak: Speak
) -> None:
    await start_bot()
    update = await fake.push(voice_update(fake, speak("I had a terrible day at work")))
    await fake.wait_for(lambda: bool(with_keyboard(fake.sent(USER))))
    await fake.settle(0.5)
    assert fake.downloads == [fake.files[update["message"]["voice"]["file_id"]][0]]
    heard = fake.sent(USER)[0]
    assert heard.method == "sendMessage" and heard.params["text"].startswith("🎙 I heard: ")
    assert "terrible day" in heard.params["text"].lower()
    assert heard.json("reply_parameters")["message_id"] == update["message"]["message_id"]
    (voice,) = [c for c in fake.sent(USER) if c.method == "sendVoice"]  # /voice auto: spoke, so voice
    assert voice.files["voice"][2][:4] == b"OggS"
    assert not [
        c
        for c in fake.sent(USER)
        if c.method == "sendMessage" and c is not heard and "reply_markup" not in c.params
    ]
    assert {c.params["action"] for c in fake.called("sendChatAction")} == {"record_voice"}


async def test_audio_files_and_video_notes_are_heard_too(
    fake: FakeBotAPI, start_bot: Start, speak: Speak
) -> None:
    await start_bot()
    await fake.push(voice_update(fake, speak("Thank you for listening to me"), kind="audio"))
    await fake.wait_for(lambda: len(with_keyboard(fake.sent(USER))) == 1)
    await fake.push(voice_update(fake, b"\x00\x00\x00\x18ftypmp42" + bytes(500), kind="video_note"))
    await fake.wait_for(lambda: "couldn't play that recording" in fake.sent(USER)[-1].params.get("text", ""))
    assert len(fake.downloads) == 2


async def test_too_long_voice_notes_are_refused_without_downloading(
    fake: FakeBotAPI, start_bot: Start
) -> None:
    await start_bot()
    await fake.push(voice_update(fake, b"OggS" + bytes(100), duration=600))
    await fake.wait_for(lambda: bool(fake.sent(USER)))
    assert fake.sent(USER)[0].params["text"] == "Voice notes up to 2 minutes, please."
    assert not fake.called("getFile") and not fake.downloads
