"""Bounded executors: model work and database calls never run on the event loop."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Busy(Exception):
    """Too much work is queued; the caller should answer 'busy, try again'."""


class WorkerPool:
    """A thread pool with a cap on queued jobs (so overload is refused, not buffered)."""

    def __init__(
        self, name: str, workers: int, max_pending: int, initializer: Callable[[], None] | None = None
    ) -> None:
        self._executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix=name, initializer=initializer
        )
        self._max_pending = max_pending
        self._pending = 0
        self.name = name

    @property
    def pending(self) -> int:
        return self._pending

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn`` in the pool; raises :class:`Busy` when ``max_pending`` jobs are queued."""
        if self._pending >= self._max_pending:
            raise Busy(self.name)
        self._pending += 1
        try:
            loop = asyncio.get_running_loop()
            call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
            return await loop.run_in_executor(self._executor, call)
        finally:
            self._pending -= 1

    def call(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn`` in the pool and wait for it, from synchronous code (start-up)."""
        return self._executor.submit(fn, *args, **kwargs).result()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
