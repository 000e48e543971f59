"""Groups (answer when mentioned or replied to), foreign button presses, access and rate limits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core import DialogueCore
from handlers.telegram_parts.updates import NOT_YOURS
from tests.handlers.telegram.conftest import USER, keyboard, message, press, with_keyboard
from tests.handlers.telegram.fake_bot_api import FakeBotAPI

Start = Callable[..., Awaitable[DialogueCore]]
GROUP = -1002233445566


async def test_group_answers_mentions_and_replies_only(fake: FakeBotAPI, start_bot: Start) -> None:
    await start_bot()
    for name in ("group_chatter", "group_mention", "group_reply"):
        await fake.push(message(name))
    await fake.push(message("group_mention", "/help@someone_else_bot"))
    await fake.push(message("group_mention", "/help@happytalk_test_bot"))
    await fake.wait_for(lambda: len(with_keyboard(fake.sent(GROUP))) == 2)
    await fake.settle(0.5)
    quoted = [c.json("reply_parameters")["message_id"] for c in fake.sent(GROUP)]
    assert set(quoted) == {301, 303}  # the mention, the reply to the bot and /help@this bot
    assert sum("/compose" in c.params.get("text", "") for c in fake.sent(GROUP)) == 1


async def test_someone_elses_buttons_are_refused(fake: FakeBotAPI, start_bot: Start) -> None:
    await start_bot()
    await fake.push(message("group_mention", "/recommend@happytalk_test_bot calm"))
    await fake.push(message("group_mention", "/recommend@happytalk_test_bot joy"))
    await fake.wait_for(lambda: len(fake.sent(GROUP)) == 2)
    assert any("“calm”" in c.params["text"] for c in fake.sent(GROUP))  # the core's error
    tracks = with_keyboard(fake.sent(GROUP))[0]
    data = keyboard(tracks)[0][0]["callback_data"]
    count = len(fake.sent())
    await fake.push(press(tracks, data, user_id=USER))  # the list was made for 5100000002
    await fake.push(press(tracks, data[:-1] + ("A" if data[-1] != "A" else "B"), user_id=5100000002))
    await fake.wait_for(lambda: len(fake.called("answerCallbackQuery")) == 2)
    for answer in fake.called("answerCallbackQuery"):
        assert answer.params["text"] == NOT_YOURS and answer.params["show_alert"] == "true"
    await fake.push(press(tracks, data, user_id=5100000002))  # the owner's press works
    await fake.wait_for(lambda: len(with_keyboard(fake.sent(GROUP))) == 2)
    assert len(fake.sent()) == count + 1


async def test_allow_list_admin_menu_and_rate_limit(fake: FakeBotAPI, start_bot: Start) -> None:
    await start_bot(
        access={"allowed_ids": ["telegram:5100000002"], "admin_ids": [f"telegram:{USER}"]},
        limits={"user_messages_per_minute": 2},
    )
    await fake.wait_for(lambda: len(fake.called("setMyCommands")) == 3)
    scoped = [c for c in fake.called("setMyCommands") if "scope" in c.params]
    assert scoped and scoped[0].json("scope") == {"type": "chat", "chat_id": USER}
    assert "reindex" in {c["command"] for c in scoped[0].json("commands")}

    await fake.push(message("group_chatter", "/help"))  # 5100000003: not on the list
    await fake.wait_for(lambda: len(fake.sent(GROUP)) == 1)
    assert "private" in fake.sent(GROUP)[0].params["text"]

    # the admin may use it; the third is too fast (one at a time: concurrent updates take their
    # rate slots in any order, and the test means the third)
    for n, text in enumerate(("/help", "/mood", "/mood"), start=1):
        await fake.push(message("private_start", text))
        await fake.wait_for(lambda n=n: len(fake.sent(USER)) == n)
    texts = sorted(c.params["text"] for c in fake.sent(USER))
    assert sum("faster than I can think" in t for t in texts) == 1
    assert any("/reindex" in t for t in texts)
