"""Micro-batching coalesces concurrent calls and propagates errors."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.batching import MicroBatcher
from bot.workers import Busy, WorkerPool


async def test_concurrent_calls_share_batches_and_keep_order() -> None:
    pool = WorkerPool("m", 2, 100)
    seen: list[list[int]] = []

    def square(xs: list[int]) -> list[int]:
        seen.append(xs)
        time.sleep(0.02)
        return [x * x for x in xs]

    batcher = MicroBatcher(square, pool, max_batch=8)
    results = await asyncio.gather(*(batcher.submit(i) for i in range(20)))
    assert results == [i * i for i in range(20)]
    assert seen[0] == [0]  # an idle model starts at once, no waiting for company
    assert max(len(b) for b in seen) == 8 and len(seen) < 20
    assert batcher.items == 20 and batcher.batches == len(seen)
    pool.shutdown()


async def test_errors_reach_every_caller_in_the_batch_and_queue_is_bounded() -> None:
    pool = WorkerPool("m", 1, 100)
    gate = threading.Event()

    def boom(xs: list[int]) -> list[int]:
        gate.wait(2)
        raise ValueError("model failed")

    batcher = MicroBatcher(boom, pool, max_batch=4, max_queued=3)
    calls = [asyncio.create_task(batcher.submit(i)) for i in range(4)]
    await asyncio.sleep(0.01)
    with pytest.raises(Busy):
        await batcher.submit(99)
    gate.set()
    for call in calls:
        with pytest.raises(ValueError, match="model failed"):
            await call
    pool.shutdown()
