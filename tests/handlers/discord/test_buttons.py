"""Track buttons: a press answers with five similar tracks; other users and old buttons are refused."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from handlers.discord_parts.buttons import EXPIRED, NOT_YOURS, ButtonKey
from handlers.discord_parts.client import HappyClient
from tests.handlers.discord.conftest import feed
from tests.handlers.discord.fake_api import FakeDiscord, Recorded
from tests.handlers.discord.interactions import (
    EPHEMERAL,
    MINA,
    answered,
    callbacks,
    command,
    custom_ids,
    followups,
    press,
)

UPDATE_MESSAGE = 7


async def _suggested(bot: HappyClient, fake: FakeDiscord) -> dict[str, object]:
    """Ask for tracks in a DM; the message the fake API returned (buttons included)."""
    inter = command("recommend", dm=True, emotion="joy")
    feed(bot, inter)
    await answered(fake, inter["id"])
    (message,) = [m for m in fake.messages.values() if m["components"]]
    return message


def _last_followup(reqs: list[Recorded], interaction_id: str) -> Recorded:
    return followups(reqs, interaction_id)[-1]


async def test_pressing_a_track_answers_with_five_similar_tracks(bot: HappyClient, fake: FakeDiscord) -> None:
    message = await _suggested(bot, fake)
    pick = custom_ids(message)[0]
    key = ButtonKey.parse(pick)
    assert key is not None and key.act == "p" and str(key.owner_id) == MINA

    inter = press(message, pick)
    feed(bot, inter)
    reqs = await answered(fake, inter["id"])
    assert callbacks(reqs, inter["id"])[0].json["type"] == 5  # deferred within the 3 s window
    body = _last_followup(reqs, inter["id"]).json
    assert body["embeds"][0]["title"].startswith("Five tracks like “")
    similar = [ButtonKey.parse(i) for i in custom_ids(body)]
    picks = [k.track_id for k in similar if k is not None and k.act == "p"]
    assert len(picks) == 5 and key.track_id not in picks


async def test_a_press_by_someone_else_is_refused_politely(bot: HappyClient, fake: FakeDiscord) -> None:
    message = await _suggested(bot, fake)
    inter = press(message, custom_ids(message)[0], user_id="1500000000000000777")
    feed(bot, inter)
    reqs = await fake.wait_for(lambda rs: bool(callbacks(rs, inter["id"])))
    (callback,) = callbacks(reqs, inter["id"])
    assert callback.json["type"] == 4
    assert callback.json["data"]["content"] == NOT_YOURS
    assert callback.json["data"]["flags"] & EPHEMERAL
    assert not followups(fake.recorded(), inter["id"])


async def test_like_button_records_feedback_ephemerally(bot: HappyClient, fake: FakeDiscord) -> None:
    message = await _suggested(bot, fake)
    like = next(i for i in custom_ids(message) if i.startswith("ht:l:"))
    inter = press(message, like)
    feed(bot, inter)
    reqs = await answered(fake, inter["id"])
    body = _last_followup(reqs, inter["id"]).json
    assert body["content"].startswith("👍 Noted") and body["flags"] & EPHEMERAL
    liked, _ = bot.core.store.feedback(f"discord:{MINA}")
    assert ButtonKey.parse(like).track_id in liked  # type: ignore[union-attr]


async def test_buttons_survive_a_restart(
    bot: HappyClient, fake: FakeDiscord, make_bot: Callable[..., Awaitable[HappyClient]]
) -> None:
    message = await _suggested(bot, fake)
    await bot.close()
    fresh = await make_bot()  # a new client and core over the same database file
    inter = press(message, custom_ids(message)[1])
    feed(fresh, inter)
    reqs = await answered(fake, inter["id"])
    assert _last_followup(reqs, inter["id"]).json["embeds"][0]["title"].startswith("Five tracks like")


async def test_old_buttons_expire_cleanly(bot: HappyClient, fake: FakeDiscord) -> None:
    message = await _suggested(bot, fake)
    key = ButtonKey.parse(custom_ids(message)[0])
    assert key is not None
    old = ButtonKey(key.act, key.owner_id, int(time.time()) - 2 * 86400, key.track_id)
    inter = press(message, old.custom_id)
    inter["message"]["components"][0]["components"][0]["custom_id"] = old.custom_id
    feed(bot, inter)
    reqs = await answered(fake, inter["id"])
    (callback,) = callbacks(reqs, inter["id"])
    assert callback.json["type"] == UPDATE_MESSAGE and callback.json["data"]["components"] == []
    body = _last_followup(reqs, inter["id"]).json
    assert body["content"] == EXPIRED and body["flags"] & EPHEMERAL


def _is_mp3(data: bytes) -> bool:
    return data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


async def test_play_button_attaches_a_clip_of_its_track(bot: HappyClient, fake: FakeDiscord) -> None:
    message = await _suggested(bot, fake)
    play = next(i for i in custom_ids(message) if i.startswith("ht:a:"))
    key = ButtonKey.parse(play)
    assert key is not None and key.act == "a"
    buttons = [b for row in message["components"] for b in row["components"]]
    assert next(b for b in buttons if b["custom_id"] == play)["label"] == "▶ 1"

    inter = press(message, play)
    feed(bot, inter)
    reqs = await answered(fake, inter["id"])
    assert callbacks(reqs, inter["id"])[0].json["type"] == 5  # deferred: cutting a clip takes a moment
    follow = _last_followup(reqs, inter["id"])
    ((_field, filename, data),) = follow.files
    assert filename == f"{key.track_id}.mp3" and _is_mp3(data)
    assert follow.json["content"].startswith("🎵 ") and not follow.json.get("flags", 0) & EPHEMERAL
