"""Micro-batching: concurrent single requests to one model become one batch call.

No timer: when the model is idle a request runs at once (no added latency); while a batch
runs, new requests queue and the next batch takes them all (up to ``max_batch``).

Admission is by expected wait, not by queue length alone: the batcher fits the time of its
recent batches as ``a + b * size`` and refuses a new item (:class:`Busy`, at once) when the
batch running now plus the batches queued ahead of it and its own would take longer than
``max_wait_s`` counted from when the oldest item of its batch was queued.
When the model is idle, one item per ``max_wait_s`` (at least per second) is admitted whatever
the estimate (nothing could answer it sooner, and its time corrects an estimate that a slow spell
made too high; refusing it would leave the model idle with that estimate for good).
Until batches of two sizes have been timed, a batch is assumed to cost the same at any size,
and before the first batch is timed at most one full batch may queue: a cold start lets at most
one batch too many wait rather than refusing a handful of users the model could serve at once.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from bot.workers import Busy, WorkerPool

T = TypeVar("T")
PROBE_EVERY_S = 1.0
R = TypeVar("R")


class BatchTimes:
    """Recent ``(batch size, seconds)`` samples, fitted as ``seconds = a + b * size``; predictions
    add the fit's RMS error (``margin``), as batch times vary with what else the machine runs.
    The size may be in cost units rather than items (:class:`MicroBatcher`'s ``cost``)."""

    def __init__(self, keep: int = 16) -> None:
        self._samples: deque[tuple[float, float]] = deque(maxlen=keep)
        self.a = 0.0
        self.b = 0.0
        self.margin = 0.0

    @property
    def ready(self) -> bool:
        return bool(self._samples)

    def add(self, size: float, seconds: float) -> None:
        self._samples.append((size, seconds))
        sizes = [n for n, _ in self._samples]
        times = [t for _, t in self._samples]
        mean_n, mean_t = sum(sizes) / len(sizes), sum(times) / len(times)
        var = sum((n - mean_n) ** 2 for n in sizes)
        b = sum((n - mean_n) * (t - mean_t) for n, t in self._samples) / var if var else 0.0
        a = mean_t - b * mean_n
        if not var:  # one size seen: a batch costs the same at any size
            a, b = mean_t, 0.0
        elif b < 0.0 or a < 0.0:  # noise: cost in proportion to size (never cheaper when bigger)
            a, b = 0.0, mean_t / mean_n
        self.a, self.b = a, b
        self.margin = math.sqrt(sum((t - a - b * n) ** 2 for n, t in self._samples) / len(self._samples))

    def predict(self, size: float) -> float:
        """Seconds one batch of ``size`` (items, or the batcher's cost units) takes (plus the margin)."""
        return self.a + self.margin + self.b * size


class MicroBatcher(Generic[T, R]):
    """Runs ``fn(list_of_items) -> results`` in ``pool``, coalescing concurrent submissions.

    ``cost(n)`` is the work of a batch of ``n`` items in units batch time is linear in (default:
    ``n``); the generator's work is its sampled rows, which do not grow with ``n`` past a point.
    """

    def __init__(
        self,
        fn: Callable[[list[T]], Sequence[R]],
        pool: WorkerPool,
        *,
        max_batch: int = 32,
        max_inflight: int = 1,
        max_queued: int = 1024,
        max_wait_s: float | None = None,
        cost: Callable[[int], float] = float,
    ) -> None:
        self.fn = fn
        self.cost = cost
        self.pool = pool
        self.max_batch = max_batch
        self.max_inflight = max_inflight
        self.max_queued = max_queued
        self.max_wait_s = max_wait_s
        self.times = BatchTimes()
        self._queue: list[tuple[T, asyncio.Future[R], float]] = []  # item, its result, queued at
        self._running: dict[int, tuple[int, float]] = {}  # batch number -> (size, start)
        self._tasks: set[asyncio.Task[None]] = set()
        self._started = 0
        self._probed = -math.inf
        self.batches = 0
        self.items = 0
        self.refused = 0

    @property
    def queued(self) -> int:
        """Items waiting for a batch to start."""
        return len(self._queue)

    def expected_wait_s(self) -> float | None:
        """Seconds until a new item's result: what is left of the running batches, then the
        queued batches ahead of it and its own (``None`` before the first batch is timed)."""
        if not self.times.ready:
            return None
        now = time.perf_counter()
        predict = self.times.predict
        running = [max(0.0, predict(self.cost(n)) - (now - t0)) for n, t0 in self._running.values()]
        left = min(running) if len(running) >= self.max_inflight else 0.0
        items = len(self._queue) + 1
        full_ahead = math.ceil(items / self.max_batch) - 1  # batches ahead run in parallel slots
        ahead = full_ahead * predict(self.cost(self.max_batch)) / self.max_inflight
        return left + ahead + predict(self.cost(items - full_ahead * self.max_batch))

    def admit(self) -> None:
        """Raise :class:`Busy` if a new item would be refused now (cheap; changes nothing else)."""
        queued = len(self._queue)
        if queued >= self.max_queued:
            raise self._refuse()
        if self.max_wait_s is None or self._probe():
            return
        wait = self.expected_wait_s()
        if (queued >= self.max_batch) if wait is None else (wait > self._slack_s()):
            raise self._refuse()

    def _idle(self) -> bool:
        """Whether a new item would start at once."""
        return not self._queue and len(self._running) < self.max_inflight

    def _probe(self) -> bool:
        """Whether to admit an item whatever the estimate: the model is idle (the item would start
        at once) and no item was admitted that way in the last ``max_wait_s`` (at least 1 s)."""
        assert self.max_wait_s is not None
        now = time.perf_counter()
        if not self._idle() or now - self._probed < max(self.max_wait_s, PROBE_EVERY_S):
            return False
        self._probed = now
        return True

    def _slack_s(self) -> float:
        """How long the new item's batch may still take: ``max_wait_s`` less what the oldest item
        already queued for that batch has waited (a new item makes its batch-mates later too)."""
        assert self.max_wait_s is not None
        first = len(self._queue) // self.max_batch * self.max_batch
        if first == len(self._queue):
            return self.max_wait_s
        return self.max_wait_s - (time.perf_counter() - self._queue[first][2])

    async def submit(self, item: T) -> R:
        """The result for ``item``; raises :class:`Busy` when it could not be served in time (an item
        that starts at once is served: the caller's :meth:`admit` let it through)."""
        if not self._idle():
            self.admit()
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future, time.perf_counter()))
        self._start_batches()
        return await future

    def warm_up(self, batches: Sequence[list[T]]) -> None:
        """Run and time ``batches`` now (synchronously, at start-up), so admission has figures."""
        for batch in batches:
            _, seconds = self.pool.call(self._timed, batch)
            self.times.add(self.cost(len(batch)), seconds)

    def _refuse(self) -> Busy:
        self.refused += 1
        return Busy(self.pool.name)

    def _start_batches(self) -> None:
        while self._queue and len(self._running) < self.max_inflight:
            batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
            self._started += 1
            self._running[self._started] = (len(batch), time.perf_counter())
            task = asyncio.create_task(self._run(self._started, batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _timed(self, items: list[T]) -> tuple[Sequence[R], float]:
        start = time.perf_counter()
        results = self.fn(items)
        return results, time.perf_counter() - start

    async def _run(self, number: int, batch: list[tuple[T, asyncio.Future[R], float]]) -> None:
        try:
            results, seconds = await self.pool.run(self._timed, [item for item, _, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"batch of {len(batch)} gave {len(results)} results")
        except Exception as exc:
            for _, future, _ in batch:
                if not future.done():
                    future.set_exception(exc)
        else:
            self.batches += 1
            self.items += len(batch)
            self.times.add(self.cost(len(batch)), seconds)
            for (_, future, _), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
        finally:
            del self._running[number]
            self._start_batches()
