"""Per-track audio features: decode the first seconds of a file and summarise them.

The vector holds MFCC means and standard deviations (the ancestor's features) plus
spectral shape, spectral contrast, tempo/onset rate and key-mode strength. Each block's
contribution is measured in ``music_index/BENCHMARKS.md``.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 22050
N_FFT = 2048
HOP = 512
N_MFCC = 20
MIN_SECONDS = 1.0
SILENCE_RMS = 1e-4
FEATURE_VERSION = 3

#: (name, width) of each block, in vector order.
BLOCKS: tuple[tuple[str, int], ...] = (
    ("mfcc_mean", N_MFCC),
    ("mfcc_std", N_MFCC),
    ("spectral", 8),
    ("contrast", 7),
    ("rhythm", 3),
    ("mode", 3),
)
FEATURE_DIM = sum(width for _, width in BLOCKS)

# Krumhansl-Kessler key profiles (C major / C minor).
_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])

FloatArray = npt.NDArray[np.float32]


class FeatureError(Exception):
    """A file that cannot be indexed; the message says why (corrupt, silent, too short...)."""


@dataclass(frozen=True)
class Extracted:
    """Features of one file and the time spent decoding vs computing them."""

    vector: FloatArray
    decode_s: float
    features_s: float


def decode(path: Path, clip_seconds: float) -> npt.NDArray[np.float32]:
    """Mono float32 samples at :data:`SAMPLE_RATE` of the first ``clip_seconds`` of ``path``."""
    import soundfile as sf

    try:
        with sf.SoundFile(str(path)) as f:
            frames = int(min(f.frames, clip_seconds * f.samplerate)) if f.frames > 0 else -1
            data = f.read(frames=frames, dtype="float32", always_2d=True)
            rate = f.samplerate
    except FileNotFoundError:
        raise FeatureError("missing: file not found") from None
    except PermissionError:
        raise FeatureError("unreadable: permission denied") from None
    except (sf.LibsndfileError, RuntimeError, OSError, ValueError) as exc:
        raise FeatureError(f"corrupt or unsupported audio: {exc}") from None
    mono = data.mean(axis=1)
    if rate != SAMPLE_RATE and mono.size:
        import librosa

        mono = librosa.resample(mono, orig_sr=rate, target_sr=SAMPLE_RATE, res_type="soxr_hq")
    return np.ascontiguousarray(mono, dtype=np.float32)


def summarise(y: npt.NDArray[np.float32]) -> FloatArray:
    """The feature vector (length :data:`FEATURE_DIM`) of mono samples at :data:`SAMPLE_RATE`."""
    import librosa

    if y.size < MIN_SECONDS * SAMPLE_RATE:
        raise FeatureError(f"too short: {y.size / SAMPLE_RATE:.2f} s < {MIN_SECONDS:.0f} s")
    if not np.all(np.isfinite(y)):
        raise FeatureError("corrupt: non-finite samples")
    rms = librosa.feature.rms(y=y, frame_length=N_FFT, hop_length=HOP)[0]
    if float(rms.max()) < SILENCE_RMS:
        raise FeatureError("silent")
    power = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP)) ** 2
    mag = np.sqrt(power)
    mel_fb, chroma_fb = _filterbanks()
    mel = mel_fb @ power
    log_mel = librosa.power_to_db(mel)
    mfcc = librosa.feature.mfcc(S=log_mel, n_mfcc=N_MFCC)
    freqs = librosa.fft_frequencies(sr=SAMPLE_RATE, n_fft=N_FFT).astype(np.float32)[:, None]
    weights = mag / (mag.sum(axis=0, keepdims=True) + 1e-10)
    centroid = (freqs * weights).sum(axis=0)
    bandwidth = np.sqrt((((freqs - centroid) ** 2) * weights).sum(axis=0))
    energy = np.cumsum(mag, axis=0)
    rolloff = freqs[np.argmax(energy >= 0.85 * energy[-1:], axis=0), 0]
    flatness = np.exp(np.log(np.maximum(power, 1e-10)).mean(axis=0)) / (power.mean(axis=0) + 1e-10)
    zcr = librosa.feature.zero_crossing_rate(y, frame_length=N_FFT, hop_length=HOP)[0]
    spectral = np.array(
        [
            np.log1p(centroid.mean()),
            np.log1p(centroid.std()),
            np.log1p(bandwidth.mean()),
            np.log1p(rolloff.mean()),
            np.log10(flatness.mean() + 1e-10),
            zcr.mean(),
            np.log10(rms.mean() + 1e-10),
            rms.std() / (rms.mean() + 1e-10),
        ]
    )
    contrast = librosa.feature.spectral_contrast(S=mag, sr=SAMPLE_RATE).mean(axis=1)
    onset = librosa.onset.onset_strength(S=log_mel, sr=SAMPLE_RATE)
    tempo = librosa.feature.tempo(onset_envelope=onset, sr=SAMPLE_RATE, hop_length=HOP)
    onsets = librosa.onset.onset_detect(onset_envelope=onset, sr=SAMPLE_RATE, hop_length=HOP)
    rate = len(onsets) / (y.size / SAMPLE_RATE)
    rhythm = np.array([np.log2(float(tempo[0]) + 1.0), rate, onset.mean()])
    chroma_raw = chroma_fb @ power
    chroma = (chroma_raw / (chroma_raw.max(axis=0, keepdims=True) + 1e-10)).mean(axis=1)
    mode = _mode_strength(chroma)
    vector = np.concatenate([mfcc.mean(axis=1), mfcc.std(axis=1), spectral, contrast, rhythm, mode]).astype(
        np.float32
    )
    if not np.all(np.isfinite(vector)):
        raise FeatureError("corrupt: features are not finite")
    return vector


@functools.cache
def _filterbanks() -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Mel (128 bands) and chroma (12 pitch classes) filterbanks for the STFT bins."""
    import librosa

    mel = librosa.filters.mel(sr=SAMPLE_RATE, n_fft=N_FFT).astype(np.float32)
    chroma = librosa.filters.chroma(sr=SAMPLE_RATE, n_fft=N_FFT, tuning=0.0).astype(np.float32)
    return mel, chroma


def _mode_strength(chroma: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    """Best correlation with any major key, any minor key, and chroma entropy (key-invariant)."""
    c = chroma / (chroma.sum() + 1e-10)
    major = max(float(np.corrcoef(c, np.roll(_MAJOR, k))[0, 1]) for k in range(12))
    minor = max(float(np.corrcoef(c, np.roll(_MINOR, k))[0, 1]) for k in range(12))
    entropy = float(-(c * np.log(c + 1e-10)).sum())
    out: npt.NDArray[np.float64] = np.nan_to_num(np.array([major, minor, entropy]))
    return out


def extract(path: Path, clip_seconds: float) -> Extracted:
    """Decode and summarise one file; raises :class:`FeatureError` for files to skip."""
    t0 = time.perf_counter()
    y = decode(path, clip_seconds)
    t1 = time.perf_counter()
    vector = summarise(y)
    return Extracted(vector, t1 - t0, time.perf_counter() - t1)
