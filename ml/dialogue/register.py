"""Korean speech level: 존댓말 (polite, "-요", "-니다") or 반말 (plain), read from sentence endings.

A friend answers in the level they were spoken to in; a polite answer to a 반말 message reads cold,
a 반말 answer to 존댓말 rude. The engine charges for a reply in the other level.
"""

from __future__ import annotations

import re
from typing import Literal

Level = Literal["polite", "plain"]

# A sentence's end: the last Hangul syllable before closing punctuation, emoji, ㅋㅋ/ㅠㅠ and the like.
_END = re.compile(r"([가-힣])[^가-힣]*$")
_POLITE = re.compile(r"(?:요|니다|니까|세요|셔요|시죠|습죠|죠)$")
_SENTENCES = re.compile(r"(?<=[.!?~ㅋㅎㅠㅜ])\s+|\n")


def speech_level(text: str) -> Level | None:
    """``polite`` when a sentence ends politely, ``plain`` when every ending is plain, ``None`` when
    there is no Korean sentence ending to read."""
    levels = []
    for sentence in _SENTENCES.split(text.strip()):
        m = _END.search(sentence)
        if m is None:
            continue
        head = sentence[: m.end(1)]
        levels.append("polite" if _POLITE.search(head) else "plain")
    if not levels:
        return None
    return "polite" if "polite" in levels else "plain"


def other_level(said: Level | None, answered: Level | None) -> bool:
    """A reply at ``answered`` is in the other speech level than a message at ``said`` (both read)."""
    return said is not None and answered is not None and said != answered
