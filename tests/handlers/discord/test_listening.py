"""Voice messages in: /listen with an attachment, and voice messages (flag 8192) sent in a DM."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handlers.discord_parts.client import HappyClient, intents
from tests.handlers.discord.conftest import feed
from tests.handlers.discord.fake_api import FakeDiscord, Recorded
from tests.handlers.discord.interactions import (
    DM_CHANNEL,
    GUILD_CHANNEL,
    MINA,
    answered,
    command,
    followups,
)

Speak = Callable[..., bytes]


def listen(fake: FakeDiscord, attachment: dict[str, Any]) -> dict[str, Any]:
    """``/listen audio:`` as Discord sends it: the option holds the id, ``resolved`` the attachment."""
    inter = command("listen")
    inter["data"]["options"] = [{"name": "audio", "type": 11, "value": attachment["id"]}]
    inter["data"]["resolved"] = {"attachments": {attachment["id"]: attachment}}
    return inter


def posts(reqs: list[Recorded], channel: str) -> list[Recorded]:
    return [r for r in reqs if r.method == "POST" and r.path == f"/channels/{channel}/messages"]


async def test_listen_hears_an_attachment_and_answers_with_a_voice_message(
    bot: HappyClient, fake: FakeDiscord, speak: Speak
) -> None:
    note = fake.attach(speak("I am so happy today"), "note.ogg", "audio/ogg", channel_id=GUILD_CHANNEL)
    inter = listen(fake, note)
    feed(bot, inter)
    reqs = await fake.wait_for(lambda rs: bool(followups(rs, inter["id"])) and bool(posts(rs, GUILD_CHANNEL)))
    (follow,) = followups(reqs, inter["id"])
    assert "🎙 I heard: " in follow.json["content"] and "happy" in follow.json["content"].lower()
    assert follow.json["embeds"]  # the five tracks
    (voice,) = posts(reqs, GUILD_CHANNEL)
    assert voice.json["flags"] == 8192 and voice.files[0][2][:4] == b"OggS"
    assert len(fake.downloads) == 1


async def test_a_voice_message_in_a_dm_is_answered_in_the_dm(
    bot: HappyClient, fake: FakeDiscord, speak: Speak
) -> None:
    assert intents().dm_messages and not intents().message_content  # no privileged intent needed
    note = fake.attach(
        speak("I miss my family"), "voice-message.ogg", "audio/ogg", channel_id=DM_CHANNEL, voice_s=2.4
    )
    message = {
        "id": "1700000000000000001",
        "channel_id": DM_CHANNEL,
        "author": {
            "id": MINA,
            "username": "mina",
            "discriminator": "0",
            "avatar": None,
            "global_name": "Mina",
        },
        "content": "",
        "timestamp": "2026-01-01T00:00:00.000000+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [note],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 8192,
    }
    bot._connection.parse_message_create(message)  # type: ignore[arg-type]
    reqs = await fake.wait_for(lambda rs: len(posts(rs, DM_CHANNEL)) >= 2)
    reply, voice = posts(reqs, DM_CHANNEL)[:2]
    assert "🎙 I heard: " in reply.json["content"]
    assert str(reply.json["message_reference"]["message_id"]) == message["id"]
    assert voice.json["flags"] == 8192
    assert [r for r in reqs if r.path == f"/channels/{DM_CHANNEL}/typing"]


async def test_not_audio_and_too_long_get_short_answers_without_downloading(
    bot: HappyClient, fake: FakeDiscord
) -> None:
    picture = fake.attach(b"\x89PNG\r\n\x1a\n" + bytes(100), "cat.png", "image/png", channel_id=GUILD_CHANNEL)
    inter = listen(fake, picture)
    feed(bot, inter)
    (follow,) = followups(await answered(fake, inter["id"]), inter["id"])
    assert "Attach a voice message or an audio file" in follow.json["content"]
    long_note = fake.attach(
        b"OggS" + bytes(100), "long.ogg", "audio/ogg", channel_id=GUILD_CHANNEL, voice_s=600
    )
    inter = listen(fake, long_note)
    feed(bot, inter)
    (follow,) = followups(await answered(fake, inter["id"]), inter["id"])
    assert "Voice notes up to 2 minutes, please." in follow.json["content"]
    assert not fake.downloads
