"""Voice replies: a real voice message (flag 8192, duration, waveform), or the OGG where not allowed."""

from __future__ import annotations

import base64

from handlers.discord_parts.client import HappyClient
from handlers.discord_parts.voice import VOICE_FLAG, VoiceFile, encode_waveform
from tests.handlers.discord.conftest import feed
from tests.handlers.discord.fake_api import FakeDiscord, Recorded
from tests.handlers.discord.interactions import GUILD_CHANNEL, answered, command, followups


def _channel_posts(reqs: list[Recorded]) -> list[Recorded]:
    return [r for r in reqs if r.method == "POST" and r.path == f"/channels/{GUILD_CHANNEL}/messages"]


async def _voice_mode(bot: HappyClient, fake: FakeDiscord) -> None:
    inter = command("voice", mode="voice")
    feed(bot, inter)
    await answered(fake, inter["id"])


async def test_chat_in_voice_mode_sends_a_real_voice_message(bot: HappyClient, fake: FakeDiscord) -> None:
    await _voice_mode(bot, fake)
    inter = command("chat", text="I miss my friends so much tonight.")
    feed(bot, inter)
    reqs = await fake.wait_for(lambda rs: bool(_channel_posts(rs)))
    (post,) = _channel_posts(reqs)
    assert VOICE_FLAG.value == 8192
    assert post.json["flags"] == 8192
    assert "content" not in post.json or not post.json["content"]
    (attachment,) = post.json["attachments"]
    assert attachment["id"] == 0 and attachment["filename"].endswith(".ogg")
    assert attachment["duration_secs"] > 0
    waveform = base64.b64decode(attachment["waveform"])
    assert 0 < len(waveform) <= 256
    ((field, _name, ogg),) = post.files
    assert field == "files[0]" and ogg[:4] == b"OggS"
    (follow,) = followups(reqs, inter["id"])  # the text part (mood, tracks) still answers the command
    assert follow.json["embeds"] and follow.json["content"].startswith("-# mood: ")


async def test_where_voice_messages_are_refused_the_ogg_is_attached(
    bot: HappyClient, fake: FakeDiscord
) -> None:
    await _voice_mode(bot, fake)
    fake.forbidden_channels.add(GUILD_CHANNEL)
    inter = command("chat", text="What a wonderful sunny day!")
    feed(bot, inter)
    reqs = await answered(fake, inter["id"], n_followups=2)
    assert _channel_posts(reqs)  # tried, refused with 403
    audio = followups(reqs, inter["id"])[1]
    ((field, name, ogg),) = audio.files
    assert field == "files[0]" and name == "voice-reply.ogg" and ogg[:4] == b"OggS"


def test_voice_file_declares_duration_and_a_clamped_waveform_of_at_most_256_bytes() -> None:
    samples = tuple(range(-10, 290))  # 300 values, some out of 0..255
    payload = VoiceFile(b"OggS....", 3.14159, samples).to_dict(0)
    assert payload["filename"] == "voice-message.ogg" and payload["duration_secs"] == 3.14
    raw = base64.b64decode(payload["waveform"])
    assert len(raw) == 256 and raw[0] == 0 and max(raw) == 245
    assert encode_waveform(()) == ""
