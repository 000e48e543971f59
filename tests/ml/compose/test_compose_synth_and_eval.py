"""The numpy synthesizer's pitch and envelope, and the evaluation's key and copy measures."""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf

from ml.compose.evaluate import in_key_share, longest_copy
from ml.compose.notation import Note, parse_notes
from ml.compose.synth import RATE, frequency, render, tone, wav_bytes


def test_tone_sounds_at_its_pitch() -> None:
    samples = tone(69, 1.0, brightness=0.5)
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    peak_hz = np.argmax(spectrum) * RATE / len(samples)
    assert abs(peak_hz - 440.0) < 2.0
    assert frequency(81) == 880.0


def test_brightness_strengthens_upper_harmonics() -> None:
    def upper_share(brightness: float) -> float:
        s = np.abs(np.fft.rfft(tone(60, 0.5, brightness)))
        cut = int(600 * len(s) / (RATE / 2))
        return float(s[cut:].sum() / s.sum())

    assert upper_share(0.9) > upper_share(0.1) * 1.5


def test_render_length_follows_tempo_and_wav_decodes() -> None:
    notes = parse_notes("c4 e4 g4 c'4 | r4 g4 c2")
    fast, slow = render(notes, 120, 60, 0.5), render(notes, 60, 60, 0.5)
    assert abs(len(slow) / RATE - 2 * len(fast) / RATE) < 0.8
    assert 0.85 < float(np.abs(fast).max()) <= 0.9 + 1e-6
    data, rate = sf.read(io.BytesIO(wav_bytes(fast)))
    assert rate == RATE and len(data) == len(fast)


def test_in_key_share() -> None:
    notes = [Note(0, 4), Note(4, 4), Note(3, 4), Note(None, 4)]
    assert in_key_share(notes, "major") == 2 / 3
    assert in_key_share(notes, "minor") == 2 / 3
    assert in_key_share([Note(None, 4)], "major") == 1.0


def test_longest_copy_measures_the_shared_run_in_sixteenths() -> None:
    source = [Note(p, 4) for p in (0, 2, 4, 5, 7, 9)]
    generated = [Note(11, 4), Note(2, 4), Note(4, 4), Note(5, 4), Note(0, 4)]
    assert longest_copy(generated, [source]) == 12
    assert longest_copy(source[:4], [[Note(1, 4)], source]) == 16
    assert longest_copy([Note(3, 8)], [source]) == 0
