"""ml.audio: voice-note encoding (OGG/Opus 48 kHz mono, size cap, waveform) and decoding."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf

from ml.audio import AudioError, decode_audio, encode_voice_note, waveform


def _tone(seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.4 * np.sin(2 * np.pi * 330 * t)).astype(np.float32)


def test_encodes_opus_48k_mono_with_duration_and_waveform() -> None:
    note = encode_voice_note(_tone(3.0, 22050), 22050)
    info = sf.info(io.BytesIO(note.ogg))
    assert (info.format, info.subtype, info.samplerate, info.channels) == ("OGG", "OPUS", 48000, 1)
    assert note.duration_s == pytest.approx(3.0, abs=0.01)
    assert info.duration == pytest.approx(3.0, abs=0.03)
    assert len(note.waveform) == 30 and max(note.waveform) == 255 and min(note.waveform) > 200
    assert not note.trimmed


def test_int16_and_stereo_input() -> None:
    tone = _tone(1.0, 16000)
    stereo = np.stack([tone, tone], axis=1)
    as_int16 = (tone * 32767).astype(np.int16)
    as_uint8 = np.round(tone * 127.5 + 127.5).astype(np.uint8)
    for samples in (stereo, as_int16, as_uint8):
        note = encode_voice_note(samples, 16000)
        decoded, rate = sf.read(io.BytesIO(note.ogg))
        assert rate == 48000 and decoded.ndim == 1
        rms = float(np.sqrt(np.mean(decoded[4800:-4800] ** 2)))
        assert rms == pytest.approx(0.4 / np.sqrt(2), rel=0.1)


def test_size_cap_trims_the_audio() -> None:
    noise = np.random.default_rng(0).uniform(-0.5, 0.5, 48000 * 20).astype(np.float32)
    note = encode_voice_note(noise, 48000, max_bytes=40_000)
    assert note.trimmed and len(note.ogg) <= 40_000
    assert 1.0 < note.duration_s < 20.0


def test_long_audio_waveform_has_256_values() -> None:
    values = waveform(_tone(60.0, 8000), 8000)
    assert len(values) == 256 and all(0 <= v <= 255 for v in values)


@pytest.mark.parametrize("bad", [np.zeros(0, dtype=np.float32), np.zeros((2, 2, 2)), ["a", "b"]])
def test_bad_samples_raise_audio_error(bad: object) -> None:
    with pytest.raises(AudioError):
        encode_voice_note(bad, 48000)  # type: ignore[arg-type]


def test_non_finite_samples_are_silenced() -> None:
    samples = _tone(1.0, 48000)
    samples[::7] = np.nan
    samples[::11] = np.inf
    decoded, _ = sf.read(io.BytesIO(encode_voice_note(samples, 48000).ogg))
    assert np.isfinite(decoded).all()


def test_decode_mp3_and_garbage() -> None:
    buf = io.BytesIO()
    sf.write(buf, _tone(1.0, 24000), 24000, format="MP3")
    samples, rate = decode_audio(buf.getvalue())
    assert rate == 24000 and abs(len(samples) / rate - 1.0) < 0.1
    with pytest.raises(AudioError):
        decode_audio(b"not audio at all")
    with pytest.raises(AudioError):
        decode_audio(b"")
