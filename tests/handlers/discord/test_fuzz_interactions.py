"""Fuzzing interaction parsing: forged button custom ids and slash-command options of any Unicode.

Raw ``INTERACTION_CREATE`` payloads (built as ``interactions.py`` builds them) go through discord.py,
the ``TrackButton`` dynamic item and the command tree to the real core, against the fake API.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import logging
import time
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from bot.texts import NOT_OFFERED
from bot.types import LANG_SETTINGS, REPLY_MODES, Event, UserMessage, UserRef
from config import EMOTIONS
from handlers.discord_parts.buttons import EXPIRED, NOT_YOURS, STALE, ButtonKey, TrackButton
from handlers.discord_parts.client import HappyClient
from handlers.discord_parts.delivery import SORRY
from tests.chat_text import UNICODE, chat_texts
from tests.handlers.discord.conftest import feed
from tests.handlers.discord.fake_api import FakeDiscord
from tests.handlers.discord.interactions import (
    DEFERRED,
    DM_CHANNEL,
    EPHEMERAL,
    GUILD_CHANNEL,
    MESSAGE,
    MINA,
    answered,
    callbacks,
    command,
    custom_ids,
    followups,
    press,
)

pytestmark = pytest.mark.resilience  # fuzzing

E2E = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
UPDATE_MESSAGE = 7
ANSWER_WITHIN_S = 15.0
texts = chat_texts(("@everyone", "<@1>"), 6000)  # Discord takes string options up to 6,000 characters
OTHER_IDS = st.integers(1, 10**20 - 1).filter(lambda n: n != int(MINA))
_users = itertools.count(1500000000000100000)


# ---------------------------------------------------------------------- custom ids, parsed alone


def _id_parts() -> st.SearchStrategy[str]:
    """``ht:<act>:<owner>:<issued>:<track>`` with each part sometimes just inside, sometimes outside."""
    return st.builds(
        lambda *parts: ":".join(parts),
        st.sampled_from(["ht", "HT", "h", "ht "]),
        st.sampled_from(["p", "l", "d", "x", "P", "pl", ""]),
        st.from_regex(r"-?[0-9]{0,22}", fullmatch=True),
        st.from_regex(r"[0-9a-zA-Z]{0,14}", fullmatch=True),
        st.text(UNICODE, max_size=70),
    )


@settings(max_examples=300, deadline=None)
@given(custom_id=st.one_of(st.text(max_size=120), _id_parts()))
def test_custom_id_parsing_agrees_with_discord_py_and_round_trips(custom_id: str) -> None:
    key = ButtonKey.parse(custom_id)
    dispatched = TrackButton.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert (key is None) == (dispatched is None), "discord.py dispatches exactly what ButtonKey parses"
    if key is None:
        return
    assert key.act in ("p", "l", "d") and 0 <= key.owner_id < 10**20 and key.issued_at >= 0
    assert 1 <= len(key.track_id) <= 64 and "\n" not in key.track_id
    assert ButtonKey.parse(key.custom_id) == key  # the canonical form means the same press


@settings(max_examples=100, deadline=None)
@given(
    act=st.sampled_from(["p", "l", "d"]),
    owner=st.integers(0, 10**20 - 1),
    issued=st.integers(0, 36**12 - 1),
    track=st.text(st.characters(codec="utf-8", exclude_characters="\n"), min_size=1, max_size=64),
)
def test_every_key_the_bot_can_make_parses_back(act: str, owner: int, issued: int, track: str) -> None:
    key = ButtonKey(act, owner, issued, track)  # type: ignore[arg-type]
    assert ButtonKey.parse(key.custom_id) == key


# ---------------------------------------------------------------------- forged presses, end to end


def _ephemeral(body: dict[str, Any] | None) -> bool:
    return bool((body or {}).get("flags", 0) & EPHEMERAL)


FORGERIES = (
    "other_user",  # a real button, pressed by someone else
    "other_owner",  # a real button rewritten for another owner
    "expired",  # a real button issued long ago
    "garbage",  # anything that is not a track button id
    "wrong_template",  # almost a track button id
    "over_long",  # longer than any id the bot makes
    "not_on_message",  # a well-formed id that the pressed message does not carry
    "never_offered",  # the presser's own, fresh id for a track never suggested to them
)


def _wrong_template(key: ButtonKey) -> st.SearchStrategy[str]:
    at = key.custom_id.split(":")[3]
    owner, track = str(key.owner_id), key.track_id
    return st.sampled_from(
        [
            key.custom_id.upper(),
            f"ht:x:{owner}:{at}:{track}",
            f"ht:{key.act}:{owner}:{at}:",
            f"ht:{key.act}:{owner}:{at}",
            f"ht:{key.act}:-{owner}:{at}:{track}",
            f"ht:{key.act}:{owner}00:{at}:{track}",
            f"ht:{key.act}:{owner}:{at.upper()}Z:{track}",
            f"ht:{key.act}:{owner}:{at}:{track}\n",
            f"{key.act}|{track}|AbCdEfGhIj",  # Telegram's callback data
            f" {key.custom_id}",
            key.custom_id.replace(":", ";"),
        ]
    ).filter(lambda custom_id: ButtonKey.parse(custom_id) is None)


@pytest.fixture
async def suggestion(bot: HappyClient, fake: FakeDiscord) -> dict[str, Any]:
    """Mina's five tracks in a DM: the message (with its 20 buttons) as the fake API returned it."""
    inter = command("recommend", dm=True, emotion="joy")
    feed(bot, inter)
    await answered(fake, inter["id"])
    (message,) = [m for m in fake.messages.values() if m["components"]]
    return message


