"""The chat pipeline: a message (typed or heard) → emotion, a reply, five tracks, maybe a voice note."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from bot import texts
from bot.commands import Command, parse_command
from bot.core_services import CoreServices
from bot.music_lines import music_heading, music_line, requested_mood
from bot.music_operations import MusicOperations
from bot.store import StoreError
from bot.types import EmotionEvent, Event, Heard, Reply, Tracks, UserMessage, VoiceNote
from bot.workers import Busy
from ml.dialogue.engine import ReplyChoice
from ml.generate import ReplyRequest
from ml.lang import detect_lang
from ml.music_request import music_request
from ml.speech import SpeechError
from ml.stt import TranscriptionError

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

CommandRunner = Callable[[UserMessage, Command], Awaitable[list[Event]]]


def clean_text(text: str) -> str:
    """Replace what no database can store (NUL, lone surrogates) with U+FFFD."""
    return _UNSTORABLE.sub("\ufffd", text)


class ChatPipeline:
    """Answers chat messages and voice messages; ``run_command`` answers a heard ``/command``."""

    def __init__(self, services: CoreServices, music: MusicOperations, run_command: CommandRunner) -> None:
        self.services = services
        self.music = music
        self.run_command = run_command

    async def chat(self, msg: UserMessage, text: str) -> list[Event]:
        s, user = self.services, msg.user
        result, context = await asyncio.gather(
            s.timed("emotion", s.emotion_batcher.submit(text)), s.chat_context(user)
        )
        prefs = context.settings
        mode = prefs.reply_mode
        if mode == "auto":
            mode = "voice" if msg.spoken else "text"
        lang = prefs.lang if prefs.lang in ("en", "ko") else (msg.lang_hint or detect_lang(text))
        lang = lang if lang in ("en", "ko") else "en"
        request = ReplyRequest(text=text, emotion=result.label, lang=lang, history=context.history)
        confident = result.confidence >= s.settings.emotion.neutral_threshold
        wanted = music_request(text)
        if wanted is not None:
            felt = result.label if confident else None
            music_emotion = requested_mood(wanted.mood, felt, context.moods)
        else:
            music_emotion = result.label if confident else "neutral"
        choice, suggestions = await asyncio.gather(
            s.timed("reply", self._reply(request)),
            s.timed(
                "recommend",
                self.music.recommend_for(music_emotion, list(context.liked), list(context.disliked)),
            ),
        )
        events: list[Event] = [EmotionEvent(result.label, dict(result.scores))]
        reply_text = choice.text
        if choice.source == "safety":  # care and crisis lines first, always as text; no track pitch
            events = [Reply(choice.text)]
            if mode in ("voice", "both"):
                spoken = await self.spoken_reply(choice.text, lang, "voice")
                events += [e for e in spoken if isinstance(e, VoiceNote)]
            suggestions = []
        elif wanted is not None:  # asked for music: the tracks lead, a short line follows
            reply_text = music_line(music_emotion, lang, s.rng)
            heading = music_heading(music_emotion, lang)
            events.append(Tracks(heading, self.music.suggestions(suggestions), kind="mood"))
            events += await self.spoken_reply(reply_text, lang, mode)
        else:
            events += await self.spoken_reply(reply_text, lang, mode)
            heading = texts.MOOD_TRACKS.format(emotion=music_emotion) if confident else texts.UNSURE_TRACKS
            events.append(Tracks(heading, self.music.suggestions(suggestions), kind="mood"))
        try:
            await s.io_pool.run(
                s.store.record_exchange,
                user.key,
                text,
                reply_text,
                result.label,
                result.confidence,
                [sug.track.id for sug in suggestions],
            )
        except StoreError:
            events.append(Reply(texts.NOT_SAVED, kind="error"))
        return events

    async def _reply(self, request: ReplyRequest) -> ReplyChoice:
        """Retrieved and ranked; the generator is asked too when retrieval fits badly and it has room."""
        s = self.services
        choice = await s.reply_batcher.submit(request)
        if not choice.needs_generator:
            return choice
        try:
            s.generator_batcher.admit()
            generated = await s.generator_batcher.submit(request)
        except Busy:
            return choice
        return await s.model_pool.run(s.components.dialogue.prefer, request, choice, generated)

    async def spoken_reply(self, reply: str, lang: str, mode: str) -> list[Event]:
        """The reply as text, a voice note or both (``mode``), with a note when speech failed."""
        s = self.services
        events: list[Event] = []
        if mode in ("text", "both"):
            events.append(Reply(reply))
        if mode in ("voice", "both"):
            note: VoiceNote | None = None
            why: str | None = None
            speaker = s.components.speaker
            if speaker is None:
                why = texts.NO_VOICE_REPLIES
            else:
                try:
                    spoken = await s.timed("voice", s.model_pool.run(speaker.synthesize, reply, lang))
                    note = VoiceNote(
                        spoken.ogg, spoken.duration_s, tuple(spoken.waveform), spoken.engine, reply
                    )
                    why = spoken.notice
                except SpeechError as exc:
                    note, why = None, texts.CANNOT_SPEAK.format(reason=exc)
            if note is not None:
                events.append(note)
            elif mode == "voice":
                events.append(Reply(reply))
            if why:
                events.append(Reply(f"({why})", kind="info"))
        return events

    async def listen(self, msg: UserMessage, audio: bytes | Path) -> list[Event]:
        """Transcribe a voice message off the event loop, then answer it as typed (a command or chat)."""
        s = self.services
        transcriber = s.components.transcriber
        if transcriber is None:
            return [Reply(texts.NO_STT, kind="error")]
        hint = await s.user_lang(msg.user, msg.lang_hint, default=None)
        try:
            heard = await s.timed("listen", s.stt_pool.run(transcriber.transcribe, audio, hint))
        except TranscriptionError as exc:
            return [Reply(str(exc), kind="error")]
        text = clean_text(heard.text)[: s.settings.limits.max_message_chars]
        spoken = replace(msg, text=text, lang_hint=heard.lang, spoken=True)
        cmd = parse_command(text)
        answer = await (self.run_command(spoken, cmd) if cmd is not None else self.chat(spoken, text))
        return [Heard(text, heard.lang, heard.confidence), *answer]
