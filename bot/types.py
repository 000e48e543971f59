"""Neutral types that cross the adapter boundary: one message in, typed events out.

Adapters turn a platform update into a :class:`UserMessage` (or call a core operation for a
button press) and render each :class:`Event` they get back. An adapter that cannot render an
event type renders ``event.as_text()`` instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

ReplyMode = Literal["auto", "text", "voice", "both"]
LangSetting = Literal["auto", "en", "ko"]
REPLY_MODES: tuple[ReplyMode, ...] = ("auto", "text", "voice", "both")
DEFAULT_REPLY_MODE: ReplyMode = "auto"  # a voice note when the user spoke, text otherwise
LANG_SETTINGS: tuple[LangSetting, ...] = ("auto", "en", "ko")


@dataclass(frozen=True, slots=True)
class UserRef:
    """A user on one platform; ``key`` is unique across platforms."""

    platform: str
    user_id: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True, slots=True)
class UserMessage:
    """One incoming text message, whatever the platform."""

    platform: str
    user_id: str
    chat_id: str
    text: str
    lang_hint: str | None = None
    message_id: str | None = None
    spoken: bool = False  # transcribed from a voice message

    @property
    def user(self) -> UserRef:
        return UserRef(self.platform, self.user_id)


class Event:
    """Base of everything the core sends back."""

    def as_text(self) -> str:
        """Plain-text fallback for adapters that cannot render this event natively."""
        raise TypeError(f"{type(self).__name__} has no text rendering")


@dataclass(frozen=True, slots=True)
class Reply(Event):
    """Text to show the user (a generated reply, a command's answer, or an error)."""

    text: str
    kind: Literal["reply", "info", "error"] = "reply"

    def as_text(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Heard(Event):
    """What the bot heard in a voice message, shown back before it answers."""

    text: str
    lang: str
    confidence: float

    def as_text(self) -> str:
        return f"🎙 I heard: “{self.text}”"


@dataclass(frozen=True, slots=True)
class EmotionEvent(Event):
    """The emotion classified for the user's message."""

    label: str
    scores: Mapping[str, float]

    def as_text(self) -> str:
        return f"({self.label} {self.scores.get(self.label, 0.0):.0%})"


@dataclass(frozen=True, slots=True)
class TrackSuggestion:
    """One suggested track; ``id`` is short and travels in platform buttons."""

    id: str
    title: str
    artist: str
    emotion: str
    reason: str
    has_audio: bool = False
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Tracks(Event):
    """Five suggestions, either for a mood or similar to a picked track."""

    heading: str
    tracks: tuple[TrackSuggestion, ...]
    kind: Literal["mood", "similar"] = "mood"
    source_id: str | None = None

    def as_text(self) -> str:
        lines = [self.heading]
        for n, t in enumerate(self.tracks, 1):
            lines.append(f"{n}. {t.title} — {t.artist} ({t.reason})")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class VoiceNote(Event):
    """A spoken reply: OGG/Opus bytes, duration and a ≤256-value waveform (0..255)."""

    ogg: bytes = field(repr=False)
    duration_s: float
    waveform: tuple[int, ...] = field(repr=False)
    engine: str
    text: str

    def as_text(self) -> str:
        return f"🔊 {self.text}"


@dataclass(frozen=True, slots=True)
class AudioClip(Event):
    """Playable audio: a track clip or a composed melody."""

    data: bytes = field(repr=False)
    filename: str
    mime: str
    title: str
    duration_s: float
    performer: str | None = None
    caption: str | None = None

    def as_text(self) -> str:
        return f"🎵 {self.title}" + (f"\n{self.caption}" if self.caption else "")


@dataclass(frozen=True, slots=True)
class MoodChart(Event):
    """The user's moods over a period: a PNG chart, a one-line caption in the user's language and
    the counts behind it, most frequent first (alt text and the text-only fallback)."""

    png: bytes = field(repr=False)
    caption: str
    period: Literal["week", "month"]
    counts: Mapping[str, int]

    @property
    def counts_text(self) -> str:
        """``neutral ×12, sadness ×3 …``"""
        return ", ".join(f"{emotion} ×{n}" for emotion, n in self.counts.items())

    def as_text(self) -> str:
        return f"📊 {self.caption}\n{self.counts_text}"