@pytest.fixture
def acted(bot: HappyClient, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every core call a button press makes, as ``(method, track id)``."""
    calls: list[tuple[str, str]] = []
    for name in ("pick", "feedback", "play"):
        real = getattr(bot.core, name)

        async def recording(user: UserRef, track_id: str, *a: Any, _n: str = name, _r: Any = real) -> Any:
            calls.append((_n, track_id))
            return await _r(user, track_id, *a)

        monkeypatch.setattr(bot.core, name, recording)
    return calls


def _errors(records: list[logging.LogRecord]) -> list[str]:
    """Errors logged by discord.py (e.g. an exception it ignored in an event or item) or the adapter."""
    return [
        r.getMessage()
        for r in records
        if r.levelno >= logging.ERROR and r.name.startswith(("discord", "handlers"))
    ]


@E2E
@given(forgery=st.sampled_from(FORGERIES), data=st.data())
async def test_forged_presses_are_refused_clearly_and_never_acted_on(
    bot: HappyClient,
    fake: FakeDiscord,
    suggestion: dict[str, Any],
    acted: list[tuple[str, str]],
    caplog: pytest.LogCaptureFixture,
    forgery: str,
    data: st.DataObject,
) -> None:
    event(forgery)
    keys = [k for k in map(ButtonKey.parse, custom_ids(suggestion)) if k is not None]
    offered = {k.track_id for k in keys}
    key = data.draw(st.sampled_from(keys), label="real button")
    now, ttl_s = int(time.time()), int(bot.settings.discord.buttons_ttl_hours * 3600)
    presser, on_message = MINA, True
    if forgery == "other_user":
        custom_id, presser = key.custom_id, str(data.draw(OTHER_IDS, label="presser"))
    elif forgery == "other_owner":
        custom_id = replace(key, owner_id=data.draw(OTHER_IDS, label="owner")).custom_id
    elif forgery == "expired":
        age = data.draw(st.integers(ttl_s + 60, 10**9), label="age")  # not from the clock: replayable
        custom_id = replace(key, issued_at=max(0, now - age)).custom_id
    elif forgery == "garbage":
        custom_id = data.draw(st.text(max_size=100).filter(lambda s: ButtonKey.parse(s) is None))
    elif forgery == "wrong_template":
        custom_id = data.draw(_wrong_template(key), label="custom id")
    elif forgery == "over_long":
        custom_id = key.custom_id + data.draw(st.text(UNICODE, min_size=60, max_size=400), label="tail")
    elif forgery == "not_on_message":
        custom_id, on_message = key.custom_id, False
    else:
        track = data.draw(
            st.text(st.characters(codec="utf-8", exclude_characters="\n"), min_size=1, max_size=64)
        )
        assume(track not in offered)
        custom_id = replace(key, issued_at=now, track_id=track).custom_id
    message = copy.deepcopy(suggestion)
    buttons = [b for row in message["components"] for b in row["components"]]
    for button in buttons:
        if button["custom_id"] == custom_id and not on_message:
            button["custom_id"] = "ht:p:1:1:gone"
    if on_message:
        buttons[0]["custom_id"] = custom_id  # Discord only sends presses of components on the message
    inter = press(message, custom_id, user_id=presser)
    liked_before = bot.core.store.feedback(f"discord:{MINA}")
    calls_before = len(acted)

    feed(bot, inter)
    late = forgery in ("expired", "never_offered")  # these are answered with a follow-up too
    done = fake.wait_for(
        lambda rs: bool(callbacks(rs, inter["id"])) and (not late or bool(followups(rs, inter["id"])))
    )
    await asyncio.wait_for(done, ANSWER_WITHIN_S)  # a press left unanswered fails fast
    await asyncio.sleep(0.02)  # room for a second, wrong answer
    reqs = fake.recorded()
    (callback,) = callbacks(reqs, inter["id"])
    sent = followups(reqs, inter["id"])

    assert bot.core.store.feedback(f"discord:{MINA}") == liked_before
    assert not _errors(caplog.records)
    if forgery == "never_offered":
        # Indistinguishable from a genuine press by the owner, so it reaches the core, which refuses it
        # and records nothing. A pick or a play is answered publicly (deferred before the core is
        # asked), as a genuine one would be; a like or dislike privately.
        own = ButtonKey.parse(custom_id)
        assert own is not None
        method = {"p": "pick", "a": "play"}.get(own.act, "feedback")
        assert acted[calls_before:] == [(method, own.track_id)]
        public = own.act in ("p", "a")
        assert callback.json["type"] == DEFERRED and _ephemeral(callback.json.get("data")) == (not public)
        (answer,) = sent
        assert answer.json["content"] == f"⚠️ {NOT_OFFERED}" and not answer.json.get("components")
        return
    assert acted[calls_before:] == [], "a forged press never reaches the core"
    if forgery == "expired":
        assert callback.json["type"] == UPDATE_MESSAGE and callback.json["data"]["components"] == []
        (answer,) = sent
        assert answer.json["content"] == EXPIRED and _ephemeral(answer.json)
        return
    refusal = NOT_YOURS if forgery in ("other_user", "other_owner") else STALE
    assert callback.json["type"] == MESSAGE and sent == []
    assert callback.json["data"]["content"] == refusal and _ephemeral(callback.json["data"])


# ---------------------------------------------------------------------- slash-command options, end to end

EPHEMERAL_COMMANDS = ("voice", "lang", "mood", "help")
_unknown = texts.filter(lambda e: e.lower() not in EMOTIONS)
chat_options = st.tuples(st.just("chat"), st.fixed_dictionaries({"text": texts}))
options = st.one_of(
    chat_options,
    chat_options,  # free text is where anything goes: twice as often
    st.tuples(
        st.just("recommend"),
        st.fixed_dictionaries({}, optional={"emotion": st.one_of(_unknown, st.sampled_from(EMOTIONS))}),
    ),
    st.tuples(st.just("compose"), st.fixed_dictionaries({"emotion": _unknown})),  # composing is slow
    st.tuples(st.just("similar"), st.fixed_dictionaries({"number": st.integers(-(2**53), 2**53)})),
    st.tuples(
        st.just("voice"), st.fixed_dictionaries({"mode": st.one_of(texts, st.sampled_from(REPLY_MODES))})
    ),
    st.tuples(
        st.just("lang"), st.fixed_dictionaries({"language": st.one_of(texts, st.sampled_from(LANG_SETTINGS))})
    ),
)


@pytest.fixture
def seen(bot: HappyClient, monkeypatch: pytest.MonkeyPatch) -> list[UserMessage]:
    """Every message the commands hand to the core."""
    messages: list[UserMessage] = []
    handle = bot.core.handle

    async def recording(msg: UserMessage) -> list[Event]:
        messages.append(msg)
        return await handle(msg)

    monkeypatch.setattr(bot.core, "handle", recording)
    return messages


@E2E
@given(call=options, dm=st.booleans())
async def test_any_option_values_get_one_clear_answer(
    bot: HappyClient,
    fake: FakeDiscord,
    seen: list[UserMessage],
    caplog: pytest.LogCaptureFixture,
    call: tuple[str, dict[str, Any]],
    dm: bool,
) -> None:
    name, values = call
    event(name)
    user_id = str(next(_users))  # a fresh user: no mood, mode or rate limit carried between examples
    inter = command(name, dm=dm, user_id=user_id, **values)
    messages_before = len(seen)

    feed(bot, inter)
    await asyncio.wait_for(answered(fake, inter["id"]), ANSWER_WITHIN_S)
    await asyncio.sleep(0.02)  # room for a second, wrong answer
    reqs = fake.recorded()

    (callback,) = callbacks(reqs, inter["id"])
    private = name in EPHEMERAL_COMMANDS
    assert callback.json["type"] == DEFERRED and _ephemeral(callback.json.get("data")) == private
    (answer,) = followups(reqs, inter["id"])  # text mode: one follow-up, no voice note
    content = answer.json.get("content") or ""
    assert content != SORRY and (content.strip() or answer.json.get("embeds"))
    assert _ephemeral(answer.json) == private
    assert not _errors(caplog.records)
    channel = DM_CHANNEL if dm else GUILD_CHANNEL
    text = {"chat": values.get("text"), "similar": f"/similar {values.get('number')}"}.get(name)
    expected = (
        [] if text is None else [UserMessage("discord", user_id, channel, text, message_id=inter["id"])]
    )
    assert seen[messages_before:] == expected  # option values reach the core verbatim
