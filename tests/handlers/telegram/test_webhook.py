"""Webhook mode: the bot registers its URL and answers updates POSTed to its listener."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Awaitable, Callable

import aiohttp

from bot.core import DialogueCore
from tests.handlers.telegram.conftest import USER, message
from tests.handlers.telegram.fake_bot_api import FakeBotAPI

Start = Callable[..., Awaitable[DialogueCore]]
SECRET = "hook-secret_0123456789"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_webhook_mode(fake: FakeBotAPI, start_bot: Start) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    await start_bot(
        telegram={
            "webhook_url": url,
            "webhook_listen": "127.0.0.1",
            "webhook_port": port,
            "webhook_secret": SECRET,
        }
    )
    await fake.wait_for(lambda: bool(fake.called("setWebhook")))
    registered = fake.called("setWebhook")[0].params
    assert registered["url"] == url and registered["secret_token"] == SECRET
    assert not fake.called("getUpdates")

    update = {**message("private_start", "/help"), "update_id": 1}
    async with aiohttp.ClientSession() as http:
        for _ in range(100):  # the listener starts alongside setWebhook
            with contextlib.suppress(aiohttp.ClientConnectorError):
                await http.get(url)
                break
            await asyncio.sleep(0.1)
        forged = await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "no"})
        assert forged.status == 403
        real = await http.post(
            url,
            data=json.dumps(update),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"},
        )
        assert real.status == 200
    await fake.wait_for(lambda: len(fake.sent(USER)) == 1)
    assert "/compose" in fake.sent(USER)[0].params["text"]
