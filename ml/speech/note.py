"""The spoken-reply value and the error raised when no engine could speak."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpokenNote:
    """A spoken reply as a voice note."""

    ogg: bytes
    """OGG/Opus, 48 kHz mono, under 1 MB."""
    duration_s: float
    waveform: tuple[int, ...]
    """At most 256 values 0..255 (Discord voice-message waveform bytes)."""
    engine: str
    """``"gtts"`` or ``"espeak"``."""
    lang: str
    """The language actually spoken."""
    notice: str | None = None
    """What the listener should know: a cut, a language fallback, an engine fallback."""


class SpeechError(Exception):
    """No engine could speak the text (or there was nothing to speak); send text only."""
