"""A small numpy synthesizer: additive voices with envelopes, a walking bass and an echo.

No external synthesizer or sound font: each melody note is a sum of harmonics shaped by an
attack–decay–sustain–release envelope; ``brightness`` sets how strong the upper harmonics are.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import soundfile as sf

from ml.compose.notation import Note

RATE = 24_000
"""Render sample rate (Hz)."""
RELEASE_S = 0.08
TAIL_S = 0.6
FloatArray = npt.NDArray[np.float32]


def frequency(pitch: int) -> float:
    """Equal-tempered frequency of MIDI ``pitch`` (A4 = 440 Hz)."""
    return float(440.0 * 2.0 ** ((pitch - 69) / 12))


def tone(pitch: int, seconds: float, brightness: float, level: float = 1.0) -> FloatArray:
    """One note: harmonics up to 8 (below Nyquist), ADSR envelope, ``RELEASE_S`` ring-out."""
    held = max(1, int(seconds * RATE))
    n = held + int(RELEASE_S * RATE)
    t = np.arange(n, dtype=np.float64) / RATE
    f0 = frequency(pitch)
    rolloff = 2.4 - 1.6 * brightness
    wave = np.zeros(n)
    for k in range(1, 9):
        if k * f0 >= RATE / 2:
            break
        wave += np.sin(2 * np.pi * k * f0 * t) / k**rolloff
    attack = min(int(0.012 * RATE), held)
    decay = min(int(0.12 * RATE), held - attack)
    env = np.full(n, 0.55)
    env[:attack] = np.linspace(0.0, 1.0, attack, endpoint=False)
    env[attack : attack + decay] = np.linspace(1.0, 0.55, decay, endpoint=False)
    env[held:] = 0.55 * np.linspace(1.0, 0.0, n - held)
    # a slow fade through long notes, as a plucked or bowed voice would
    env[:held] *= np.exp(-t[:held] * 0.6)
    out: FloatArray = (wave * env * level).astype(np.float32)
    return out


def _bass(tonic: int, bars: int, bar_s: float) -> list[tuple[float, int, float]]:
    """(start seconds, pitch, seconds): tonic and fifth on beats 1 and 3 of every bar."""
    root = tonic - 24 if tonic >= 52 else tonic - 12
    half = bar_s / 2
    return [(b * bar_s + i * half, root + (0, 7)[i], half) for b in range(bars) for i in (0, 1)]


def render(notes: Sequence[Note], bpm: float, tonic: int, brightness: float) -> FloatArray:
    """Float32 mono samples at :data:`RATE` of ``notes`` (absolute pitches) over a bass line."""
    sixteenth = 60.0 / bpm / 4
    length = sum(n.duration for n in notes)
    total_s = length * sixteenth
    out = np.zeros(int((total_s + TAIL_S) * RATE) + int(RELEASE_S * RATE) + 1, dtype=np.float32)

    def add(start_s: float, samples: FloatArray) -> None:
        i = int(start_s * RATE)
        stop = min(len(out), i + len(samples))
        out[i:stop] += samples[: stop - i]

    at = 0.0
    for note in notes:
        seconds = note.duration * sixteenth
        if note.pitch is not None:
            add(at, tone(note.pitch, seconds * 0.95, brightness))
        at += seconds
    bars = max(1, -(-length // 16))
    for start, pitch, seconds in _bass(tonic, bars, 16 * sixteenth):
        add(start, tone(pitch, seconds * 0.9, 0.2, level=0.35))
    echoed = out.copy()
    delay = int(0.11 * RATE)
    for tap in (1, 2, 3):
        echoed[tap * delay :] += out[: -tap * delay] * (0.22**tap)
    peak = float(np.abs(echoed).max())
    if peak > 0:
        echoed *= 0.9 / peak
    return echoed


def wav_bytes(samples: FloatArray) -> bytes:
    """16-bit PCM WAV of ``samples`` at :data:`RATE`."""
    buf = io.BytesIO()
    sf.write(buf, samples, RATE, format="WAV", subtype="PCM_16")
    return buf.getvalue()
