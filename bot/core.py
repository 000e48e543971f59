"""The dialogue core: every platform's messages and button presses end up here.

Each public coroutine takes a user (and what they asked for) and returns the events to send
back. Access control and rate limits are checked here once, for every adapter; the work itself is
done by the chat pipeline (``bot.chat_pipeline``), the music operations (``bot.music_operations``)
and the command handling (``bot.command_handling``), over the pools in ``bot.core_services``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot import texts
from bot.access import AccessPolicy
from bot.chat_pipeline import ChatPipeline, clean_text
from bot.command_handling import CommandHandling
from bot.commands import parse_command
from bot.components import Components
from bot.core_services import IO_BACKLOG, LISTEN_BACKLOG, CoreServices
from bot.metrics import StageMetrics
from bot.music_operations import MusicOperations, error
from bot.store import Store, StoreError, UserSettings
from bot.telemetry import record_busy, record_message
from bot.types import Event, UserMessage, UserRef
from bot.workers import Busy
from config import Settings
from ml.generate import ReplyRequest
from ml.lang import detect_lang
from ml.stt import TooLarge, TooLong

log = logging.getLogger(__name__)

WARM_UP_TEXTS = ("How was your day?", "I had a long week at work", "오늘 정말 행복했어")


class DialogueCore:
    """Handles messages and actions for every adapter; one instance per process."""

    def __init__(self, settings: Settings, store: Store, components: Components) -> None:
        self.settings = settings
        self.store = store
        self.components = components
        self.services = CoreServices(settings, store, components)
        self.access = AccessPolicy(settings.access.allowed_ids, settings.access.admin_ids)
        self.music = MusicOperations(self.services)
        self.commands = CommandHandling(self.services, self.music, self.access)
        self.chat_pipeline = ChatPipeline(self.services, self.music, self.commands.run)

    @property
    def metrics(self) -> StageMetrics:
        return self.services.metrics

    def warm_up(self) -> None:
        """Run the classifier, the reply ranker and the generator once alone and once with a full
        batch (start-up), so the first messages find warm models and admission knows what a batch costs;
        start the mood chart process."""
        s = self.services
        texts_ = [WARM_UP_TEXTS[i % len(WARM_UP_TEXTS)] for i in range(s.emotion_batcher.max_batch)]
        s.emotion_batcher.warm_up([texts_[:1], texts_])
        requests = [ReplyRequest(text=t, emotion="neutral", lang=detect_lang(t), history=()) for t in texts_]
        s.reply_batcher.warm_up([requests[:1], requests])
        s.generator_batcher.warm_up([requests[:1], requests[: s.generator_batcher.max_batch]])
        self.components.charts.start()

    async def close(self) -> None:
        self.stop_workers()
        self.store.close()
        self.components.close()

    def stop_workers(self) -> None:
        """Stop this core's thread pools (the components, maybe shared, stay up)."""
        self.services.shutdown()

    def queue_depths(self) -> dict[str, int]:
        """Jobs queued or running in each worker pool, and items waiting for a batch (``/metrics``)."""
        s = self.services
        return {
            "model": s.model_pool.pending,
            "generator": s.generator_pool.pending,
            "io": s.io_pool.pending,
            "classify_batch": s.emotion_batcher.queued,
            "reply_batch": s.reply_batcher.queued,
            "generate_batch": s.generator_batcher.queued,
        }

    # ---------------------------------------------------------------- entry points
    async def handle(self, msg: UserMessage) -> list[Event]:
        """A text message: a command, or chat (emotion, reply, five tracks, maybe a voice note)."""
        text = clean_text(msg.text).strip()
        limit = self.settings.limits.max_message_chars
        if not text or len(msg.text) > limit:
            record_message(msg.user.platform, "invalid")
        if not text:
            return error(texts.EMPTY)
        if len(msg.text) > limit:
            return error(texts.TOO_LONG.format(chars=len(msg.text), limit=limit))
        cmd = parse_command(text)
        if cmd is not None:
            return await self._guarded(msg.user, lambda: self.commands.run(msg, cmd))
        with self.metrics.stage("total"):
            return await self._guarded(
                msg.user, lambda: self.chat_pipeline.chat(msg, text), admit=self._admit_chat
            )

    async def listen(self, msg: UserMessage, audio: bytes | Path) -> list[Event]:
        """A voice message (``msg.text`` unused): transcribe it off the event loop, show what was
        heard and answer it as a chat message (with a voice note under ``/voice auto``)."""
        with self.metrics.stage("total"):
            return await self._guarded(
                msg.user, lambda: self.chat_pipeline.listen(msg, audio), admit=self._admit_listen
            )

    def voice_refusal(self, seconds: float | None, size: int | None) -> list[Event]:
        """The answer refusing a voice message by its declared length or byte size, before anyone
        downloads it; empty when it is within the limits."""
        speech = self.settings.speech
        if seconds is not None and seconds > speech.stt_max_seconds + 1:
            return error(str(TooLong(speech.stt_max_seconds)))
        if size is not None and size > speech.stt_max_mb * 1024 * 1024:
            return error(str(TooLarge(speech.stt_max_mb)))
        return []

    async def pick(self, user: UserRef, track_id: str) -> list[Event]:
        """Five tracks similar to one the user was offered."""
        return await self._guarded(user, lambda: self.music.similar(user, track_id))

    async def feedback(self, user: UserRef, track_id: str, liked: bool) -> list[Event]:
        """Remember a like or dislike; later recommendations use it."""
        return await self._guarded(user, lambda: self.music.feedback(user, track_id, liked))

    async def play(self, user: UserRef, track_id: str) -> list[Event]:
        """A playable clip of an offered track."""
        return await self._guarded(user, lambda: self.music.play(user, track_id))

    async def recommend(self, user: UserRef, emotion: str | None = None) -> list[Event]:
        """Five tracks for ``emotion`` (default: the user's latest mood)."""
        return await self._guarded(user, lambda: self.music.recommend(user, emotion))

    async def set_reply_mode(self, user: UserRef, mode: str) -> list[Event]:
        return await self._guarded(user, lambda: self.commands.set_reply_mode(user, mode))

    async def set_lang(self, user: UserRef, lang: str) -> list[Event]:
        return await self._guarded(user, lambda: self.commands.set_lang(user, lang))

    async def mood(self, user: UserRef, period: str = "", timezone: str | None = None) -> list[Event]:
        """A chart of the user's moods over the last ``week`` (default) or ``month``; days are local to
        ``timezone`` (an IANA name; default: the ``timezone`` setting)."""
        return await self._guarded(user, lambda: self.commands.mood(user, period, timezone=timezone))

    async def compose(self, user: UserRef, emotion: str | None = None) -> list[Event]:
        return await self._guarded(user, lambda: self.music.compose(user, emotion))

    async def help(self, user: UserRef) -> list[Event]:
        return await self._guarded(user, lambda: self.commands.help(user))

    async def preferences(self, user: UserRef) -> UserSettings:
        """The user's reply mode and language (defaults when unknown); for adapters' toggles."""
        return await self.services.user_settings(user)

    # ---------------------------------------------------------------- guards
    async def _guarded(
        self,
        user: UserRef,
        op: Callable[[], Awaitable[list[Event]]],
        admit: Callable[[], None] | None = None,
    ) -> list[Event]:
        """``op`` for an allowed user within their rate; ``admit`` (raises :class:`Busy`) runs before
        the rate is counted, so an overloaded bot says "busy" without a database write."""
        if not self.access.allowed(user):
            record_message(user.platform, "refused")
            return error(texts.PRIVATE)
        outcome = "error"
        try:
            if admit is not None:
                admit()
            if not await self._within_rate(user):
                outcome = "rate_limited"
                return error(texts.TOO_FAST)
            events = await op()
            outcome = "answered"
            return events
        except Busy as exc:
            outcome = "busy"
            record_busy(str(exc.args[0]) if exc.args else "")
            return error(texts.BUSY)
        except StoreError as exc:
            outcome = "database_error"
            return error(texts.DATABASE_ERROR.format(reason=exc))
        except Exception:
            log.exception("unexpected error for %s", user.platform)
            return error(texts.SORRY)
        finally:
            record_message(user.platform, outcome)

    def _admit_listen(self) -> None:
        if self.components.transcriber is not None and self.services.stt_pool.pending >= LISTEN_BACKLOG:
            raise Busy("stt")
        self._admit_chat()

    def _admit_chat(self) -> None:
        """Raise :class:`Busy` when a chat message could not be answered in time: the reply
        ranker's expected wait, or a database/index queue of ``IO_BACKLOG`` jobs (a chat needs four).
        The generator is asked only when retrieval fits badly, and only if it has room then."""
        if self.services.io_pool.pending >= IO_BACKLOG:
            raise Busy("io")
        self.services.reply_batcher.admit()

    async def _within_rate(self, user: UserRef) -> bool:
        """The per-user message limit, counted in the database so every replica shares it."""
        s = self.services
        per_minute = self.settings.limits.user_messages_per_minute
        try:
            return await s.io_pool.run(s.store.take_rate_slot, user.key, per_minute, 60.0)
        except StoreError:
            return True  # the database is down: the answer will say so; don't refuse on top


__all__ = ["DialogueCore", "clean_text"]
