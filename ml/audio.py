"""Shared audio helpers: decode audio bytes, encode voice notes (OGG/Opus, 48 kHz, mono).

A *voice note* is what Telegram shows as a voice bubble and Discord as a voice message:
OGG/Opus, mono, under 1 MB, with its duration and a waveform of at most 256 amplitude
bytes (0..255). :func:`encode_voice_note` turns any mono (or multi-channel, mixed down)
float or integer samples at any rate into one, with the libopus that PyAV's wheel bundles
(no system library needed).

libsndfile's Opus writer runs libopus at its default complexity: 160 ms of CPU for ten seconds
of speech here. CELT-only mode (``application=lowdelay``) at complexity 0 and 64 kbit/s scores
the same wide-band PESQ in a fraction of the CPU time (``python benchmarks/bench_speech.py
--sweep``).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import soundfile as sf
import soxr  # type: ignore[import-untyped]

VOICE_NOTE_RATE = 48_000
"""Sample rate of every voice note (Opus's native rate)."""
VOICE_NOTE_MAX_BYTES = 1_000_000
"""Telegram shows larger OGG files as documents, not voice bubbles."""
WAVEFORM_MAX_POINTS = 256
"""Discord voice messages take at most 256 waveform bytes."""
WAVEFORM_POINTS_PER_SECOND = 10
VOICE_BITRATE = 64_000
"""Bits per second (VBR): about 90 kB for ten seconds of speech, far less for silence."""
VOICE_COMPLEXITY = 0
"""libopus complexity 0..10; see the module docstring for how it was chosen."""
VOICE_APPLICATION = "lowdelay"
"""CELT only (libopus's restricted low delay): the fastest mode, fine for speech and melodies;
``voip`` (SILK or hybrid, made for speech) took 3-7x the CPU here."""
OPUS_CUTOFFS_HZ = (4_000, 6_000, 8_000, 12_000, 20_000)
"""The audio bandwidths libopus codes; a note gets the narrowest that holds its input's."""

FloatArray = npt.NDArray[np.float32]
OpusEncoder = Callable[[FloatArray, int], bytes]
"""Mono float32 samples and their rate in, an OGG/Opus file that decodes at 48 kHz out."""


class AudioError(ValueError):
    """Audio that cannot be decoded or encoded (empty, unreadable, unknown format)."""


@dataclass(frozen=True)
class VoiceNoteAudio:
    """An encoded voice note."""

    ogg: bytes
    """OGG/Opus, 48 kHz, mono, at most ``max_bytes``."""
    duration_s: float
    waveform: tuple[int, ...]
    """1..256 amplitude values 0..255, about ten per second, loudest bucket 255."""
    trimmed: bool = False
    """True when the audio was cut short to fit the size cap."""


def to_mono_float(samples: npt.ArrayLike) -> FloatArray:
    """``samples`` (1-D, or 2-D frames×channels) as finite mono float32 in [-1, 1].

    Integer input is scaled by its type's range (unsigned as offset binary, like 8-bit PCM);
    NaN and infinities become 0.
    """
    try:
        arr = np.asarray(samples)
    except ValueError as exc:
        raise AudioError(f"samples are not an array: {exc}") from None
    if arr.ndim not in (1, 2):
        raise AudioError(f"expected 1-D or 2-D samples, got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.unsignedinteger):  # offset binary, e.g. 8-bit PCM
        half = float(np.iinfo(arr.dtype).max) / 2.0 + 0.5
        arr = (arr.astype(np.float64) - half) / half
    elif np.issubdtype(arr.dtype, np.integer):
        arr = arr.astype(np.float64) / float(np.iinfo(arr.dtype).max + 1)
    elif not np.issubdtype(arr.dtype, np.floating):
        raise AudioError(f"samples must be numeric, got dtype {arr.dtype}")
    if arr.ndim == 2:
        arr = arr.mean(axis=1)
    out = np.nan_to_num(arr.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    return np.clip(out, -1.0, 1.0)


def decode_audio(data: bytes) -> tuple[FloatArray, int]:
    """Decode any format libsndfile reads (MP3, WAV, OGG, FLAC…) to mono float32 and its rate."""
    if not data:
        raise AudioError("no audio data")
    try:
        samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise AudioError(f"unreadable audio: {exc}") from None
    if len(samples) == 0:
        raise AudioError("audio has no samples")
    return to_mono_float(samples), int(rate)


def resample(samples: FloatArray, rate: int, target: int = VOICE_NOTE_RATE) -> FloatArray:
    """Resample mono float32 ``samples`` from ``rate`` to ``target`` Hz."""
    if rate <= 0:
        raise AudioError(f"sample rate must be positive, got {rate}")
    if rate == target:
        return samples
    out: FloatArray = soxr.resample(samples, rate, target).astype(np.float32, copy=False)
    return out


def waveform(samples: FloatArray, rate: int) -> tuple[int, ...]:
    """About ten RMS amplitudes per second (1..256 values, 0..255, loudest 255)."""
    if len(samples) == 0:
        return (0,)
    seconds = len(samples) / rate
    points = max(1, min(WAVEFORM_MAX_POINTS, math.ceil(seconds * WAVEFORM_POINTS_PER_SECOND)))
    points = min(points, len(samples))
    buckets = np.array_split(samples.astype(np.float64), points)
    rms = np.array([math.sqrt(float(np.mean(b * b))) for b in buckets])
    peak = float(rms.max())
    if peak <= 0.0:
        return tuple(0 for _ in range(points))
    return tuple(int(v) for v in np.round(rms / peak * 255.0))


def encode_opus(
    samples: FloatArray,
    rate: int,
    bitrate: int = VOICE_BITRATE,
    complexity: int = VOICE_COMPLEXITY,
    application: str = VOICE_APPLICATION,
) -> bytes:
    """Mono float32 ``samples`` at ``rate`` as an OGG/Opus file that decodes at 48 kHz.

    The samples are resampled to 48 kHz first, so the header says 48 kHz (libsndfile decodes
    at the rate the header names). The file decodes to exactly as many samples as went in:
    the encoder's look-ahead is the pre-skip and the last granule trims the padding.
    """
    import av  # FFmpeg's libraries: about 20 MB, loaded with the first note

    pcm = np.ascontiguousarray(resample(samples, rate), dtype=np.float32)
    if len(pcm) == 0:
        raise AudioError("no samples to encode")
    # gTTS's 24 kHz holds nothing above 12 kHz: coding that band only saves bytes and CPU
    cutoff = next((hz for hz in OPUS_CUTOFFS_HZ if hz >= rate // 2), OPUS_CUTOFFS_HZ[-1])
    buf = io.BytesIO()
    try:
        # bitexact: a fixed stream serial and vendor string, so the same audio gives the same file
        with av.open(buf, "w", format="ogg", options={"fflags": "+bitexact"}) as container:
            options = {
                "application": application,
                "compression_level": str(complexity),
                "cutoff": str(cutoff),
            }
            stream = container.add_stream("libopus", rate=VOICE_NOTE_RATE, options=options)
            stream.layout = "mono"
            stream.bit_rate = bitrate
            frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="flt", layout="mono")
            frame.sample_rate = VOICE_NOTE_RATE
            frame.pts, frame.time_base = 0, Fraction(1, VOICE_NOTE_RATE)  # exact end trimming
            container.mux(stream.encode(frame))
            container.mux(stream.encode(None))
    except (av.FFmpegError, ValueError) as exc:
        raise AudioError(f"cannot encode Opus: {exc}") from None
    return buf.getvalue()


def encode_voice_note(
    samples: npt.ArrayLike,
    sample_rate: int,
    max_bytes: int = VOICE_NOTE_MAX_BYTES,
    encoder: OpusEncoder = encode_opus,
) -> VoiceNoteAudio:
    """Encode ``samples`` at ``sample_rate`` as an OGG/Opus 48 kHz mono voice note.

    The note is kept at most ``max_bytes`` long by cutting the end of the audio (then
    ``trimmed`` is True). ``encoder`` is :func:`encode_opus` except in benchmarks comparing
    encoders. Raises :class:`AudioError` for empty or malformed input.
    """
    mono = to_mono_float(samples)
    if len(mono) == 0:
        raise AudioError("no samples to encode")
    if max_bytes < 4096:
        raise AudioError(f"max_bytes must be at least 4096, got {max_bytes}")
    if sample_rate <= 0:
        raise AudioError(f"sample rate must be positive, got {sample_rate}")
    audio = mono
    ogg = encoder(audio, sample_rate)
    trimmed = False
    while len(ogg) > max_bytes:
        # bitrate is roughly constant: cut proportionally, with a margin for page overhead
        keep = int(len(audio) * (max_bytes / len(ogg)) * 0.95)
        if keep < sample_rate // 10:
            raise AudioError(f"cannot fit audio into {max_bytes} bytes")
        audio = audio[:keep]
        ogg = encoder(audio, sample_rate)
        trimmed = True
    return VoiceNoteAudio(
        ogg=ogg,
        duration_s=len(audio) / sample_rate,
        waveform=waveform(audio, sample_rate),
        trimmed=trimmed,
    )
