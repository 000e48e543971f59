"""The dialogue core: every platform's messages and button presses end up here.

Each public coroutine takes a user (and what they asked for) and returns the events to send
back. Access control, rate limits, commands, settings and history live here once, for every
adapter. Model and database work runs in bounded worker pools, never on the event loop.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TypeVar

from bot import mood_summary
from bot.access import AccessPolicy
from bot.batching import MicroBatcher
from bot.clips import ClipError, make_clip
from bot.commands import COMMANDS, Command, help_text, parse_command
from bot.components import Components
from bot.metrics import StageMetrics
from bot.music_lines import music_heading, music_line, requested_mood
from bot.store import ChatContext, Store, StoreError, UserSettings
from bot.telemetry import record_busy, record_message
from bot.types import (
    LANG_SETTINGS,
    REPLY_MODES,
    AudioClip,
    EmotionEvent,
    Event,
    Heard,
    MoodChart,
    Reply,
    Tracks,
    TrackSuggestion,
    UserMessage,
    UserRef,
    VoiceNote,
)
from bot.workers import Busy, WorkerPool
from config import EMOTIONS, Settings
from config.settings import zone_or_none
from ml.dialogue.engine import ReplyChoice
from ml.generate import ReplyRequest
from ml.generate.row_budget import batch_cost
from ml.lang import detect_lang
from ml.music_request import music_request
from ml.runtime import single_torch_thread
from ml.speech import SpeechError
from ml.stt import TooLarge, TooLong, TranscriptionError
from music_index import Suggestion

log = logging.getLogger(__name__)
T = TypeVar("T")

CLASSIFY_BATCH = 64
LISTEN_BACKLOG = 4  # voice messages queued for transcription (one at a time) before "busy"
IO_BACKLOG = 64  # queued database and index jobs above which chat is "busy" (4 threads run them)
WARM_UP_TEXTS = ("How was your day?", "I had a long week at work", "오늘 정말 행복했어")
BUSY = "I'm talking with a lot of people right now — please try again in a few seconds."
NOT_OFFERED = "That track isn't one I suggested to you. Tell me how you feel and I'll suggest some."


def _err(text: str) -> list[Event]:
    return [Reply(text, kind="error")]


def _info(text: str) -> list[Event]:
    return [Reply(text, kind="info")]


@dataclass(frozen=True, slots=True)
class _Chosen:
    track_id: str
    error: str | None = None


class DialogueCore:
    """Handles messages and actions for every adapter; one instance per process."""

    def __init__(self, settings: Settings, store: Store, components: Components) -> None:
        self.settings = settings
        self.store = store
        self.c = components
        limits = settings.limits
        self.models = WorkerPool(
            "model", limits.model_workers, limits.max_pending, initializer=single_torch_thread
        )
        in_process = limits.generator_processes == 0
        self.generator_pool = WorkerPool(
            "generator",
            max(1, limits.generator_processes),
            limits.max_pending,
            initializer=single_torch_thread if in_process else None,
        )
        self.io = WorkerPool("io", 4, limits.max_pending * 4)
        # voice messages: one at a time in their own thread, so a long note never holds the
        # classifier's and ranker's workers (CTranslate2 releases the GIL while it decodes)
        self.listening = WorkerPool("stt", 1, LISTEN_BACKLOG)
        self.access = AccessPolicy(settings.access.allowed_ids, settings.access.admin_ids)
        self.metrics = StageMetrics()
        max_wait_s = limits.max_wait_ms / 1000.0
        self.classify = MicroBatcher(
            components.classifier.classify,
            self.models,
            max_batch=CLASSIFY_BATCH,
            max_queued=limits.max_pending,
            max_wait_s=max_wait_s,
        )
        self.respond = MicroBatcher(
            components.dialogue.respond,
            self.models,
            max_batch=CLASSIFY_BATCH,
            max_queued=limits.max_pending,
            max_wait_s=max_wait_s,
        )
        self.generate = MicroBatcher(
            components.generator.generate,
            self.generator_pool,
            max_batch=settings.generator.max_batch_rows,  # one sampling pass, a candidate each at most
            max_inflight=max(1, limits.generator_processes),
            max_queued=limits.max_pending,
            max_wait_s=max_wait_s,
            cost=functools.partial(batch_cost, settings.generator),
        )
        self._rng = random.Random()
        self._zone: tzinfo = zone_or_none(settings.timezone) or UTC  # the days of mood charts

    def warm_up(self) -> None:
        """Run the classifier, the reply ranker and the generator once alone and once with a full
        batch (start-up), so the first messages find warm models and admission knows what a batch costs;
        start the mood chart process."""
        texts = [WARM_UP_TEXTS[i % len(WARM_UP_TEXTS)] for i in range(self.classify.max_batch)]
        self.classify.warm_up([texts[:1], texts])
        requests = [ReplyRequest(text=t, emotion="neutral", lang=detect_lang(t), history=()) for t in texts]
        self.respond.warm_up([requests[:1], requests])
        self.generate.warm_up([requests[:1], requests[: self.generate.max_batch]])
        self.c.charts.start()

    async def close(self) -> None:
        self.stop_workers()
        self.store.close()
        self.c.close()

    def stop_workers(self) -> None:
        """Stop this core's thread pools (the components, maybe shared, stay up)."""
        self.models.shutdown()
        self.listening.shutdown()
        self.generator_pool.shutdown()
        self.io.shutdown()

    def queue_depths(self) -> dict[str, int]:
        """Jobs queued or running in each worker pool, and items waiting for a batch (``/metrics``)."""
        return {
            "model": self.models.pending,
            "generator": self.generator_pool.pending,
            "io": self.io.pending,
            "classify_batch": self.classify.queued,
            "reply_batch": self.respond.queued,
            "generate_batch": self.generate.queued,
        }

    # ---------------------------------------------------------------- entry points
    async def handle(self, msg: UserMessage) -> list[Event]:
        """A text message: a command, or chat (emotion, reply, five tracks, maybe a voice note)."""
        text = clean_text(msg.text).strip()
        limit = self.settings.limits.max_message_chars
        if not text or len(msg.text) > limit:
            record_message(msg.user.platform, "invalid")
        if not text:
            return _err("I didn't catch anything — send me a message, or /help to see what I can do.")
        if len(msg.text) > limit:
            return _err(
                f"That message is {len(msg.text):,} characters long; I can read up to {limit:,}. "
                "Could you send a shorter one?"
            )
        cmd = parse_command(text)
        if cmd is not None:
            return await self._guarded(msg.user, lambda: self._command(msg, cmd))
        with self.metrics.stage("total"):
            return await self._guarded(msg.user, lambda: self._chat(msg, text), admit=self._admit_chat)

    async def listen(self, msg: UserMessage, audio: bytes | Path) -> list[Event]:
        """A voice message (``msg.text`` unused): transcribe it off the event loop, show what was
        heard and answer it as a chat message (with a voice note under ``/voice auto``)."""
        with self.metrics.stage("total"):
            return await self._guarded(msg.user, lambda: self._listen(msg, audio), admit=self._admit_listen)

    def voice_refusal(self, seconds: float | None, size: int | None) -> list[Event]:
        """The answer refusing a voice message by its declared length or byte size, before anyone
        downloads it; empty when it is within the limits."""
        speech = self.settings.speech
        if seconds is not None and seconds > speech.stt_max_seconds + 1:
            return _err(str(TooLong(speech.stt_max_seconds)))
        if size is not None and size > speech.stt_max_mb * 1024 * 1024:
            return _err(str(TooLarge(speech.stt_max_mb)))
        return []

    async def pick(self, user: UserRef, track_id: str) -> list[Event]:
        """Five tracks similar to one the user was offered."""
        return await self._guarded(user, lambda: self._pick(user, track_id))

    async def feedback(self, user: UserRef, track_id: str, liked: bool) -> list[Event]:
        """Remember a like or dislike; later recommendations use it."""
        return await self._guarded(user, lambda: self._feedback(user, track_id, liked))

    async def play(self, user: UserRef, track_id: str) -> list[Event]:
        """A playable clip of an offered track."""
        return await self._guarded(user, lambda: self._play(user, track_id))

    async def recommend(self, user: UserRef, emotion: str | None = None) -> list[Event]:
        """Five tracks for ``emotion`` (default: the user's latest mood)."""
        return await self._guarded(user, lambda: self._recommend(user, emotion))

    async def set_reply_mode(self, user: UserRef, mode: str) -> list[Event]:
        return await self._guarded(user, lambda: self._set(user, "voice", mode))

    async def set_lang(self, user: UserRef, lang: str) -> list[Event]:
        return await self._guarded(user, lambda: self._set(user, "lang", lang))

    async def mood(self, user: UserRef, period: str = "", timezone: str | None = None) -> list[Event]:
        """A chart of the user's moods over the last ``week`` (default) or ``month``; days are local to
        ``timezone`` (an IANA name; default: the ``timezone`` setting)."""
        return await self._guarded(user, lambda: self._mood(user, period, timezone=timezone))

    async def compose(self, user: UserRef, emotion: str | None = None) -> list[Event]:
        return await self._guarded(user, lambda: self._compose(user, emotion))

    async def help(self, user: UserRef) -> list[Event]:
        return await self._guarded(user, self._help_for(user))

    async def preferences(self, user: UserRef) -> UserSettings:
        """The user's reply mode and language (defaults when unknown); for adapters' toggles."""
        return await self._settings(user)

    # ---------------------------------------------------------------- plumbing
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
            return _err("Sorry, this bot is private and you're not on its list of users.")
        outcome = "error"
        try:
            if admit is not None:
                admit()
            if not await self._within_rate(user):
                outcome = "rate_limited"
                return _err("You're sending messages faster than I can think — give me a few seconds.")
            events = await op()
            outcome = "answered"
            return events
        except Busy as exc:
            outcome = "busy"
            record_busy(str(exc.args[0]) if exc.args else "")
            return _err(BUSY)
        except StoreError as exc:
            outcome = "database_error"
            return _err(f"Sorry, {exc}.")
        except Exception:
            log.exception("unexpected error for %s", user.platform)
            return _err("Sorry, something went wrong on my side. Please try again.")
        finally:
            record_message(user.platform, outcome)

    def _admit_listen(self) -> None:
        if self.c.transcriber is not None and self.listening.pending >= LISTEN_BACKLOG:
            raise Busy("stt")
        self._admit_chat()

    def _admit_chat(self) -> None:
        """Raise :class:`Busy` when a chat message could not be answered in time: the reply
        ranker's expected wait, or a database/index queue of ``IO_BACKLOG`` jobs (a chat needs four).
        The generator is asked only when retrieval fits badly, and only if it has room then."""
        if self.io.pending >= IO_BACKLOG:
            raise Busy("io")
        self.respond.admit()

    async def _within_rate(self, user: UserRef) -> bool:
        """The per-user message limit, counted in the database so every replica shares it."""
        per_minute = self.settings.limits.user_messages_per_minute
        try:
            return await self.io.run(self.store.take_rate_slot, user.key, per_minute, 60.0)
        except StoreError:
            return True  # the database is down: the answer will say so; don't refuse on top

    def _help_for(self, user: UserRef) -> Callable[[], Awaitable[list[Event]]]:
        async def op() -> list[Event]:
            return _info(help_text(self.access.is_admin(user)))

        return op

    async def _settings(self, user: UserRef) -> UserSettings:
        try:
            return await self.io.run(self.store.user_settings, user.key)
        except StoreError:
            return UserSettings()

    # ---------------------------------------------------------------- commands
    async def _command(self, msg: UserMessage, cmd: Command) -> list[Event]:
        user, args = msg.user, cmd.args
        arg = args[0] if args else ""
        match cmd.name:
            case "start":
                return _info(
                    "Hi! I'm happytalk. Tell me how your day is going — I'll answer, "
                    "notice the mood and suggest five tracks for it.\n\n" + help_text()
                )
            case "help":
                return await self._help_for(user)()
            case "pick" | "similar":
                chosen = await self._choose(user, arg, "pick")
                return _err(chosen.error) if chosen.error else await self._pick(user, chosen.track_id)
            case "play":
                chosen = await self._choose(user, arg, "play")
                return _err(chosen.error) if chosen.error else await self._play(user, chosen.track_id)
            case "like" | "dislike":
                chosen = await self._choose(user, arg, cmd.name)
                if chosen.error:
                    return _err(chosen.error)
                return await self._feedback(user, chosen.track_id, cmd.name == "like")
            case "recommend":
                return await self._recommend(user, arg or None)
            case "voice":
                return await self._set(user, "voice", arg)
            case "lang":
                return await self._set(user, "lang", arg)
            case "mood":
                return await self._mood(user, arg, lang_hint=msg.lang_hint)
            case "compose":
                return await self._compose(user, arg or None)
            case "reindex":
                return await self._reindex(user)
            case _:
                return _err(f"I don't know /{cmd.name[:40]}. Try /help for the list of commands.")

    async def _choose(self, user: UserRef, arg: str, verb: str) -> _Chosen:
        """Resolve ``N`` (1-based position in the last suggestions) or a track id."""
        last = await self.io.run(self.store.last_offer, user.key)
        if not arg:
            return _Chosen("", f"Which one? Use /{verb} N with N from 1 to {max(len(last), 1)}.")
        if arg.isdigit():
            if not last:
                return _Chosen("", "I haven't suggested any tracks yet — tell me how you feel first.")
            n = int(arg)
            if not 1 <= n <= len(last):
                return _Chosen(
                    "", f"There's no suggestion {arg[:6]}; pick 1 to {len(last)} from my last list."
                )
            return _Chosen(last[n - 1])
        return _Chosen(arg[:32])

    async def _set(self, user: UserRef, what: str, value: str) -> list[Event]:
        value = value.lower()
        if what == "voice":
            if value not in REPLY_MODES:
                current = (await self._settings(user)).reply_mode
                return _err(f"Use /voice auto, /voice text, /voice voice or /voice both (now: {current}).")
            await self.io.run(self.store.update_settings, user.key, reply_mode=value)
            return _info(
                {
                    "auto": "I'll answer voice messages with a voice note, and text with text.",
                    "text": "I'll answer in text.",
                    "voice": "I'll answer with voice notes.",
                    "both": "I'll answer in text and with a voice note.",
                }[value]
            )
        if value not in LANG_SETTINGS:
            current = (await self._settings(user)).lang
            return _err(f"Use /lang auto, /lang en or /lang ko (now: {current}).")
        await self.io.run(self.store.update_settings, user.key, lang=value)
        return _info(
            {
                "auto": "I'll answer in the language you write in.",
                "en": "I'll answer in English.",
                "ko": "이제 한국어로 대답할게요.",
            }[value]
        )

    async def _mood(
        self, user: UserRef, arg: str, *, lang_hint: str | None = None, timezone: str | None = None
    ) -> list[Event]:
        lang = await self._user_lang(user, lang_hint)
        period = mood_summary.parse_period(arg)
        if period is None:
            return _err(mood_summary.unknown_period(arg, lang))
        zone = zone_or_none(timezone or "") or self._zone
        days = await self.io.run(self._mood_days, user.key, period, datetime.now(UTC), zone)
        if not days.total:
            return _info(mood_summary.no_moods(period, lang))
        png = await self.c.charts.draw(days)  # in its own process: matplotlib would hold our GIL
        return [MoodChart(png, mood_summary.caption(days, lang), period, days.totals)]

    def _mood_days(
        self, user_key: str, period: mood_summary.Period, now: datetime, zone: tzinfo
    ) -> mood_summary.MoodDays:
        """The user's moods per day of ``period`` (read and counted in a worker thread)."""
        entries = self.store.moods_since(user_key, mood_summary.window_start(period, now, zone))
        return mood_summary.mood_days(entries, period, now, zone)

    async def _user_lang(self, user: UserRef, hint: str | None) -> str:
        """``en`` or ``ko``: the /lang setting, else the platform's hint, else the language of the
        user's last message."""
        chosen = (await self._settings(user)).lang
        if chosen in ("en", "ko"):
            return chosen
        if hint in ("en", "ko"):
            return hint
        try:
            latest = await self.io.run(self.store.latest_user_text, user.key)
        except StoreError:
            latest = None
        return detect_lang(latest or "")

    async def _reindex(self, user: UserRef) -> list[Event]:
        if not self.access.is_admin(user):
            return _err("/reindex is for admins only.")
        changed = await self.models.run(self.c.rebuild_library)
        return _info("Rebuilt the music index." if changed else "The music index is already up to date.")

    # ---------------------------------------------------------------- voice messages
    async def _listen(self, msg: UserMessage, audio: bytes | Path) -> list[Event]:
        transcriber = self.c.transcriber
        if transcriber is None:
            return _err("I can't listen to voice messages on this server — please type it.")
        hint = await self._listen_hint(msg)
        try:
            heard = await self._timed("listen", self.listening.run(transcriber.transcribe, audio, hint))
        except TranscriptionError as exc:
            return _err(str(exc))
        text = clean_text(heard.text)[: self.settings.limits.max_message_chars]
        spoken = replace(msg, text=text, lang_hint=heard.lang, spoken=True)
        cmd = parse_command(text)
        answer = await (self._command(spoken, cmd) if cmd is not None else self._chat(spoken, text))
        return [Heard(text, heard.lang, heard.confidence), *answer]

    async def _listen_hint(self, msg: UserMessage) -> str | None:
        """The language to listen for: the /lang setting, else the platform's hint, else the language
        of the user's last message; ``None`` (listen for either) for a new user."""
        chosen = (await self._settings(msg.user)).lang
        if chosen in ("en", "ko"):
            return chosen
        if msg.lang_hint in ("en", "ko"):
            return msg.lang_hint
        try:
            latest = await self.io.run(self.store.latest_user_text, msg.user.key)
        except StoreError:
            return None
        return detect_lang(latest) if latest else None

    # ---------------------------------------------------------------- chat
    async def _chat(self, msg: UserMessage, text: str) -> list[Event]:
        user = msg.user
        result, context = await asyncio.gather(
            self._timed("emotion", self.classify.submit(text)), self._chat_context(user)
        )
        prefs = context.settings
        mode = prefs.reply_mode
        if mode == "auto":
            mode = "voice" if msg.spoken else "text"
        lang = prefs.lang if prefs.lang in ("en", "ko") else (msg.lang_hint or detect_lang(text))
        lang = lang if lang in ("en", "ko") else "en"
        request = ReplyRequest(text=text, emotion=result.label, lang=lang, history=context.history)
        confident = result.confidence >= self.settings.emotion.neutral_threshold
        wanted = music_request(text)
        if wanted is not None:
            felt = result.label if confident else None
            music_emotion = requested_mood(wanted.mood, felt, context.moods)
        else:
            music_emotion = result.label if confident else "neutral"
        choice, suggestions = await asyncio.gather(
            self._timed("reply", self._reply(request)),
            self._timed(
                "recommend", self._recommend_for(music_emotion, list(context.liked), list(context.disliked))
            ),
        )
        events: list[Event] = [EmotionEvent(result.label, dict(result.scores))]
        reply_text = choice.text
        if choice.source == "safety":  # care and crisis lines first, always as text; no track pitch
            events = [Reply(choice.text)]
            if mode in ("voice", "both"):
                spoken = await self._render_reply(choice.text, lang, "voice")
                events += [e for e in spoken if isinstance(e, VoiceNote)]
            suggestions = []
        elif wanted is not None:  # asked for music: the tracks lead, a short line follows
            reply_text = music_line(music_emotion, lang, self._rng)
            events.append(
                Tracks(music_heading(music_emotion, lang), self._suggestions(suggestions), kind="mood")
            )
            events += await self._render_reply(reply_text, lang, mode)
        else:
            events += await self._render_reply(reply_text, lang, mode)
            heading = (
                f"Five tracks for your {music_emotion}:"
                if confident
                else "Five easygoing tracks (I'm not sure how you feel):"
            )
            events.append(Tracks(heading, self._suggestions(suggestions), kind="mood"))
        try:
            await self.io.run(
                self.store.record_exchange,
                user.key,
                text,
                reply_text,
                result.label,
                result.confidence,
                [s.track.id for s in suggestions],
            )
        except StoreError:
            events.append(
                Reply(
                    "(I couldn't save this conversation just now, so /pick may not find these tracks.)",
                    kind="error",
                )
            )
        return events

    async def _reply(self, request: ReplyRequest) -> ReplyChoice:
        """Retrieved and ranked; the generator is asked too when retrieval fits badly and it has room."""
        choice = await self.respond.submit(request)
        if not choice.needs_generator:
            return choice
        try:
            self.generate.admit()
            generated = await self.generate.submit(request)
        except Busy:
            return choice
        return await self.models.run(self.c.dialogue.prefer, request, choice, generated)

    async def _render_reply(self, reply: str, lang: str, mode: str) -> list[Event]:
        events: list[Event] = []
        if mode in ("text", "both"):
            events.append(Reply(reply))
        if mode in ("voice", "both"):
            note: VoiceNote | None = None
            why: str | None = None
            if self.c.speaker is None:
                why = "voice replies are not set up"
            else:
                try:
                    spoken = await self._timed(
                        "voice", self.models.run(self.c.speaker.synthesize, reply, lang)
                    )
                    note = VoiceNote(
                        spoken.ogg, spoken.duration_s, tuple(spoken.waveform), spoken.engine, reply
                    )
                    why = spoken.notice
                except SpeechError as exc:
                    note, why = None, f"I couldn't speak this one ({exc})"
            if note is not None:
                events.append(note)
            elif mode == "voice":
                events.append(Reply(reply))
            if why:
                events.append(Reply(f"({why})", kind="info"))
        return events

    # ---------------------------------------------------------------- music
    async def _timed(self, stage: str, work: Awaitable[T]) -> T:
        with self.metrics.stage(stage):
            return await work

    async def _chat_context(self, user: UserRef) -> ChatContext:
        """Settings, history and feedback; defaults when the database can't be read."""
        try:
            return await self.io.run(self.store.chat_context, user.key, self.settings.limits.history_turns)
        except StoreError:
            return ChatContext()

    async def _recommend_for(self, emotion: str, liked: list[str], disliked: list[str]) -> list[Suggestion]:
        return await self.io.run(
            self.c.library.recommend,
            emotion,
            5,
            liked=liked,
            disliked=disliked,
            seed=self._rng.randrange(1 << 30),
        )

    async def _feedback_ids(self, user: UserRef) -> tuple[list[str], list[str]]:
        try:
            return await self.io.run(self.store.feedback, user.key)
        except StoreError:
            return [], []

    def _suggestions(self, items: list[Suggestion]) -> tuple[TrackSuggestion, ...]:
        return tuple(
            TrackSuggestion(
                id=s.track.id,
                title=s.track.title,
                artist=s.track.artist,
                emotion=s.track.emotion,
                reason=s.reason,
                has_audio=s.track.path is not None,
                url=s.track.url,
            )
            for s in items
        )

    async def _pick(self, user: UserRef, track_id: str) -> list[Event]:
        if not await self.io.run(self.store.was_offered, user.key, track_id):
            return _err(NOT_OFFERED)
        track = self.c.library.get(track_id)
        if track is None:
            return _err("That track is no longer in the library. Tell me how you feel for new ones.")
        liked, disliked = await self._feedback_ids(user)
        similar = await self.io.run(self.c.library.similar, track_id, 5, liked=liked, disliked=disliked)
        await self.io.run(self.store.record_pick, user.key, track_id, [s.track.id for s in similar])
        return [
            Tracks(
                f"Five tracks like “{track.title}” by {track.artist}:",
                self._suggestions(similar),
                kind="similar",
                source_id=track_id,
            )
        ]

    async def _feedback(self, user: UserRef, track_id: str, liked: bool) -> list[Event]:
        if not await self.io.run(self.store.was_offered, user.key, track_id):
            return _err(NOT_OFFERED)
        track = self.c.library.get(track_id)
        if track is None:
            return _err("That track is no longer in the library.")
        await self.io.run(self.store.set_feedback, user.key, track_id, 1 if liked else -1)
        if liked:
            return _info(f"👍 Noted — I'll suggest more like “{track.title}”.")
        return _info(f"👎 Got it — fewer like “{track.title}”.")

    async def _play(self, user: UserRef, track_id: str) -> list[Event]:
        if not await self.io.run(self.store.was_offered, user.key, track_id):
            return _err(NOT_OFFERED)
        track = self.c.library.get(track_id)
        if track is None or track.path is None:
            return _err("I don't have audio for that track.")
        try:
            clip = await self.io.run(make_clip, track.path, self.settings.music.clip_seconds)
        except ClipError as exc:
            return _err(f"I couldn't play “{track.title}”: {exc}.")
        return [
            AudioClip(
                clip.data,
                f"{track_id}.mp3",
                "audio/mpeg",
                track.title,
                clip.duration_s,
                performer=track.artist,
            )
        ]

    async def _mood_or_latest(self, user: UserRef, emotion: str | None, default: str) -> str | None:
        """``emotion`` lower-cased if known, the user's latest mood if ``None``; ``None`` if unknown."""
        if emotion is None:
            history = await self.io.run(self.store.mood_history, user.key, 1)
            return history[0].emotion if history else default
        return emotion.lower() if emotion.lower() in EMOTIONS else None

    async def _recommend(self, user: UserRef, emotion: str | None) -> list[Event]:
        chosen = await self._mood_or_latest(user, emotion, "neutral")
        if chosen is None:
            return _err(_unknown_mood(emotion))
        emotion = chosen
        suggestions = await self._recommend_for(emotion, *await self._feedback_ids(user))
        await self.io.run(self.store.record_offer, user.key, [s.track.id for s in suggestions])
        return [Tracks(f"Five tracks for {emotion}:", self._suggestions(suggestions), kind="mood")]

    async def _compose(self, user: UserRef, emotion: str | None) -> list[Event]:
        if self.c.composer is None:
            return _err("Composing isn't available on this server.")
        chosen = await self._mood_or_latest(user, emotion, "joy")
        if chosen is None:
            return _err(_unknown_mood(emotion))
        emotion = chosen
        piece = await self.models.run(self.c.composer.compose, emotion.lower())
        return [
            AudioClip(
                piece.ogg,
                f"melody-{piece.emotion}.ogg",
                "audio/ogg",
                piece.title,
                piece.duration_s,
                performer="happytalk",
                caption=piece.notes_text,
            ),
        ]


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Replace what no database can store (NUL, lone surrogates) with U+FFFD."""
    return _UNSTORABLE.sub("\ufffd", text)


def _unknown_mood(emotion: str | None) -> str:
    return f"I don't know the mood “{(emotion or '')[:30]}”. Try one of: {', '.join(EMOTIONS)}."


__all__ = ["COMMANDS", "DialogueCore"]
