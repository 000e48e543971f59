"""ml.audio: voice-note encoding (OGG/Opus 48 kHz mono, size cap, waveform) and decoding."""

from __future__ import annotations

import ctypes.util
import io
import logging
import struct
from collections.abc import Iterator

import numpy as np
import pytest
import soundfile as sf

import ml.opus
from ml.audio import (
    AudioError,
    OpusEncoder,
    decode_audio,
    encode_opus,
    encode_opus_soundfile,
    encode_voice_note,
    waveform,
)
from ml.opus_ogg import DEFAULT_SERIAL

OUR_SERIAL = struct.pack("<I", DEFAULT_SERIAL)
ENCODERS = pytest.mark.parametrize(
    "encoder", [encode_opus, encode_opus_soundfile], ids=["libopus", "soundfile"]
)


def _tone(seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.4 * np.sin(2 * np.pi * 330 * t)).astype(np.float32)


@pytest.fixture
def without_libopus(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """libopus cannot be found (as on a machine without libopus0)."""
    ml.opus.reset()
    monkeypatch.setattr(ml.opus, "LIBRARY_NAMES", ("libopus-missing.so.0",))
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    yield
    ml.opus.reset()


def test_without_libopus_notes_come_from_libsndfile_and_it_is_logged_once(
    without_libopus: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ml.opus"):
        notes = [encode_voice_note(_tone(1.0, 24000), 24000) for _ in range(2)]
    assert ml.opus.libopus() is None
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
    assert "libopus0" in caplog.records[0].message
    for note in notes:
        info = sf.info(io.BytesIO(note.ogg))
        assert (info.format, info.subtype, info.samplerate) == ("OGG", "OPUS", 48000)
        assert note.ogg[14:18] != OUR_SERIAL  # libsndfile picks a random serial number


def test_libopus_is_used_when_installed() -> None:
    lib = ml.opus.libopus()
    if lib is None:
        pytest.skip("libopus0 is not installed (.ci/run installs it)")
    note = encode_voice_note(_tone(1.0, 24000), 24000)
    assert note.ogg[14:18] == OUR_SERIAL and lib.version.encode() in note.ogg[:200]
    assert note.ogg == lib.encode(_tone(1.0, 24000), 24000)


@ENCODERS
def test_encodes_opus_48k_mono_with_duration_and_waveform(encoder: OpusEncoder) -> None:
    note = encode_voice_note(_tone(3.0, 22050), 22050, encoder=encoder)
    info = sf.info(io.BytesIO(note.ogg))
    assert (info.format, info.subtype, info.samplerate, info.channels) == ("OGG", "OPUS", 48000, 1)
    assert note.duration_s == pytest.approx(3.0, abs=0.01)
    assert info.duration == pytest.approx(3.0, abs=0.03)
    assert len(note.waveform) == 30 and max(note.waveform) == 255 and min(note.waveform) > 200
    assert not note.trimmed


@ENCODERS
def test_int16_and_stereo_input(encoder: OpusEncoder) -> None:
    tone = _tone(1.0, 16000)
    stereo = np.stack([tone, tone], axis=1)
    as_int16 = (tone * 32767).astype(np.int16)
    as_uint8 = np.round(tone * 127.5 + 127.5).astype(np.uint8)
    for samples in (stereo, as_int16, as_uint8):
        note = encode_voice_note(samples, 16000, encoder=encoder)
        decoded, rate = sf.read(io.BytesIO(note.ogg))
        assert rate == 48000 and decoded.ndim == 1
        rms = float(np.sqrt(np.mean(decoded[4800:-4800] ** 2)))
        assert rms == pytest.approx(0.4 / np.sqrt(2), rel=0.1)


@ENCODERS
def test_size_cap_trims_the_audio(encoder: OpusEncoder) -> None:
    noise = np.random.default_rng(0).uniform(-0.5, 0.5, 48000 * 20).astype(np.float32)
    note = encode_voice_note(noise, 48000, max_bytes=40_000, encoder=encoder)
    assert note.trimmed and len(note.ogg) <= 40_000
    assert 1.0 < note.duration_s < 20.0
    assert sf.info(io.BytesIO(note.ogg)).duration == pytest.approx(note.duration_s, abs=0.02)


def test_a_long_note_stays_under_one_megabyte() -> None:
    noise = np.random.default_rng(1).uniform(-0.5, 0.5, 24000 * 200).astype(np.float32)
    note = encode_voice_note(noise, 24000)
    assert note.trimmed and 900_000 < len(note.ogg) <= 1_000_000
    assert len(note.waveform) == 256


@ENCODERS
@pytest.mark.parametrize(("n", "rate"), [(1, 48000), (960, 48000), (480, 24000), (1234, 22050)])
def test_odd_lengths_keep_their_duration(encoder: OpusEncoder, n: int, rate: int) -> None:
    note = encode_voice_note(_tone(1.0, rate)[:n], rate, encoder=encoder)
    decoded, decoded_rate = sf.read(io.BytesIO(note.ogg))
    assert decoded_rate == 48000 and decoded.ndim == 1
    assert note.duration_s == pytest.approx(n / rate)
    assert abs(len(decoded) / 48000 - n / rate) <= 0.02  # within one 20 ms frame


@ENCODERS
def test_silence_encodes_with_a_flat_waveform(encoder: OpusEncoder) -> None:
    note = encode_voice_note(np.zeros(24000 * 2, dtype=np.float32), 24000, encoder=encoder)
    decoded, _ = sf.read(io.BytesIO(note.ogg))
    assert float(np.abs(decoded).max()) < 1e-3
    assert set(note.waveform) == {0} and len(note.waveform) == 20


def test_long_audio_waveform_has_256_values() -> None:
    values = waveform(_tone(60.0, 8000), 8000)
    assert len(values) == 256 and all(0 <= v <= 255 for v in values)


@pytest.mark.parametrize("bad", [np.zeros(0, dtype=np.float32), np.zeros((2, 2, 2)), ["a", "b"]])
def test_bad_samples_raise_audio_error(bad: object) -> None:
    with pytest.raises(AudioError):
        encode_voice_note(bad, 48000)  # type: ignore[arg-type]


@pytest.mark.parametrize("rate", [0, -24000])
def test_bad_rate_raises_audio_error(rate: int) -> None:
    with pytest.raises(AudioError, match="sample rate"):
        encode_voice_note(_tone(0.5, 24000), rate)


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
        decode_audio(buf.getvalue()[: len(buf.getvalue()) // 50])  # a truncated MP3 header
    with pytest.raises(AudioError):
        decode_audio(b"")
