"""The Telegram load benchmark drives the real adapter and core through the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from benchmarks.bench_telegram_load import TOKEN, TimedFakeBotAPI, run_row
from bot.core import DialogueCore
from handlers.telegram_adapter import TelegramAdapter


async def test_row_answers_every_update(make_core: Any) -> None:
    fake = TimedFakeBotAPI(TOKEN)
    await fake.start()
    core: DialogueCore = make_core(
        telegram={"token": TOKEN, "base_url": fake.base_url},
        limits={"max_wait_ms": 600_000},  # a slow test machine must not make answers "busy"
    )
    stop = asyncio.Event()
    serving = asyncio.create_task(TelegramAdapter(core, core.settings).serve(stop))
    try:
        await fake.wait_for(lambda: bool(fake.called("setMyCommands")) or serving.done(), 60)
        row = await run_row(
            fake, core, users=2, messages=5, think_ms=5.0, timeout_s=120.0, first_id=5300000000
        )
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(serving, 60)
        await fake.stop()
    assert (row["users"], row["messages"], row["errors"], row["busy"]) == (2, 5, 0, 0)
    assert row["msgs_per_s"] > 0 and 0 < row["p50_ms"] <= row["p99_ms"]
    assert 0 < row["first_send_p50_ms"] <= row["first_send_p99_ms"]
    assert row["core_stages"]["total"]["n"] == 2 * 3  # three chat messages each reached the core
    presses = fake.called("answerCallbackQuery")
    assert len(presses) == 2 * 2  # each user pressed a track (4th update) and 👍 (5th)
    assert len([c for c in fake.called("sendMessage") if "reply_markup" in c.params]) == 2 * 4
