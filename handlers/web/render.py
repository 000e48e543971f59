"""Core events → JSON events; audio and chart bytes go to the media store and travel as per-session
URLs."""

from __future__ import annotations

from bot.mood_chart import SIZE_PX
from bot.types import AudioClip, EmotionEvent, Event, Heard, MoodChart, Reply, Tracks, UserRef, VoiceNote
from handlers.web.media_store import MediaStore
from handlers.web.schemas import (
    AudioOut,
    EmotionOut,
    EventOut,
    HeardOut,
    MoodChartOut,
    ReplyOut,
    TrackOut,
    TracksOut,
    VoiceOut,
)

AUDIO_PATH = "/api/audio/"
CHART_PATH = "/api/charts/"


def render_events(events: list[Event], user: UserRef, media: MediaStore) -> list[EventOut]:
    """Each event as the page shows it; anything unknown becomes its plain-text fallback."""
    return [_render(event, user, media) for event in events]


def _render(event: Event, user: UserRef, media: MediaStore) -> EventOut:
    match event:
        case Reply():
            return ReplyOut(text=event.text, kind=event.kind)
        case Heard():
            return HeardOut(text=event.text, lang=event.lang, confidence=event.confidence)
        case EmotionEvent():
            return EmotionOut(label=event.label, scores=dict(event.scores))
        case Tracks():
            return TracksOut(
                heading=event.heading,
                kind=event.kind,
                source_id=event.source_id,
                tracks=[
                    TrackOut(
                        id=t.id,
                        title=t.title,
                        artist=t.artist,
                        emotion=t.emotion,
                        reason=t.reason,
                        has_audio=t.has_audio,
                        url=t.url,
                    )
                    for t in event.tracks
                ],
            )
        case VoiceNote():
            audio_id = media.put(user.key, event.ogg, "audio/ogg", "voice.ogg")
            return VoiceOut(
                url=AUDIO_PATH + audio_id,
                mime="audio/ogg",
                duration_s=event.duration_s,
                waveform=list(event.waveform),
                engine=event.engine,
                text=event.text,
            )
        case AudioClip():
            audio_id = media.put(user.key, event.data, event.mime, event.filename)
            return AudioOut(
                url=AUDIO_PATH + audio_id,
                mime=event.mime,
                filename=event.filename,
                title=event.title,
                duration_s=event.duration_s,
                performer=event.performer,
                caption=event.caption,
            )
        case MoodChart():
            chart_id = media.put(user.key, event.png, "image/png", f"mood-{event.period}.png")
            width, height = SIZE_PX
            return MoodChartOut(
                url=CHART_PATH + chart_id,
                caption=event.caption,
                period=event.period,
                counts=dict(event.counts),
                width=width,
                height=height,
            )
        case _:
            return ReplyOut(text=event.as_text(), kind="info")
