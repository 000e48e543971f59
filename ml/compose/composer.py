"""``/compose``: a melody in the mood of an emotion, rendered as a voice note and a WAV."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml.audio import encode_voice_note
from ml.compose.model import MelodyLSTM, load
from ml.compose.moods import EMOTIONS, STYLES
from ml.compose.notation import MIDDLE_C, Note, format_note, key_pitch_class, key_spelling
from ml.compose.sampling import sample
from ml.compose.synth import RATE, render, wav_bytes

WEIGHTS = Path(__file__).with_name("weights") / "composer.pt"
MIN_BARS, MAX_BARS = 1, 16
MAX_TEMPERATURE = 3.0


@dataclass(frozen=True)
class Piece:
    """A composed, rendered melody."""

    ogg: bytes
    """OGG/Opus voice note (48 kHz mono, < 1 MB)."""
    wav: bytes
    """16-bit PCM WAV at :data:`ml.compose.synth.RATE`."""
    duration_s: float
    waveform: tuple[int, ...]
    """At most 256 amplitudes 0..255."""
    title: str
    notes_text: str
    """The notes in the ancestor's notation, then key, tempo and meter."""
    emotion: str
    notes: tuple[str, ...]


def check_args(emotion: object, bars: object, temperature: object) -> str:
    """The normalised emotion, or ``ValueError`` naming the accepted values."""
    mood = emotion.strip().lower() if isinstance(emotion, str) else ""
    if mood not in STYLES:
        raise ValueError(f"unknown emotion {str(emotion)[:30]!r}; use one of: {', '.join(EMOTIONS)}")
    if isinstance(bars, bool) or not isinstance(bars, int) or not MIN_BARS <= bars <= MAX_BARS:
        raise ValueError(f"bars must be a whole number from {MIN_BARS} to {MAX_BARS}, got {bars!r}")
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, int | float)
        or not math.isfinite(temperature)
        or not 0 < temperature <= MAX_TEMPERATURE
    ):
        raise ValueError(f"temperature must be above 0 and at most {MAX_TEMPERATURE:g}, got {temperature!r}")
    return mood


class Composer:
    """Samples melodies from the LSTM and renders them. Thread-safe: no state is shared per call."""

    def __init__(self, model: MelodyLSTM) -> None:
        self.model = model

    def compose(
        self, emotion: str, bars: int = 8, seed: int | None = None, temperature: float = 1.0
    ) -> Piece:
        """A ``bars``-bar melody in the mood of ``emotion`` (same ``seed``, same piece)."""
        mood = check_args(emotion, bars, temperature)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(f"seed must be a whole number, got {seed!r}")
        style = STYLES[mood]
        entropy = secrets.randbits(63) if seed is None else seed % 2**63
        rng = np.random.default_rng([entropy, EMOTIONS.index(mood)])  # a seed differs per mood
        key = style.keys[int(rng.integers(len(style.keys)))]
        tonic = MIDDLE_C + key_pitch_class(key) + 12 * style.octave
        relative = sample(self.model, style.mode, style.tempo, bars, rng, float(temperature))
        notes = [Note(None if n.pitch is None else n.pitch + tonic, n.duration) for n in relative]
        samples = render(notes, style.bpm, tonic, style.brightness)
        voice = encode_voice_note(samples, RATE)
        spelling = key_spelling(key)
        written = tuple(format_note(n, spelling) for n in notes)
        return Piece(
            ogg=voice.ogg,
            wav=wav_bytes(samples),
            duration_s=voice.duration_s,
            waveform=voice.waveform,
            title=f"A {style.adjective} tune in {key} {style.mode}",
            notes_text=f"{' '.join(written)}\n({key} {style.mode}, {style.bpm} bpm, 4/4)",
            emotion=mood,
            notes=written,
        )


def load_composer(path: Path | None = None) -> Composer:
    """The composer with the shipped weights, or those at ``path``."""
    model, _ = load(path or WEIGHTS)
    return Composer(model)
