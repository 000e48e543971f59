"""What the bot says around the five tracks it plays when asked for music, in English and Korean."""

from __future__ import annotations

import random
from collections.abc import Sequence

from ml.emotion.labels import NEUTRAL
from music_index.ranking import ADJECTIVE

# How each mood's music is described in Korean (English: music_index.ranking.ADJECTIVE).
KO_ADJECTIVE: dict[str, str] = {
    "joy": "신나는",
    "sadness": "잔잔하고 슬픈",
    "anger": "강렬한",
    "fear": "긴장감 있는",
    "disgust": "거친",
    "surprise": "색다른",
    "neutral": "편안한",
}

_LINES: dict[str, tuple[str, ...]] = {
    "en": (
        "Here you go: five {words} ones. Tell me if they hit the spot 🎶",
        "Five {words} tracks coming up. Press ▶ on whichever catches your eye.",
        "Picked five {words} songs for you. Want more like one of them? Just pick it.",
        "Something {words} for right now. Like or skip them and I'll learn your taste.",
    ),
    "ko": (
        "{words} 곡으로 다섯 개 골라 봤어요 🎶 마음에 드는 게 있으면 알려 주세요.",
        "{words} 노래 다섯 곡이에요. 하나 골라 주시면 비슷한 곡도 찾아 드릴게요.",
        "지금 듣기 좋은 {words} 곡들이에요. 좋아요/별로예요를 눌러 주시면 취향을 기억할게요.",
    ),
}


def requested_mood(named: str | None, felt: str | None, recent: Sequence[str]) -> str:
    """The mood to play: the one named, else the feeling in the message, else the latest non-neutral
    mood of the user's recent ones (newest first), else neutral."""
    if named:
        return named
    if felt and felt != NEUTRAL:
        return felt
    return next((m for m in recent if m != NEUTRAL), NEUTRAL)


def _words(mood: str, lang: str) -> str:
    mood = mood if mood in ADJECTIVE else NEUTRAL
    return KO_ADJECTIVE[mood] if lang == "ko" else ADJECTIVE[mood]


def music_heading(mood: str, lang: str) -> str:
    """The heading of the track list."""
    return f"{_words(mood, lang)} 곡 다섯 개:" if lang == "ko" else f"Five {_words(mood, lang)} tracks:"


def music_line(mood: str, lang: str, rng: random.Random) -> str:
    """A short line to send after the tracks."""
    return rng.choice(_LINES["ko" if lang == "ko" else "en"]).format(words=_words(mood, lang))
