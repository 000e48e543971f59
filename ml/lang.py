"""Language detection for the two languages happytalk speaks."""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "ko"]


def _is_hangul(ch: str) -> bool:
    o = ord(ch)
    return 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F


def hangul_ratio(text: str) -> float:
    """Share of letters in ``text`` that are Hangul (0 when there are no letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(_is_hangul(c) for c in letters) / len(letters)


def detect_lang(text: str, default: Lang = "en") -> Lang:
    """``"ko"`` when ≥30% of the letters are Hangul, ``"en"`` when there are letters, else ``default``."""
    if not any(c.isalpha() for c in text):
        return default
    return "ko" if hangul_ratio(text) >= 0.3 else "en"
