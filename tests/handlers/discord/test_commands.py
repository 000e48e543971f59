"""Slash commands driven with recorded interaction payloads against the fake API and the real core."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import pytest

from bot.types import UserRef
from handlers.discord_parts.buttons import NOT_HERE
from handlers.discord_parts.client import HappyClient
from handlers.discord_parts.delivery import SORRY
from tests.handlers.discord.conftest import TOKEN, feed
from tests.handlers.discord.fake_api import FakeDiscord
from tests.handlers.discord.interactions import (
    DEFERRED,
    EPHEMERAL,
    GUILD,
    MESSAGE,
    OWNER,
    answered,
    callbacks,
    command,
    custom_ids,
    followups,
)


async def test_chat_defers_then_follows_up_with_reply_and_track_buttons(
    bot: HappyClient, fake: FakeDiscord
) -> None:
    inter = command("chat", text="I passed my exam today, I'm so happy!")
    feed(bot, inter)
    reqs = await answered(fake, inter["id"])

    (callback,) = callbacks(reqs, inter["id"])
    (follow,) = followups(reqs, inter["id"])
    assert callback.json["type"] == DEFERRED
    assert reqs.index(callback) < reqs.index(follow)
    body = follow.json
    assert body["content"].startswith("-# mood: ")
    assert len(body["content"].splitlines()) >= 2  # the mood line and the generated reply
    (embed,) = body["embeds"]
    assert embed["title"].startswith("Five ")
    assert embed["description"].count("**") == 10  # five numbered, bold titles

    rows = body["components"]
    assert [len(r["components"]) for r in rows] == [5, 5, 5, 5]  # the demo tracks all have audio
    ids = custom_ids(body)
    owner = inter["member"]["user"]["id"]
    assert all(i.startswith(("ht:p:", "ht:a:", "ht:l:", "ht:d:")) and f":{owner}:" in i for i in ids)
    assert len(set(ids)) == 20
    picks = [i.rsplit(":", 1)[1] for i in ids[:5]]
    assert all(bot.core.store.was_offered(UserRef("discord", owner).key, t) for t in picks)
    assert [b["label"] for b in rows[1]["components"]] == [f"▶ {n}" for n in range(1, 6)]
    assert [b["emoji"]["name"] for b in rows[2]["components"]] == ["👍"] * 5


async def test_recommend_in_a_dm_uses_the_chosen_emotion(bot: HappyClient, fake: FakeDiscord) -> None:
    inter = command("recommend", dm=True, emotion="sadness")
    feed(bot, inter)
    reqs = await answered(fake, inter["id"])
    (follow,) = followups(reqs, inter["id"])
    assert follow.json["embeds"][0]["title"] == "Five tracks for sadness:"
    assert len(custom_ids(follow.json)) == 20


@pytest.mark.parametrize(
    ("name", "options", "expected"),
    [
        ("voice", {"mode": "both"}, "I'll answer in text and with a voice note."),
        ("lang", {"language": "ko"}, "이제 한국어로 대답할게요."),
        ("mood", {}, "No moods yet"),
        ("help", {}, "/recommend"),
    ],
)
async def test_personal_commands_answer_ephemerally(
    bot: HappyClient, fake: FakeDiscord, name: str, options: dict[str, str], expected: str
) -> None:
    inter = command(name, **options)  # type: ignore[arg-type]
    feed(bot, inter)
    reqs = await answered(fake, inter["id"])
    (callback,) = callbacks(reqs, inter["id"])
    (follow,) = followups(reqs, inter["id"])
    assert callback.json["type"] == DEFERRED
    assert callback.json["data"]["flags"] & EPHEMERAL
    assert follow.json["flags"] & EPHEMERAL
    assert expected in follow.json["content"]


async def test_similar_before_any_suggestion_is_a_clear_error(bot: HappyClient, fake: FakeDiscord) -> None:
    inter = command("similar", number=2)
    feed(bot, inter)
    reqs = await answered(fake, inter["id"])
    (follow,) = followups(reqs, inter["id"])
    assert follow.json["content"].startswith("⚠️ I haven't suggested any tracks yet")
    assert "components" not in follow.json or not follow.json["components"]


async def test_play_attaches_a_clip_of_suggestion_n(bot: HappyClient, fake: FakeDiscord) -> None:
    asked = command("recommend", emotion="joy")
    feed(bot, asked)
    await answered(fake, asked["id"])
    offered = bot.core.store.last_offer(UserRef("discord", asked["member"]["user"]["id"]).key)

    inter = command("play", number=2)
    feed(bot, inter)
    reqs = await answered(fake, inter["id"])
    (follow,) = followups(reqs, inter["id"])
    ((field, filename, data),) = follow.files
    assert (field, filename) == ("files[0]", f"{offered[1]}.mp3")
    assert data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0)  # an MP3
    assert follow.json["content"].startswith("🎵 ") and not follow.json.get("flags", 0) & EPHEMERAL


async def test_compose_attaches_the_melody(bot: HappyClient, fake: FakeDiscord) -> None:
    inter = command("compose", emotion="joy")
    feed(bot, inter)
    reqs = await answered(fake, inter["id"])
    (follow,) = followups(reqs, inter["id"])
    if bot.core.components.composer is None:
        assert "Composing isn't available" in follow.json["content"]
        return
    ((field, filename, data),) = follow.files
    assert field == "files[0]" and filename.endswith(".ogg") and data[:4] == b"OggS"


async def test_mood_is_an_embed_with_the_chart_attached(bot: HappyClient, fake: FakeDiscord) -> None:
    chat = command("chat", text="I got the job today, I'm so happy!")
    feed(bot, chat)
    await answered(fake, chat["id"])
    inter = command("mood", period="month")
    feed(bot, inter)
    reqs = await answered(fake, inter["id"])
    (follow,) = followups(reqs, inter["id"])
    assert follow.json["flags"] & EPHEMERAL
    (embed,) = follow.json["embeds"]
    assert "month" in embed["title"] and "×1" in embed["description"]
    assert embed["image"]["url"] == "attachment://mood.png"
    ((field, filename, png),) = follow.files
    assert (field, filename) == ("files[0]", "mood.png")
    assert png.startswith(b"\x89PNG") and len(png) <= 200_000
    assert follow.json["attachments"][0]["description"] == embed["title"]  # alt text: the caption


async def test_server_not_on_the_allow_list_is_refused_politely(
    make_bot: Callable[..., Awaitable[HappyClient]], fake: FakeDiscord
) -> None:
    bot = await make_bot(discord={"allowed_guild_ids": [42]})
    inter = command("chat", text="hello")
    feed(bot, inter)
    reqs = await fake.wait_for(lambda rs: bool(callbacks(rs, inter["id"])))
    (callback,) = callbacks(reqs, inter["id"])
    assert callback.json["type"] == MESSAGE
    assert callback.json["data"]["content"] == NOT_HERE
    assert callback.json["data"]["flags"] & EPHEMERAL

    allowed = await make_bot(discord={"allowed_guild_ids": [int(GUILD)]})
    ok = command("help")
    feed(allowed, ok)
    reqs = await answered(fake, ok["id"])
    assert callbacks(reqs, ok["id"])[0].json["type"] == DEFERRED


async def test_sync_is_owner_only_and_publishes_globally(bot: HappyClient, fake: FakeDiscord) -> None:
    refused = command("sync")
    feed(bot, refused)
    reqs = await fake.wait_for(lambda rs: bool(callbacks(rs, refused["id"])))
    (callback,) = callbacks(reqs, refused["id"])
    assert callback.json["type"] == MESSAGE and callback.json["data"]["flags"] & EPHEMERAL
    assert "owner" in callback.json["data"]["content"]
    assert not fake.recorded("PUT")

    allowed = command("sync", user_id=OWNER)
    feed(bot, allowed)
    reqs = await answered(fake, allowed["id"])
    (put,) = fake.recorded("PUT")
    assert put.path == "/applications/1100000000000000002/commands"
    names = sorted(c["name"] for c in put.json)
    assert names == [
        "chat",
        "compose",
        "help",
        "lang",
        "listen",
        "mood",
        "play",
        "recommend",
        "similar",
        "sync",
        "voice",
    ]
    assert "Synced 11 commands globally" in followups(reqs, allowed["id"])[0].json["content"]


async def test_a_failing_command_is_logged_without_the_token_and_answered_ephemerally(
    bot: HappyClient, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.fail_followups = True
    inter = command("help")
    feed(bot, inter)
    reqs = await answered(fake, inter["id"], n_followups=2)
    _first, second = followups(reqs, inter["id"])
    assert second.json["content"] == SORRY and second.json["flags"] & EPHEMERAL
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("handlers.")]
    assert errors and "/help failed: HTTPException" in errors[0].getMessage()
    assert TOKEN not in caplog.text
