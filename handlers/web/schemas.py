"""The JSON shapes of the web API (requests and the rendered events); they make the OpenAPI schema."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_TEXT_CHARS = 16_384
TrackId = Annotated[str, Field(min_length=1, max_length=64, description="A track id from a tracks event.")]
Mood = Annotated[
    str | None,
    Field(None, max_length=32, description="An emotion (e.g. joy); default: your latest mood."),
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MessageIn(_In):
    text: str = Field(max_length=MAX_TEXT_CHARS, description="What the user says, or a /command.")


class TrackIn(_In):
    track_id: TrackId


class FeedbackIn(_In):
    track_id: TrackId
    liked: bool


class MoodIn(_In):
    emotion: Mood = None


class SettingsIn(_In):
    reply_mode: str | None = Field(None, max_length=16, description="auto, text, voice or both.")
    lang: str | None = Field(None, max_length=16, description="auto, en or ko.")


class MoodsIn(_In):
    period: str | None = Field(None, max_length=16, description="week (default) or month.")
    timezone: str | None = Field(
        None,
        max_length=64,
        description="IANA time zone of the chart's days (the browser's); default: the server's.",
    )


class NoInput(_In):
    """Operations without arguments."""


class SettingsOut(BaseModel):
    reply_mode: str
    lang: str


class ReplyOut(BaseModel):
    type: Literal["reply"] = "reply"
    text: str
    kind: Literal["reply", "info", "error"]


class HeardOut(BaseModel):
    type: Literal["heard"] = "heard"
    text: str = Field(description="What was heard in the voice message (the user's side of the chat).")
    lang: str
    confidence: float


class EmotionOut(BaseModel):
    type: Literal["emotion"] = "emotion"
    label: str
    scores: dict[str, float]


class TrackOut(BaseModel):
    id: str
    title: str
    artist: str
    emotion: str
    reason: str
    has_audio: bool
    url: str | None


class TracksOut(BaseModel):
    type: Literal["tracks"] = "tracks"
    heading: str
    kind: Literal["mood", "similar"]
    source_id: str | None
    tracks: list[TrackOut]


class VoiceOut(BaseModel):
    type: Literal["voice"] = "voice"
    url: str = Field(description="GET it for the OGG/Opus bytes (this session only).")
    mime: str
    duration_s: float
    waveform: list[int]
    engine: str
    text: str


class AudioOut(BaseModel):
    type: Literal["audio"] = "audio"
    url: str = Field(description="GET it for the audio bytes (this session only).")
    mime: str
    filename: str
    title: str
    duration_s: float
    performer: str | None
    caption: str | None


class MoodChartOut(BaseModel):
    type: Literal["mood_chart"] = "mood_chart"
    url: str = Field(description="GET it for the PNG (this session only).")
    caption: str = Field(description="One line summing up the period, in the user's language.")
    period: Literal["week", "month"]
    counts: dict[str, int] = Field(description="Moods per emotion over the period, most frequent first.")
    width: int
    height: int


EventOut = Annotated[
    ReplyOut | HeardOut | EmotionOut | TracksOut | VoiceOut | AudioOut | MoodChartOut,
    Field(discriminator="type"),
]


class EventsOut(BaseModel):
    """What the core answered, in order. Errors are events too (``reply`` with ``kind: error``)."""

    events: list[EventOut]


class StreamOut(EventsOut):
    """One WebSocket answer: the events for the request with this ``id``."""

    id: str | None = None
    op: str | None = None
    error: str | None = None
