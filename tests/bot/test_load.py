"""Overload is refused at once by expected wait; the load benchmark's summary is complete."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from click.testing import CliRunner

from bot.batching import BatchTimes, MicroBatcher
from bot.cli import main
from bot.core import DialogueCore
from bot.core_services import IO_BACKLOG
from bot.loadtest import child_pids, rss_mb, run_load
from bot.texts import BUSY
from bot.types import Reply
from bot.workers import Busy, WorkerPool
from handlers.testing import TestAdapter

REQUIRED_KEYS = {"users", "messages", "msgs_per_s", "p50_ms", "p95_ms", "p99_ms", "errors", "busy", "rss_mb"}


def test_batch_times_fit_fixed_and_per_item_cost() -> None:
    times = BatchTimes()
    times.add(4, 0.6)
    assert (times.a, times.b) == (0.6, 0.0)  # one size seen: a batch costs the same at any size
    times.add(16, 1.2)
    assert times.a == pytest.approx(0.4) and times.b == pytest.approx(0.05)
    assert times.predict(32) == pytest.approx(2.0)


async def test_admission_by_expected_wait() -> None:
    pool = WorkerPool("m", 1, 100)
    gate = threading.Event()

    def slow(xs: list[int]) -> list[int]:
        gate.wait(30)
        return xs

    batcher = MicroBatcher(slow, pool, max_batch=4, max_wait_s=25.0)
    batcher.times.add(1, 10.1)  # a batch costs 10 s plus 0.1 s per item
    batcher.times.add(4, 10.4)
    running = asyncio.create_task(batcher.submit(0))
    await asyncio.sleep(0)
    # the running batch (~10 s left) plus a batch with the new item: ~20 s, under 25 s
    queued = [asyncio.create_task(batcher.submit(i)) for i in range(1, 5)]
    await asyncio.sleep(0)
    expected = batcher.expected_wait_s()
    assert expected is not None and expected > 25.0  # a fifth queued item needs a second batch
    with pytest.raises(Busy):
        await batcher.submit(99)
    assert batcher.refused == 1
    gate.set()
    assert await asyncio.gather(running, *queued) == [0, 1, 2, 3, 4]
    pool.shutdown()


async def test_admission_keeps_queued_batch_mates_in_time() -> None:
    pool = WorkerPool("m", 1, 100)
    gate = threading.Event()

    def slow(xs: list[int]) -> list[int]:
        gate.wait(30)
        return xs

    batcher = MicroBatcher(slow, pool, max_batch=4, max_wait_s=25.0)
    batcher.times.add(1, 10.1)
    batcher.times.add(4, 10.4)
    calls = [asyncio.create_task(batcher.submit(i)) for i in range(2)]  # one runs, one queues
    await asyncio.sleep(0)
    batcher.admit()  # ~20 s for the next batch: in time for the queued item and a new one
    item, future, queued_at = batcher._queue[0]
    batcher._queue[0] = (item, future, queued_at - 10.0)  # the queued item has waited 10 s already
    with pytest.raises(Busy):  # joining its batch would make it ~30 s late in all
        batcher.admit()
    gate.set()
    assert await asyncio.gather(*calls) == [0, 1]
    pool.shutdown()


async def test_untimed_batcher_lets_one_batch_queue() -> None:
    pool = WorkerPool("m", 1, 100)
    gate = threading.Event()

    def slow(xs: list[int]) -> list[int]:
        gate.wait(30)
        return xs

    batcher = MicroBatcher(slow, pool, max_batch=3, max_wait_s=1.0)
    calls = [asyncio.create_task(batcher.submit(i)) for i in range(4)]  # one runs, three queue
    await asyncio.sleep(0)
    with pytest.raises(Busy):
        batcher.admit()
    gate.set()
    assert await asyncio.gather(*calls) == [0, 1, 2, 3]
    pool.shutdown()


async def test_overloaded_core_says_busy_at_once_and_keeps_serving_commands(make_core: Any) -> None:
    core: DialogueCore = make_core(limits={"max_wait_ms": 1})  # no reply can come within 1 ms
    first = await TestAdapter(core, "early").push("I had a good day")  # times the generator
    assert [e for e in first if isinstance(e, Reply) and e.kind == "reply"]
    answers = await asyncio.gather(*(TestAdapter(core, f"u{i}").push("hello there") for i in range(20)))
    busy = [a for a in answers if a == [Reply(BUSY, kind="error")]]
    assert len(busy) >= 19  # an idle model takes one message a second whatever the estimate
    # the others were refused before any model work:
    assert core.services.emotion_batcher.items == 1 + 20 - len(busy)
    (helped,) = await TestAdapter(core, "u0").push("/help")
    assert isinstance(helped, Reply) and helped.kind == "info"


async def test_run_load_summary(make_core: Any) -> None:
    core: DialogueCore = make_core(limits={"max_wait_ms": 600_000})  # slow machines: no "busy"
    row = await run_load(core, users=3, messages=5, think_ms=5.0)
    assert row.keys() >= REQUIRED_KEYS
    assert (row["users"], row["messages"], row["think_ms"]) == (3, 5, 5.0)
    assert row["errors"] == 0 and row["busy"] == 0
    assert row["msgs_per_s"] == row["served_per_s"] > 0
    assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
    stages = row["stages"]
    assert {"emotion", "reply", "recommend", "total"} <= stages.keys()
    assert stages["total"]["n"] == 3 * 3  # messages 4 and 5 are a /pick and a /like, not chat
    assert row["rss_mb"] > 0


async def test_run_load_with_mood_requests(make_core: Any) -> None:
    core: DialogueCore = make_core(limits={"max_wait_ms": 600_000})
    row = await run_load(core, users=2, messages=4, think_ms=0.0, mood_share=1.0)
    assert row["errors"] == 0 and row["busy"] == 0
    assert row["mood_share"] == 1.0 and row["mood_charts"] == 2 * 3  # every message after the first
    assert 0 < row["mood_p50_ms"] <= row["mood_p99_ms"]
    assert row["stages"]["total"]["n"] == 2


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--mood-share", "1.5"], "--mood-share"),
        (["--think-ms", "-5"], "--think-ms"),
        (["--users", "10,x"], "comma-separated whole numbers"),
        (["--messages", "0"], "at least 1"),
    ],
)
def test_bench_load_rejects_bad_options(args: list[str], says: str) -> None:
    result = CliRunner().invoke(main, ["bench", "load", *args])
    assert result.exit_code == 2 and says in result.output


def test_started_core_has_timed_its_models(_shared_core: DialogueCore) -> None:
    for batcher in (_shared_core.services.emotion_batcher, _shared_core.services.generator_batcher):
        assert batcher.times.ready and batcher.times.predict(batcher.max_batch) > 0
        assert batcher.expected_wait_s() is not None


async def test_idle_batcher_admits_whatever_its_estimate() -> None:
    """A slow spell must not leave the model refusing everything (and so never re-timed)."""
    pool = WorkerPool("m", 1, 100)
    batcher: MicroBatcher[int, int] = MicroBatcher(lambda xs: xs, pool, max_batch=4, max_wait_s=0.5)
    batcher.times.add(1, 5.0)  # one batch once took 5 s, ten times the limit
    batcher.admit()  # idle: let through whatever the estimate
    assert await batcher.submit(7) == 7  # starts at once, and is timed again
    assert batcher.batches == 1 and batcher.refused == 0
    batcher.times.add(1, 5.0)
    batcher.times.add(1, 5.0)
    with pytest.raises(Busy):  # one such item a second
        batcher.admit()
    pool.shutdown()


async def test_batch_times_are_fitted_in_cost_units() -> None:
    pool = WorkerPool("m", 1, 100)
    gate = threading.Event()

    def slow(xs: list[int]) -> list[int]:
        gate.wait(30)
        return xs

    # the cost of a batch stops growing at 2 items (like the generator's row budget)
    batcher = MicroBatcher(slow, pool, max_batch=8, max_wait_s=25.0, cost=lambda n: float(min(n, 2)))
    batcher.times.add(1, 5.0)
    batcher.times.add(2, 10.0)
    running = asyncio.create_task(batcher.submit(0))
    await asyncio.sleep(0)
    # ~5 s left of the running batch, then 10 s for the next whatever its size (30 s by item count)
    queued = [asyncio.create_task(batcher.submit(i)) for i in range(1, 6)]
    await asyncio.sleep(0)
    assert batcher.refused == 0 and batcher.expected_wait_s() == pytest.approx(15.0, abs=0.5)
    gate.set()
    assert await asyncio.gather(running, *queued) == [0, 1, 2, 3, 4, 5]
    pool.shutdown()


def test_rss_counts_child_processes() -> None:
    alone = rss_mb()
    child = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(60_000_000); time.sleep(30)"])
    try:
        for _ in range(100):  # until the child holds its 60 MB
            if rss_mb() > alone + 50:
                break
            time.sleep(0.1)
        assert str(child.pid) in child_pids() and rss_mb() > alone + 50
    finally:
        child.kill()
        child.wait()


async def test_database_backlog_makes_chat_busy_but_not_commands(make_core: Any) -> None:
    core: DialogueCore = make_core()
    core.services.io_pool._pending = IO_BACKLOG  # as if that many database and index jobs were queued
    assert await TestAdapter(core, "u").push("hello there") == [Reply(BUSY, kind="error")]
    assert core.services.emotion_batcher.items == 0  # refused before any model work
    core.services.io_pool._pending = 0
    (helped,) = await TestAdapter(core, "u").push("/help")
    assert isinstance(helped, Reply) and helped.kind == "info"


async def test_the_load_benchmark_can_run_with_voice_notes_alongside(core: DialogueCore) -> None:
    row = await run_load(core, users=2, messages=2, think_ms=0.0, listeners=1)
    assert row["errors"] == 0 and row["listeners"] == 1
    assert row["voice_notes"] >= 1 and row["voice_p50_ms"] > 0
    assert "listen" in row["stages"]
