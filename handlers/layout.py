"""The one renderer: the core's events → a neutral outgoing layout every adapter maps to its platform.

A layout is a list of blocks in the order the core answered: text, what was heard, the mood, a
track list with its buttons, an audio attachment, a voice note, an image (the last four are the
core's own neutral events, carried as they are). The mood joins the first
track list here, and only here (``TrackList.mood``); a :class:`Mood` block still stands at its
place for adapters that show it apart, marked ``joined`` when a track list carries it too.
Adapters decide how each block looks (a Telegram message, a Discord embed, a JSON event, a line
in the terminal) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.types import (
    AudioClip,
    EmotionEvent,
    Event,
    Heard,
    MoodChart,
    Reply,
    Tracks,
    TrackSuggestion,
    VoiceNote,
)

TextKind = Literal["reply", "info", "error"]
ButtonAction = Literal["similar", "play", "like", "dislike"]
BUTTON_ACTIONS: tuple[ButtonAction, ...] = ("similar", "play", "like", "dislike")
MAX_TRACK_BUTTONS = 5


@dataclass(frozen=True, slots=True)
class Text:
    """A reply, a command's answer or an error; also the plain-text form of anything else."""

    text: str
    kind: TextKind = "reply"


@dataclass(frozen=True, slots=True)
class Mood:
    """The classified emotion; ``joined`` when a track list in the same layout carries it."""

    emotion: EmotionEvent
    joined: bool


@dataclass(frozen=True, slots=True)
class TrackButton:
    """One button under a track list: ``action`` on suggestion ``number`` (1-based)."""

    action: ButtonAction
    number: int
    track: TrackSuggestion


@dataclass(frozen=True, slots=True)
class TrackList:
    """Suggestions with their buttons (▶ only on tracks with audio) and the mood they answer."""

    tracks: Tracks
    mood: EmotionEvent | None
    buttons: tuple[TrackButton, ...]

    def buttons_for(self, action: ButtonAction) -> list[TrackButton]:
        return [b for b in self.buttons if b.action == action]


Block = Text | Heard | Mood | TrackList | AudioClip | VoiceNote | MoodChart
"""Heard (what was heard), AudioClip (an audio attachment), VoiceNote and MoodChart (an image) are
already neutral: the layout carries them as they are."""


def track_buttons(tracks: Tracks) -> tuple[TrackButton, ...]:
    """Every button of a track list, track by track: similar, play (with audio), like, dislike."""
    return tuple(
        TrackButton(action, n, track)
        for n, track in enumerate(tracks.tracks[:MAX_TRACK_BUTTONS], 1)
        for action in BUTTON_ACTIONS
        if action != "play" or track.has_audio
    )


def layout(events: list[Event]) -> list[Block]:
    """The events as blocks, in order; the mood joins the first track list."""
    first_tracks = next((e for e in events if isinstance(e, Tracks)), None)
    emotion = next((e for e in events if isinstance(e, EmotionEvent)), None)
    blocks: list[Block] = []
    for event in events:
        match event:
            case Reply():
                blocks.append(Text(event.text, event.kind))
            case EmotionEvent():
                blocks.append(Mood(event, joined=first_tracks is not None and event is emotion))
            case Tracks():
                mood = emotion if event is first_tracks else None
                blocks.append(TrackList(event, mood, track_buttons(event)))
            case Heard() | AudioClip() | VoiceNote() | MoodChart():
                blocks.append(event)
            case _:
                blocks.append(Text(event.as_text(), "info"))
    return blocks
