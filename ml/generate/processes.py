"""A reply generator whose batches run in worker processes.

Generation is many short torch calls, each of which gives up and takes back Python's GIL; in
the bot's process, threads running the event loop, the database and the classifier hold the GIL
in between, and a batch then took several times its own compute (measured: 4 single-request
batches of 290-470 ms that take 60 ms alone). In its own process a batch runs at full speed on
its own core. Each process loads the configured generator once (``load_generator``), uses one
torch thread, and answers whole batches; requests and replies cross as pickled dataclasses and
strings. Processes are started with ``spawn`` (no fork of a threaded parent). A worker that
dies (killed, out of memory) breaks the pool; the next batch starts a new pool and is retried
once, so the bot answers again after one model load instead of failing every reply from then on.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from config.settings import GeneratorSettings
from ml.generate.request import ModelLoadError, ReplyGenerator, ReplyRequest

log = logging.getLogger(__name__)
_generator: ReplyGenerator | None = None
_error = ""
_libc: ctypes.CDLL | None = None
WARM_UP = ReplyRequest("How was your day?", "neutral", "en")


def _start(settings: GeneratorSettings) -> None:
    """Process initializer: one torch thread, the generator loaded and run once (or the error kept)."""
    global _generator, _error
    import torch

    from ml.generate.loader import load_generator

    torch.set_num_threads(1)
    try:
        _generator = load_generator(settings)
        _generator.generate([WARM_UP])
    except ModelLoadError as exc:
        _error = str(exc)


def _loaded() -> ReplyGenerator:
    if _generator is None:
        raise ModelLoadError(_error or "the generator process has no model")
    return _generator


def _ready() -> None:
    _loaded()


def _generate(requests: list[ReplyRequest]) -> list[str]:
    replies = _loaded().generate(requests)
    release_free_memory()
    return replies


def release_free_memory() -> None:
    """Hand freed memory back to the OS (glibc keeps it otherwise: measured, a generator worker
    grew from 490 to 640 MB under load, and start-up leaves the bot's process 200 MB larger)."""
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL("libc.so.6")
        except OSError:  # no glibc: nothing to do
            return
    _libc.malloc_trim(0)


class GeneratorProcesses:
    """:class:`ReplyGenerator` over ``processes`` worker processes; ``generate`` blocks its caller
    (a worker thread) until a free process has answered the batch."""

    def __init__(self, settings: GeneratorSettings, processes: int) -> None:
        self._settings = settings
        self._processes = processes
        self._lock = threading.Lock()
        self._pool = self._start_pool()

    def _start_pool(self) -> ProcessPoolExecutor:
        """A pool whose every process has loaded the model (:class:`ModelLoadError` otherwise)."""
        pool = ProcessPoolExecutor(
            max_workers=self._processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(self._settings,),
        )
        try:
            for ready in [pool.submit(_ready) for _ in range(self._processes)]:
                ready.result()
        except (ModelLoadError, BrokenProcessPool) as exc:
            pool.shutdown(wait=True, cancel_futures=True)
            raise ModelLoadError(str(exc) or "the generator process failed to start") from None
        return pool

    def generate(self, requests: Sequence[ReplyRequest]) -> list[str]:
        """One reply per request, computed in a worker process (retried once in a new pool when
        a worker died)."""
        pool = self._pool
        try:
            return pool.submit(_generate, list(requests)).result()
        except BrokenProcessPool:
            return self._restarted(pool).submit(_generate, list(requests)).result()

    def _restarted(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        """A working pool in place of ``broken`` (started once, whichever thread gets here first)."""
        with self._lock:
            if self._pool is broken:
                log.warning("a generator process died; starting a new one")
                broken.shutdown(wait=False, cancel_futures=True)
                self._pool = self._start_pool()
            return self._pool

    def close(self) -> None:
        """Stop the worker processes (waits for a batch that is running)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
