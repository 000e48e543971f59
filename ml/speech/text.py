"""Preparing reply text for speech: dropping emoji, capping length, splitting into sentences."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+|\n+")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_UNSPOKEN_CATEGORIES = frozenset({"So", "Sk", "Cs", "Co", "Cn", "Cc", "Cf"})


@dataclass(frozen=True)
class SpeechText:
    """Text ready to speak; ``cut`` when the original was longer than the cap."""

    text: str
    cut: bool


def strip_unspoken(text: str) -> str:
    """``text`` without emoji, symbols and control characters, whitespace collapsed."""
    kept = []
    for ch in text:
        if ch == "\n" or unicodedata.category(ch) not in _UNSPOKEN_CATEGORIES:
            kept.append(ch)
        else:
            kept.append(" ")
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(kept).split("\n"))
    return "\n".join(line for line in lines if line)


def is_speakable(text: str) -> bool:
    """True when ``text`` has at least one letter or digit."""
    return any(ch.isalnum() for ch in text)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: split after ``. ! ? …`` (and CJK forms) and at line breaks."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _cut_words(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, split at a space when there is one."""
    pieces = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def cap_text(text: str, max_chars: int) -> SpeechText:
    """Speakable ``text``, cut at the last sentence boundary that fits in ``max_chars``.

    A first sentence longer than the cap is cut at a word boundary.
    """
    clean = strip_unspoken(text)
    if len(clean) <= max_chars:
        return SpeechText(clean, cut=False)
    kept: list[str] = []
    length = 0
    for sentence in split_sentences(clean):
        extra = len(sentence) + (1 if kept else 0)
        if length + extra > max_chars:
            break
        kept.append(sentence)
        length += extra
    if not kept:
        kept = [_cut_words(clean, max_chars)[0]]
    return SpeechText(" ".join(kept), cut=True)


def chunk_text(text: str, limit: int) -> list[str]:
    """``text`` as consecutive chunks of whole sentences, each at most ``limit`` characters.

    Sentences longer than ``limit`` are split at spaces.
    """
    chunks: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        for piece in _cut_words(sentence, limit):
            if current and len(current) + 1 + len(piece) <= limit:
                current = f"{current} {piece}"
            else:
                if current:
                    chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks
