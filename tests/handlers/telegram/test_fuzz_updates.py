"""Fuzzing update parsing: raw Bot API dicts → python-telegram-bot → addressing → the core's message.

Text is any Unicode Telegram can carry (controls, bidi marks, zero-width joiners, emoji, up to 5,000
characters); entities may be malformed (negative, past the end, splitting a surrogate pair). Lone
surrogates cannot arrive as valid UTF-8, only as a JSON ``\\ud800`` escape: they must not break
anything either. Forged callback data is fuzzed in ``test_buttons.py``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st
from telegram import Bot, Update
from telegram.ext import Application, MessageHandler

from bot.core import DialogueCore, clean_text
from bot.types import Event, UserMessage
from handlers.telegram_adapter import build_application
from handlers.telegram_parts.buttons import ButtonSigner
from handlers.telegram_parts.network import RetryingRateLimiter
from handlers.telegram_parts.updates import SORRY, UpdateHandlers, addressed_text
from tests.chat_text import UNICODE, chat_texts
from tests.handlers.telegram.conftest import TOKEN
from tests.handlers.telegram.fake_bot_api import SENDS, FakeBotAPI

pytestmark = pytest.mark.resilience  # fuzzing

USERNAME = "happytalk_test_bot"
BOT_ID = 7000000001
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "happytalk", "username": USERNAME}
PERSON = {"id": 5100000003, "is_bot": False, "first_name": "Sora"}
OFFLINE_BOT = Bot(TOKEN)  # de_json needs a bot; nothing here makes a request

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
texts = chat_texts(
    ("@", "/", "#", "@happytalk_test_bot", "/mood@happytalk_test_bot", "@someone", "/start@other_bot"), 5000
)
JUNK_KINDS = ("hashtag", "bold", "url", "code", "custom_emoji", "spoiler", "unknown_kind")
ADDRESSING = ("mention", "bot_command", "text_mention")
ADDRESSES = ("mention", "text_mention", "ours", "bare", "theirs", "reply", "none")
CHAT_TYPES = ("private", "group", "supergroup", "channel")


def units(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def entity_lists(text: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Entities of any kind anywhere in or far outside ``text``; text mentions name someone or the bot."""
    n = units(text)
    spans = st.one_of(st.integers(0, n + 2), st.integers(-20, 12_000))
    entity = st.fixed_dictionaries(
        {"type": st.sampled_from((*ADDRESSING, *JUNK_KINDS)), "offset": spans, "length": spans},
        optional={"user": st.sampled_from([BOT_USER, PERSON])},
    )
    return st.lists(entity, max_size=4)


def addressed(
    prefix: str, suffix: str, address: str, name: str = USERNAME
) -> tuple[str, list[dict[str, Any]]]:
    """``prefix`` + an address to the bot (or to another bot) + ``suffix``, and its well-formed entity.

    Commands start the message, so they drop ``prefix``; offsets count UTF-16 units.
    """
    marker = {
        "mention": "@" + name,
        "text_mention": "happytalk",
        "ours": f"/mood@{name}",
        "bare": "/mood",
        "theirs": "/mood@other_bot",
    }.get(address)
    if marker is None:
        return prefix + suffix, []
    prefix = "" if marker.startswith("/") else prefix
    kind = address if address in ADDRESSING else "bot_command"
    entity = {"type": kind, "offset": units(prefix), "length": units(marker), "user": BOT_USER}
    return prefix + marker + suffix, [entity]


def chat(kind: str, user_id: int) -> dict[str, Any]:
    if kind == "private":
        return {"id": user_id, "type": kind, "first_name": "Sora"}
    return {"id": -1002233445566 if kind != "group" else -4455667788, "type": kind, "title": "Friday 🎶"}


