"""Synthesise short demo tracks with numpy: each emotion has its own tempo, mode, register, timbre."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 22050


@dataclass(frozen=True)
class Style:
    """How one emotion sounds."""

    tempo: tuple[float, float]  # beats per minute range
    scale: tuple[int, ...]  # semitone steps from the root
    register: tuple[int, int]  # MIDI root range
    harmonics: int  # partials per note
    brightness: float  # amplitude ratio between successive partials
    odd_only: bool  # square/clarinet-like spectrum
    note_beats: float  # note length in beats
    attack: float  # seconds
    decay: float  # exponential decay time, seconds
    drone: float  # level of a sustained root an octave below
    noise: float  # level of percussive noise bursts on beats
    drive: float  # soft-clipping gain (1 = clean)
    tremolo: float  # tremolo depth at 7 Hz
    detune: float  # semitones of a second, detuned voice
    fm: float  # frequency-modulation index (bell-like when > 0)
    leap: int  # largest melodic step in scale degrees


STYLES: dict[str, Style] = {
    "joy": Style(
        (118, 138),
        (0, 2, 4, 5, 7, 9, 11),
        (64, 72),
        8,
        0.7,
        False,
        0.5,
        0.005,
        0.25,
        0.0,
        0.25,
        1.0,
        0.0,
        0.0,
        0.0,
        2,
    ),
    "sadness": Style(
        (52, 68),
        (0, 2, 3, 5, 7, 8, 10),
        (45, 53),
        4,
        0.35,
        False,
        2.0,
        0.25,
        1.5,
        0.35,
        0.0,
        1.0,
        0.0,
        0.0,
        0.0,
        1,
    ),
    "anger": Style(
        (150, 172),
        (0, 1, 3, 5, 6, 8, 10),
        (36, 43),
        10,
        0.85,
        True,
        0.5,
        0.002,
        0.2,
        0.3,
        0.5,
        6.0,
        0.0,
        0.0,
        0.0,
        3,
    ),
    "fear": Style(
        (60, 76),
        (0, 1, 3, 4, 6, 7, 9, 10),
        (30, 38),
        6,
        0.5,
        True,
        1.0,
        0.4,
        2.0,
        0.5,
        0.05,
        1.0,
        0.8,
        0.0,
        0.0,
        5,
    ),
    "disgust": Style(
        (86, 98),
        (0, 1, 4, 5, 6, 10),
        (40, 50),
        12,
        0.8,
        False,
        1.0,
        0.05,
        0.6,
        0.15,
        0.15,
        2.5,
        0.0,
        0.45,
        0.0,
        2,
    ),
    "surprise": Style(
        (108, 128),
        (0, 2, 4, 6, 8, 10),
        (60, 76),
        3,
        0.4,
        False,
        0.5,
        0.002,
        0.5,
        0.0,
        0.1,
        1.0,
        0.0,
        0.0,
        3.0,
        7,
    ),
    "neutral": Style(
        (84, 98), (0, 2, 4, 7, 9), (55, 62), 2, 0.2, False, 1.0, 0.05, 0.8, 0.1, 0.0, 1.0, 0.0, 0.0, 0.0, 1
    ),
}


def _midi_hz(note: float) -> float:
    return float(440.0 * 2.0 ** ((note - 69.0) / 12.0))


def _tone(style: Style, freq: float, n: int, t: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    out = np.zeros(n)
    phase_mod = style.fm * np.sin(2 * np.pi * freq * 1.4 * t) * np.exp(-t / 0.3) if style.fm else 0.0
    for h in range(1, style.harmonics + 1):
        if style.odd_only and h % 2 == 0:
            continue
        if freq * h >= SAMPLE_RATE / 2:
            break
        out += style.brightness ** (h - 1) * np.sin(2 * np.pi * freq * h * t + phase_mod)
    return out


def render(emotion: str, seconds: float, rng: np.random.Generator) -> npt.NDArray[np.float32]:
    """A short piece in the style of ``emotion`` (mono float32 at :data:`SAMPLE_RATE`)."""
    style = STYLES[emotion]
    total = int(seconds * SAMPLE_RATE)
    y = np.zeros(total)
    tempo = rng.uniform(*style.tempo)
    beat = 60.0 / tempo
    root = int(rng.integers(style.register[0], style.register[1] + 1))
    note_len = beat * style.note_beats
    n_note = int(note_len * SAMPLE_RATE)
    degree = 0
    start = 0.0
    while start < seconds:
        degree = int(np.clip(degree + rng.integers(-style.leap, style.leap + 1), -3, 9))
        octave, step = divmod(degree, len(style.scale))
        pitch = root + 12 * octave + style.scale[step]
        i0 = int(start * SAMPLE_RATE)
        n = min(n_note, total - i0)
        t = np.arange(n) / SAMPLE_RATE
        env = np.minimum(1.0, t / style.attack) * np.exp(-t / style.decay)
        note = _tone(style, _midi_hz(pitch), n, t)
        if style.detune:
            note += 0.7 * _tone(style, _midi_hz(pitch + style.detune), n, t)
        y[i0 : i0 + n] += env * note * rng.uniform(0.7, 1.0)
        if style.noise:
            burst = min(int(0.06 * SAMPLE_RATE), n)
            y[i0 : i0 + burst] += style.noise * rng.standard_normal(burst) * np.exp(-np.arange(burst) / 300.0)
        start += note_len
    t_all = np.arange(total) / SAMPLE_RATE
    if style.drone:
        y += style.drone * _tone(style, _midi_hz(root - 12), total, t_all)
    if style.tremolo:
        y *= 1.0 - style.tremolo * 0.5 * (1.0 + np.sin(2 * np.pi * 7.0 * t_all))
    if style.drive > 1.0:
        y = np.tanh(style.drive * y / (np.abs(y).max() + 1e-9))
    fade = min(total // 10, int(0.05 * SAMPLE_RATE))
    y[-fade:] *= np.linspace(1.0, 0.0, fade)
    out: npt.NDArray[np.float32] = (0.8 * y / (np.abs(y).max() + 1e-9)).astype(np.float32)
    return out
