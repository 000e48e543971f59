"""Fixtures: the fake Bot API on 127.0.0.1, and the real adapter serving over the real core."""

from __future__ import annotations

import asyncio
import contextlib
import copy
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot.core import DialogueCore
from handlers.telegram_adapter import TelegramAdapter
from tests.handlers.telegram.fake_bot_api import Call, FakeBotAPI, payload

TOKEN = "7000000001:AAHfake-telegram-token-that-must-never-be-logged"
USER = 5100000001


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    server = await FakeBotAPI(TOKEN).start()
    yield server
    await server.stop()


@pytest.fixture
async def start_bot(
    fake: FakeBotAPI, make_core: Callable[..., DialogueCore]
) -> AsyncIterator[Callable[..., Awaitable[DialogueCore]]]:
    """Serve the adapter (polling the fake) over a real core with setting overrides."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def factory(**overrides: Any) -> DialogueCore:
        section = {
            "token": TOKEN,
            "base_url": fake.base_url,
            "base_file_url": fake.base_file_url,
            **overrides.pop("telegram", {}),
        }
        core = make_core(telegram=section, **overrides)
        tasks.append(asyncio.create_task(TelegramAdapter(core, core.settings).serve(stop)))
        await fake.wait_for(lambda: bool(fake.called("setMyCommands")) or tasks[-1].done(), 30)
        if tasks[-1].done():
            tasks[-1].result()
        return core

    yield factory
    stop.set()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 30)


def message(name: str, text: str | None = None) -> dict[str, Any]:
    """A recorded message update, optionally with other text."""
    update = copy.deepcopy(payload(name))
    if text is not None:
        update["message"]["text"] = text
        update["message"].pop("entities", None)
        if text.startswith("/"):
            length = len(text.split()[0])
            update["message"]["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
    return update


def press(sent: Call, data: str, user_id: int = USER) -> dict[str, Any]:
    """The recorded callback update for pressing ``data`` under the message ``sent`` made."""
    update = copy.deepcopy(payload("callback_press"))
    query = update["callback_query"]
    query["data"] = data
    query["from"]["id"] = user_id
    query["message"]["chat"]["id"] = int(sent.params["chat_id"])
    query["message"]["text"] = sent.params["text"]
    query["message"]["reply_markup"] = sent.json("reply_markup")
    return update


def keyboard(call: Call) -> list[list[dict[str, str]]]:
    rows: list[list[dict[str, str]]] = call.json("reply_markup")["inline_keyboard"]
    return rows


def with_keyboard(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and "reply_markup" in c.params]
