"""The command menu Telegram gets (``setMyCommands``) is the registry's: for users (English, and Korean
for Korean-language clients) and for admins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.commands import available
from bot.core import DialogueCore
from tests.handlers.telegram.conftest import USER
from tests.handlers.telegram.fake_bot_api import FakeBotAPI

Start = Callable[..., Awaitable[DialogueCore]]


async def test_menus_list_every_telegram_command_of_the_registry(fake: FakeBotAPI, start_bot: Start) -> None:
    await start_bot(access={"admin_ids": [f"telegram:{USER}"]})
    await fake.wait_for(lambda: len(fake.called("setMyCommands")) == 3)
    default, korean, scoped = fake.called("setMyCommands")
    assert "scope" not in default.params and "language_code" not in default.params
    assert korean.params["language_code"] == "ko" and "scope" not in korean.params
    assert scoped.json("scope") == {"type": "chat", "chat_id": USER}
    for call, admin, lang in ((default, False, "en"), (korean, False, "ko"), (scoped, True, "en")):
        menu = [(c["command"], c["description"]) for c in call.json("commands")]
        assert menu == [(s.name, s.help(lang)) for s in available("telegram", admin=admin)]
    names = {c["command"] for c in scoped.json("commands")}
    assert {"play", "pick", "like", "dislike", "reindex"} <= names