@st.composite
def raw_updates(draw: st.DrawFn, deliverable: bool = False) -> dict[str, Any]:
    """An update as Telegram's JSON would decode. ``deliverable``: a new text message from a person;
    otherwise also captions without text, edits, channel posts and messages from bots or channels."""
    body = draw(texts)
    cut = draw(st.integers(0, len(body)))
    address = draw(st.sampled_from(ADDRESSES))
    name = draw(st.sampled_from([USERNAME, USERNAME.upper(), "HappyTalk_Test_Bot"]))
    text, entities = addressed(body[:cut], body[cut:], address, name)
    entities += draw(entity_lists(text))
    user_id = draw(st.sampled_from([5100000003, 5100000004, 1]))
    message: dict[str, Any] = {"message_id": draw(st.integers(1, 2**31 - 1)), "date": 1763888600}
    message["chat"] = chat(draw(st.sampled_from(CHAT_TYPES)), user_id)
    sender = "person" if deliverable else draw(st.sampled_from(["person", "person", "bot", "none"]))
    if sender == "person":
        message["from"] = {"id": user_id, "is_bot": False, "first_name": "Sora", "language_code": "ko"}
    elif sender == "bot":
        message["from"] = {"id": 6000000009, "is_bot": True, "first_name": "other", "username": "other_bot"}
    else:
        message["sender_chat"] = {"id": message["chat"]["id"], "type": "channel", "title": "news"}
    if deliverable or draw(st.booleans()):
        message["text"], message["entities"] = text, entities
    else:  # a photo with a caption, and no text
        message["photo"] = [{"file_id": "AgAC", "file_unique_id": "AQAD", "width": 90, "height": 90}]
        message["caption"], message["caption_entities"] = text, entities
    replied = BOT_USER if address == "reply" else draw(st.sampled_from([None, PERSON, BOT_USER]))
    if replied is not None:
        earlier = {"message_id": 9, "date": 1763888500, "chat": message["chat"], "text": "earlier"}
        message["reply_to_message"] = {**earlier, "from": replied}
    kinds = ["message"] if deliverable else ["message"] * 8 + ["edited_message", "channel_post"]
    return {"update_id": draw(st.integers(1, 2**31 - 1)), draw(st.sampled_from(kinds)): message}


@functools.cache
def text_handler() -> MessageHandler[Any, Any]:
    """The text handler exactly as the adapter installs it (installing reaches no core)."""
    app = Application.builder().token(TOKEN).build()
    UpdateHandlers(cast(DialogueCore, None), ButtonSigner(TOKEN)).install(app)
    handler, _voice = [h for h in app.handlers[0] if isinstance(h, MessageHandler)]  # text, then voice notes
    return handler


def accepted(update: Update) -> str | None:
    """The text the core should get for ``update``, or ``None`` when the adapter must stay silent."""
    message = update.message
    if not text_handler().check_update(update) or message is None:
        return None
    if message.from_user is None or message.from_user.is_bot:
        return None
    return addressed_text(message, USERNAME, BOT_ID)


@settings(max_examples=250, deadline=None)
@given(raw=raw_updates())
def test_any_update_parses_and_addressing_never_raises(raw: dict[str, Any]) -> None:
    """python-telegram-bot keeps the text as sent; addressing returns ``None`` or text for the core."""
    update = Update.de_json(raw, OFFLINE_BOT)
    kind, data = next((k, v) for k, v in raw.items() if k != "update_id")
    message = update.effective_message
    assert message is not None and message.chat.type == data["chat"]["type"]
    assert (message.text, message.caption) == (data.get("text"), data.get("caption"))
    text = message.text or ""
    result = addressed_text(message, USERNAME, BOT_ID)
    assert result is None or isinstance(result, str)
    if message.chat.type == "private":
        assert result == text
    elif result is not None:
        assert len(result) <= len(text)
    replied_to_bot = data.get("reply_to_message", {}).get("from") == BOT_USER
    addressing = [e for e in data.get("entities", []) if e["type"] in ADDRESSING]
    if message.chat.type != "private" and not addressing and not replied_to_bot:
        assert result is None  # a group message that addresses no one is not for the bot
    # only new text messages reach the handler: captions, edits and channel posts never do
    assert text_handler().check_update(update) == (kind == "message" and bool(message.text))


@settings(max_examples=150, deadline=None)
@given(
    prefix=st.text(UNICODE, max_size=60),
    suffix=st.text(UNICODE, max_size=60),
    address=st.sampled_from(ADDRESSES),
    case=st.sampled_from([str.lower, str.upper, str.title]),
    junk=st.lists(
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(JUNK_KINDS),
                "offset": st.integers(-9, 99),
                "length": st.integers(-9, 99),
            }
        ),
        max_size=3,
    ),
)
def test_well_formed_addressing_is_understood_whatever_surrounds_it(
    prefix: str, suffix: str, address: str, case: Callable[[str], str], junk: list[dict[str, Any]]
) -> None:
    """Offsets count UTF-16 units, so emoji or astral letters before a mention must not shift it."""
    text, entities = addressed(prefix, suffix, address, case(USERNAME))
    message: dict[str, Any] = {"message_id": 3, "date": 1763888600, "from": PERSON, "chat": chat("group", 1)}
    message |= {"text": text, "entities": entities + junk}
    if address == "reply":
        message["reply_to_message"] = {"message_id": 2, "date": 1, "chat": message["chat"], "from": BOT_USER}
    update = Update.de_json({"update_id": 1, "message": message}, OFFLINE_BOT)
    assert update.message is not None
    result = addressed_text(update.message, USERNAME, BOT_ID)
    if address in ("mention", "text_mention"):
        marker = text[len(prefix) : len(text) - len(suffix)]
        assume(marker not in prefix)  # else the first occurrence is the one removed
        assert result == " ".join((prefix + " " + suffix).split())
    elif address in ("ours", "bare", "reply"):
        assert result == text
    else:  # another bot's command, or nothing that addresses the bot
        assert result is None


