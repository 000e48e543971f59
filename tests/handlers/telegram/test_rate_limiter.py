"""The outgoing limiter: answers share Telegram's flood budget, chat actions bypass it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from handlers.telegram_parts.network import RetryingRateLimiter

pytestmark = pytest.mark.resilience


async def test_chat_actions_skip_the_flood_limit_that_answers_wait_for() -> None:
    limiter = RetryingRateLimiter(overall_max_rate=1, overall_time_period=60, group_max_rate=0)
    await limiter.initialize()
    calls: list[str] = []

    async def call(endpoint: str) -> bool:
        calls.append(endpoint)
        return True

    async def send(endpoint: str) -> Any:
        return await limiter.process_request(call, (endpoint,), {}, endpoint, {"chat_id": 1}, None)

    try:
        await send("sendMessage")  # uses the whole budget for a minute
        # five typing actions still go out at once...
        await asyncio.wait_for(asyncio.gather(*(send("sendChatAction") for _ in range(5))), 10)
        # ...while the next answer waits for the budget
        blocked = asyncio.create_task(send("sendMessage"))
        await asyncio.sleep(0.2)
        assert not blocked.done()
        blocked.cancel()
    finally:
        await limiter.shutdown()
    assert calls == ["sendMessage"] + ["sendChatAction"] * 5
