"""Core events → JSON events; audio bytes go to the store and travel as per-session URLs."""

from __future__ import annotations

from bot.types import AudioClip, EmotionEvent, Event, Reply, Tracks, UserRef, VoiceNote
from handlers.web.audio_store import AudioStore
from handlers.web.schemas import (
    AudioOut,
    EmotionOut,
    EventOut,
    ReplyOut,
    TrackOut,
    TracksOut,
    VoiceOut,
)

AUDIO_PATH = "/api/audio/"


def render_events(events: list[Event], user: UserRef, audio: AudioStore) -> list[EventOut]:
    """Each event as the page shows it; anything unknown becomes its plain-text fallback."""
    return [_render(event, user, audio) for event in events]


def _render(event: Event, user: UserRef, audio: AudioStore) -> EventOut:
    match event:
        case Reply():
            return ReplyOut(text=event.text, kind=event.kind)
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
            audio_id = audio.put(user.key, event.ogg, "audio/ogg", "voice.ogg")
            return VoiceOut(
                url=AUDIO_PATH + audio_id,
                mime="audio/ogg",
                duration_s=event.duration_s,
                waveform=list(event.waveform),
                engine=event.engine,
                text=event.text,
            )
        case AudioClip():
            audio_id = audio.put(user.key, event.data, event.mime, event.filename)
            return AudioOut(
                url=AUDIO_PATH + audio_id,
                mime=event.mime,
                filename=event.filename,
                title=event.title,
                duration_s=event.duration_s,
                performer=event.performer,
                caption=event.caption,
            )
        case _:
            return ReplyOut(text=event.as_text(), kind="info")