@settings(max_examples=60, deadline=None)
@given(
    text=st.lists(st.one_of(SURROGATES, UNICODE), min_size=1, max_size=40)
    .map("".join)
    .filter(lambda t: any(0xD800 <= ord(c) <= 0xDFFF for c in t)),
    chat_type=st.sampled_from(CHAT_TYPES),
    entities=st.lists(
        st.fixed_dictionaries(
            {"type": st.sampled_from(ADDRESSING), "offset": st.integers(0, 50), "length": st.integers(0, 50)}
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_lone_surrogates_from_json_escapes_are_handled(
    text: str, chat_type: str, entities: list[dict[str, Any]]
) -> None:
    """Telegram sends UTF-8, which cannot hold a lone surrogate; only a ``\\ud800`` escape can."""
    wire = json.dumps({"update_id": 1, "message": {"message_id": 1, "date": 1, "from": PERSON, "text": text}})
    raw = json.loads(wire)
    raw["message"] |= {"chat": chat(chat_type, 5), "entities": entities}
    update = Update.de_json(raw, OFFLINE_BOT)
    assert update.message is not None and update.message.text == raw["message"]["text"]
    result = addressed_text(update.message, USERNAME, BOT_ID)
    if result is not None:
        clean_text(result).encode("utf-8")  # what the core stores and answers with is valid text


# ---------------------------------------------------------------------- through the adapter, end to end


@dataclass
class Served:
    app: Application[Any, Any, Any, Any, Any, Any]
    seen: list[UserMessage]


@pytest.fixture
async def served(
    fake: FakeBotAPI, make_core: Callable[..., DialogueCore], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Served]:
    """The adapter's Application over a real core (whose messages are recorded), against the fake."""
    core = make_core(telegram={"token": TOKEN, "base_url": fake.base_url})
    seen: list[UserMessage] = []
    handle = core.handle

    async def recording(msg: UserMessage) -> list[Event]:
        seen.append(msg)
        return await handle(msg)

    monkeypatch.setattr(core, "handle", recording)
    no_flood_limits = RetryingRateLimiter(overall_max_rate=0, group_max_rate=0)  # fuzzing outpaces them
    app = build_application(core, core.settings, no_flood_limits)
    await app.initialize()
    yield Served(app, seen)
    await app.shutdown()


SURROGATE_MENTION = {
    "update_id": 1,
    "message": {
        "message_id": 7,
        "date": 1,
        "from": PERSON,
        "chat": chat("supergroup", 1),
        "text": "\ud83c @happytalk_test_bot hi \udfb5",
        "entities": [{"type": "mention", "offset": 2, "length": 19}],
    },
}
SPLIT_EMOJI = {
    "update_id": 2,
    "message": {
        "message_id": 8,
        "date": 1,
        "from": PERSON,
        "chat": chat("group", 1),
        "text": "🎉🎉 party",
        "entities": [
            {"type": "mention", "offset": 1, "length": 2},
            {"type": "bot_command", "offset": 0, "length": 3},
        ],
    },
}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=st.one_of(raw_updates(), raw_updates(deliverable=True), raw_updates(deliverable=True)))
@example(raw=SURROGATE_MENTION)
@example(raw=SPLIT_EMOJI)
async def test_each_accepted_update_gets_one_answer_and_the_rest_none(
    served: Served, fake: FakeBotAPI, raw: dict[str, Any]
) -> None:
    """Raw dict → the real Application (filters, handler, core, renderer) → the fake Bot API."""
    calls, seen = len(fake.calls), len(served.seen)
    update = Update.de_json(raw, served.app.bot)
    expected = accepted(update)
    await served.app.process_update(update)  # handlers are blocking: everything is sent on return
    sent = [c for c in fake.calls[calls:] if c.method in SENDS]
    event("ignored" if expected is None else "answered")
    if expected is None:
        assert served.seen[seen:] == [] and sent == []
        return
    message = update.message
    assert message is not None and message.from_user is not None
    chat_id = message.chat.id
    assert served.seen[seen:] == [
        UserMessage(
            "telegram", str(message.from_user.id), str(chat_id), expected, message_id=str(message.message_id)
        )
    ]
    assert sent, "the core's answer is sent"
    for call in sent:
        assert call.params["chat_id"] == str(chat_id)
        assert call.params.get("text") != SORRY, "the handler failed"
        if call.method == "sendMessage":
            assert call.params["text"].strip()
        quoted = call.json("reply_parameters")["message_id"] if "reply_parameters" in call.params else None
        assert quoted == (None if message.chat.type == "private" else message.message_id)
