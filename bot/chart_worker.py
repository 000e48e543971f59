"""Mood charts drawn in a worker process, so drawing never competes for the bot's GIL.

Matplotlib lays out and rasterises in Python for most of a chart's 40-60 ms. Drawn in one of the
bot's threads it held the GIL against the event loop, the database and the classifier: with
``happytalk bench load --users 100 --mood-share 0.1`` (paced) the classifier's p50 went from 45 to
125-150 ms and served p99 from 1.05 to 1.5-2.1 s. In its own process, the same comparison (four
pairs of alternating runs, a shared machine) is within the noise: classifier p50 31-45 vs 23-42 ms,
served p99 1.03-1.36 vs 0.86-1.46 s, ``/mood`` answered in 0.13-0.39 s (p50). The process is
spawned and warmed up in the background when the bot starts (matplotlib loads there: ~1 s, 90 MB)
and draws one chart at a time; days go in pickled, PNG bytes come out. A process that dies is
replaced and the chart drawn again once; more than ``max_pending`` waiting charts is "busy".
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime

from bot.mood_chart import render_chart
from bot.mood_summary import MoodDays, mood_days
from bot.workers import Busy

log = logging.getLogger(__name__)


def _pid() -> int:
    return os.getpid()


def _warm_up() -> None:
    """Import matplotlib and draw once (fonts, caches) before the first ``/mood`` needs it."""
    render_chart(mood_days([], "week", datetime.now(UTC), UTC))


class ChartWorker:
    """Draws :class:`MoodDays` as PNG bytes in one spawned process (started when first needed)."""

    def __init__(self, max_pending: int = 32) -> None:
        self.max_pending = max_pending
        self._pending = 0
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    async def draw(self, days: MoodDays) -> bytes:
        """The chart's PNG; raises :class:`Busy` when ``max_pending`` charts are waiting already."""
        if self._pending >= self.max_pending:
            raise Busy("charts")
        self._pending += 1
        loop = asyncio.get_running_loop()
        pool = self._current()
        try:
            try:
                return await loop.run_in_executor(pool, render_chart, days)
            except BrokenProcessPool:
                return await loop.run_in_executor(self._restarted(pool), render_chart, days)
        finally:
            self._pending -= 1

    def start(self) -> None:
        """Start the process and warm it up in the background (start-up; returns at once)."""
        self._current().submit(_warm_up)

    async def pid(self) -> int:
        """The drawing process's id (it is started if it isn't running)."""
        return await asyncio.get_running_loop().run_in_executor(self._current(), _pid)

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                spawn = multiprocessing.get_context("spawn")  # no fork of a threaded parent
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=spawn)
            return self._pool

    def _restarted(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is broken:
                log.warning("the mood chart process died; starting a new one")
                broken.shutdown(wait=False, cancel_futures=True)
                self._pool = None
        return self._current()

    def close(self) -> None:
        """Stop the drawing process (after the chart it is drawing, if any)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
