"""Micro-batching: concurrent single requests to one model become one batch call.

No timer: when the model is idle a request runs at once (no added latency); while a batch
runs, new requests queue and the next batch takes them all (up to ``max_batch``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from bot.workers import Busy, WorkerPool

T = TypeVar("T")
R = TypeVar("R")


class MicroBatcher(Generic[T, R]):
    """Runs ``fn(list_of_items) -> results`` in ``pool``, coalescing concurrent submissions."""

    def __init__(
        self,
        fn: Callable[[list[T]], Sequence[R]],
        pool: WorkerPool,
        *,
        max_batch: int = 32,
        max_inflight: int = 1,
        max_queued: int = 1024,
    ) -> None:
        self.fn = fn
        self.pool = pool
        self.max_batch = max_batch
        self.max_inflight = max_inflight
        self.max_queued = max_queued
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._inflight = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self.batches = 0
        self.items = 0

    async def submit(self, item: T) -> R:
        """The result for ``item``; raises :class:`Busy` when too much is queued."""
        if len(self._queue) >= self.max_queued:
            raise Busy(self.pool.name)
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        self._start_batches()
        return await future

    def _start_batches(self) -> None:
        while self._queue and self._inflight < self.max_inflight:
            batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
            self._inflight += 1
            task = asyncio.create_task(self._run(batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self.pool.run(self.fn, [item for item, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"batch of {len(batch)} gave {len(results)} results")
        except Exception as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
        else:
            self.batches += 1
            self.items += len(batch)
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
        finally:
            self._inflight -= 1
            self._start_batches()
