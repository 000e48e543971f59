"""How each emotion sounds: mode, tempo, keys, register and timbre of the composed melody."""

from __future__ import annotations

from dataclasses import dataclass

from config import EMOTIONS
from ml.compose.corpus import Mode, Tempo

__all__ = ["EMOTIONS", "STYLES", "Style"]


@dataclass(frozen=True)
class Style:
    """The musical choices for one emotion."""

    mode: Mode
    tempo: Tempo
    """The corpus tempo class the model is conditioned on."""
    bpm: int
    keys: tuple[str, ...]
    """Tonic names the piece may be in (one is drawn per piece)."""
    octave: int
    """Octave shift of the tonic from the middle-C octave."""
    brightness: float
    """0..1: how strong the upper harmonics of the synthesized voice are."""
    adjective: str


STYLES: dict[str, Style] = {
    "joy": Style("major", "fast", 132, ("G", "D", "C", "A", "F"), 0, 0.7, "brisk"),
    "surprise": Style("major", "fast", 144, ("D", "E", "Bb", "G"), 0, 0.8, "skipping"),
    "neutral": Style("major", "moderate", 100, ("C", "F", "G", "D"), 0, 0.5, "easygoing"),
    "sadness": Style("minor", "slow", 66, ("D", "A", "E", "G", "C"), 0, 0.25, "slow, wistful"),
    "fear": Style("minor", "moderate", 92, ("E", "F#", "B", "C"), -1, 0.35, "hushed, uneasy"),
    "anger": Style("minor", "fast", 152, ("E", "D", "C", "G"), 0, 0.95, "fierce, driving"),
    "disgust": Style("minor", "slow", 80, ("F", "Bb", "Eb", "C"), -1, 0.6, "sour, heavy"),
}
