"""The layout (``handlers.layout``) → JSON events, one per block; audio and chart bytes go to the
media store and travel as per-session URLs."""

from __future__ import annotations

from bot.mood_chart import SIZE_PX
from bot.types import AudioClip, Event, Heard, MoodChart, UserRef, VoiceNote
from handlers.layout import Block, Mood, Text, TrackList, layout
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
    """Each block as the page shows it (the page puts the mood beside the track list itself)."""
    return [_render(block, user, media) for block in layout(events)]


def _render(block: Block, user: UserRef, media: MediaStore) -> EventOut:
    match block:
        case Text():
            return ReplyOut(text=block.text, kind=block.kind)
        case Heard():
            return HeardOut(text=block.text, lang=block.lang, confidence=block.confidence)
        case Mood():
            return EmotionOut(label=block.emotion.label, scores=dict(block.emotion.scores))
        case TrackList():
            tracks = block.tracks
            return TracksOut(
                heading=tracks.heading,
                kind=tracks.kind,
                source_id=tracks.source_id,
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
                    for t in tracks.tracks
                ],
            )
        case VoiceNote():
            note = block
            audio_id = media.put(user.key, note.ogg, "audio/ogg", "voice.ogg")
            return VoiceOut(
                url=AUDIO_PATH + audio_id,
                mime="audio/ogg",
                duration_s=note.duration_s,
                waveform=list(note.waveform),
                engine=note.engine,
                text=note.text,
            )
        case AudioClip():
            clip = block
            audio_id = media.put(user.key, clip.data, clip.mime, clip.filename)
            return AudioOut(
                url=AUDIO_PATH + audio_id,
                mime=clip.mime,
                filename=clip.filename,
                title=clip.title,
                duration_s=clip.duration_s,
                performer=clip.performer,
                caption=clip.caption,
            )
        case MoodChart():
            chart = block
            chart_id = media.put(user.key, chart.png, "image/png", f"mood-{chart.period}.png")
            width, height = SIZE_PX
            return MoodChartOut(
                url=CHART_PATH + chart_id,
                caption=chart.caption,
                period=chart.period,
                counts=dict(chart.counts),
                width=width,
                height=height,
            )
