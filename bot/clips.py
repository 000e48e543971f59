"""Playable clips of library tracks: the first seconds of a file as MP3."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

MAX_CLIP_BYTES = 10 * 1024 * 1024


class ClipError(Exception):
    """The track's audio could not be read or encoded."""


@dataclass(frozen=True, slots=True)
class Clip:
    data: bytes
    duration_s: float


def make_clip(path: Path, seconds: float) -> Clip:
    """The first ``seconds`` of ``path`` encoded as MP3 (what Telegram's audio player plays)."""
    try:
        with sf.SoundFile(str(path)) as f:
            frames = f.read(int(seconds * f.samplerate), dtype="float32", always_2d=True)
            rate = f.samplerate
    except (OSError, RuntimeError, sf.LibsndfileError) as exc:
        raise ClipError("the audio file can't be read") from exc
    if frames.size == 0:
        raise ClipError("the audio file is empty")
    mono = frames.mean(axis=1) if frames.shape[1] > 2 else frames
    out = io.BytesIO()
    sf.write(out, np.ascontiguousarray(mono), rate, format="MP3", subtype="MPEG_LAYER_III")
    data = out.getvalue()
    if len(data) > MAX_CLIP_BYTES:
        raise ClipError("the clip is too large to send")
    return Clip(data, len(frames) / rate)
