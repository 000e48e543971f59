"""What the core's parts share: settings, the store, the models, the worker pools and micro-batchers.

Model and database work runs in bounded pools, never on the event loop; a pool or batcher with too
much queued raises :class:`bot.workers.Busy` and the user is told to try again.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Awaitable
from datetime import UTC, tzinfo
from typing import Any, TypeVar

from bot.batching import MicroBatcher
from bot.components import Components
from bot.metrics import StageMetrics
from bot.store import ChatContext, Store, StoreError, UserSettings
from bot.types import UserRef
from bot.workers import WorkerPool
from config import Settings
from config.settings import zone_or_none
from ml.generate.row_budget import batch_cost
from ml.lang import detect_lang
from ml.runtime import single_torch_thread

T = TypeVar("T")

CLASSIFY_BATCH = 64
LISTEN_BACKLOG = 4  # voice messages queued for transcription (one at a time) before "busy"
IO_BACKLOG = 64  # queued database and index jobs above which chat is "busy" (4 threads run them)


class CoreServices:
    """One per core: the pools and batchers its chat pipeline, music operations and commands use."""

    def __init__(self, settings: Settings, store: Store, components: Components) -> None:
        self.settings = settings
        self.store = store
        self.components = components
        limits = settings.limits
        self.model_pool = WorkerPool(
            "model", limits.model_workers, limits.max_pending, initializer=single_torch_thread
        )
        in_process = limits.generator_processes == 0
        self.generator_pool = WorkerPool(
            "generator",
            max(1, limits.generator_processes),
            limits.max_pending,
            initializer=single_torch_thread if in_process else None,
        )
        self.io_pool = WorkerPool("io", 4, limits.max_pending * 4)
        # voice messages: one at a time in their own thread, so a long note never holds the
        # classifier's and ranker's workers (CTranslate2 releases the GIL while it decodes)
        self.stt_pool = WorkerPool("stt", 1, LISTEN_BACKLOG)
        self.metrics = StageMetrics()
        max_wait_s = limits.max_wait_ms / 1000.0
        on_models: dict[str, Any] = {
            "max_batch": CLASSIFY_BATCH,
            "max_queued": limits.max_pending,
            "max_wait_s": max_wait_s,
        }
        self.emotion_batcher = MicroBatcher(components.classifier.classify, self.model_pool, **on_models)
        self.reply_batcher = MicroBatcher(components.dialogue.respond, self.model_pool, **on_models)
        self.generator_batcher = MicroBatcher(
            components.generator.generate,
            self.generator_pool,
            max_batch=settings.generator.max_batch_rows,  # one sampling pass, a candidate each at most
            max_inflight=max(1, limits.generator_processes),
            max_queued=limits.max_pending,
            max_wait_s=max_wait_s,
            cost=functools.partial(batch_cost, settings.generator),
        )
        self.rng = random.Random()
        self.zone: tzinfo = zone_or_none(settings.timezone) or UTC  # the days of mood charts

    def shutdown(self) -> None:
        """Stop the thread pools (the components, maybe shared, stay up)."""
        self.model_pool.shutdown()
        self.stt_pool.shutdown()
        self.generator_pool.shutdown()
        self.io_pool.shutdown()

    async def timed(self, stage: str, work: Awaitable[T]) -> T:
        with self.metrics.stage(stage):
            return await work

    async def user_settings(self, user: UserRef) -> UserSettings:
        """The user's reply mode and language; defaults when the database can't be read."""
        try:
            return await self.io_pool.run(self.store.user_settings, user.key)
        except StoreError:
            return UserSettings()

    async def chat_context(self, user: UserRef) -> ChatContext:
        """Settings, history and feedback; defaults when the database can't be read."""
        try:
            return await self.io_pool.run(
                self.store.chat_context, user.key, self.settings.limits.history_turns
            )
        except StoreError:
            return ChatContext()

    async def user_lang(self, user: UserRef, hint: str | None, default: str | None = "en") -> str | None:
        """``en`` or ``ko``: the /lang setting, else the platform's hint, else the language of the
        user's last message; ``default`` when there is none."""
        chosen = (await self.user_settings(user)).lang
        if chosen in ("en", "ko"):
            return chosen
        if hint in ("en", "ko"):
            return hint
        try:
            latest = await self.io_pool.run(self.store.latest_user_text, user.key)
        except StoreError:
            latest = None
        return detect_lang(latest) if latest else default
