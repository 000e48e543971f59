"""ml.audio: voice-note encoding (OGG/Opus 48 kHz mono, size cap, waveform) and decoding."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf

from ml.audio import AudioError, decode_audio, encode_opus, encode_voice_note, waveform


def _tone(seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.4 * np.sin(2 * np.pi * 330 * t)).astype(np.float32)


def test_notes_are_opus_in_ogg_with_opus_settings_from_pyav() -> None:
    note = encode_voice_note(_tone(1.0, 24000), 24000)
    assert note.ogg[:4] == b"OggS" and b"OpusHead" in note.ogg[:100] and b"OpusTags" in note.ogg[:200]
    assert b"OpusTags\x06\x00\x00\x00ffmpeg" in note.ogg  # the FFmpeg bundled with PyAV, no system libopus
    assert note.ogg == encode_opus(_tone(1.0, 24000), 24000)  # bitexact: the same audio, the same file
    louder = encode_opus(_tone(1.0, 24000), 24000, bitrate=128_000, complexity=10)
    assert len(louder) > len(note.ogg)  # the settings reach libopus


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
    assert sf.info(io.BytesIO(note.ogg)).duration == pytest.approx(note.duration_s, abs=0.02)


def test_a_long_note_stays_under_one_megabyte() -> None:
    noise = np.random.default_rng(1).uniform(-0.5, 0.5, 24000 * 200).astype(np.float32)
    note = encode_voice_note(noise, 24000)
    assert note.trimmed and 900_000 < len(note.ogg) <= 1_000_000
    assert len(note.waveform) == 256


@pytest.mark.parametrize(("n", "rate"), [(1, 48000), (960, 48000), (480, 24000), (1234, 22050)])
def test_odd_lengths_keep_their_duration(n: int, rate: int) -> None:
    note = encode_voice_note(_tone(1.0, rate)[:n], rate)
    decoded, decoded_rate = sf.read(io.BytesIO(note.ogg))
    assert decoded_rate == 48000 and decoded.ndim == 1
    assert note.duration_s == pytest.approx(n / rate)
    assert abs(len(decoded) / 48000 - n / rate) <= 0.02  # within one 20 ms frame


def test_silence_encodes_with_a_flat_waveform() -> None:
    note = encode_voice_note(np.zeros(24000 * 2, dtype=np.float32), 24000)
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
