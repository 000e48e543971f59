"""429 with retry_after, 500s, dropped connections and slow chats: no lost or duplicated reply."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import pytest

from bot import logsafe
from bot.core import DialogueCore
from handlers.telegram_parts.updates import SORRY
from tests.handlers.telegram.conftest import TOKEN, USER, message
from tests.handlers.telegram.fake_bot_api import FakeBotAPI, Fault

pytestmark = pytest.mark.resilience

Start = Callable[..., Awaitable[DialogueCore]]
OTHER = 5100000002


@pytest.mark.parametrize(
    ("method", "faults"),
    [
        ("sendMessage", ("429",)),
        ("sendMessage", ("500", "500")),
        ("sendMessage", ("drop",)),
        ("getUpdates", ("500", "drop")),
    ],
)
async def test_faults_lose_and_duplicate_nothing(
    fake: FakeBotAPI, start_bot: Start, method: str, faults: tuple[Fault, ...]
) -> None:
    await start_bot()
    fake.fail(method, *faults)
    began = time.monotonic()
    await fake.push(message("private_start", "/help"))
    await fake.wait_for(lambda: len(fake.sent(USER)) == 1)
    took = time.monotonic() - began
    await fake.settle(1.5)
    assert len(fake.sent(USER)) == 1
    assert "/compose" in fake.sent(USER)[0].params["text"]
    assert fake.fault_log == [(method, f) for f in faults]
    if faults == ("429",):
        assert took >= 1.0  # retry_after was honoured


async def test_a_slow_chat_does_not_stall_others(fake: FakeBotAPI, start_bot: Start) -> None:
    await start_bot()
    fake.slow_chats[str(USER)] = 4.0
    await fake.push(message("private_start", "/help"))
    await asyncio.sleep(0.3)
    other = message("private_start", "/help")
    other["message"]["from"]["id"] = other["message"]["chat"]["id"] = OTHER
    await fake.push(other)
    await fake.wait_for(lambda: len(fake.sent()) == 2, 20)
    assert [c.params["chat_id"] for c in fake.sent()] == [str(OTHER), str(USER)]


async def test_errors_are_logged_without_the_token_and_the_user_is_told(
    fake: FakeBotAPI, start_bot: Start
) -> None:
    """Runs a conversation with failures at DEBUG level, logged the way ``happytalk run`` logs."""
    lines: list[str] = []
    raw: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            raw.append(record)
            lines.append(self.format(record))

    handler = Collect(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root, httpx_log = logging.getLogger(), logging.getLogger("httpx")
    old_level, old_httpx = root.level, httpx_log.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    httpx_log.setLevel(logging.DEBUG)  # other tests' setup_logging may have quieted it
    logsafe.install([TOKEN])
    try:
        core = await start_bot()
        fake.fail("sendMessage", "500", "400")
        fake.fail("getUpdates", "drop")
        await fake.push(message("private_start", "/help"))
        await fake.wait_for(lambda: len(fake.sent(USER)) == 1)
        await fake.push(message("private_start", "/recommend sadness"))
        await fake.wait_for(lambda: len(fake.sent(USER)) == 2)
        await fake.settle(1.0)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        httpx_log.setLevel(old_httpx)
        logsafe.install([])
    assert fake.sent(USER)[0].params["text"] == SORRY  # the 400 reached the error handler
    assert any("Telegram update failed: BadRequest" in line for line in lines)
    assert any(f"/bot{logsafe.MASK}/sendMessage" in line for line in lines)  # httpx's URL, masked
    assert not [line for line in lines if TOKEN in line]
    ours = [r for r in raw if r.name.startswith("handlers.")]
    assert ours and not [r for r in ours if TOKEN in r.getMessage()]
    assert TOKEN not in repr(core.settings) and TOKEN not in str(core.settings.telegram)
