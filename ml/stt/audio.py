"""Decode a voice message (OGG/Opus, MP3, M4A, WAV, WebM … through PyAV) to 16 kHz mono float32.

Limits are checked before the work they protect: the byte size first, then the container's declared
duration, and decoding stops as soon as the decoded audio passes the limit, so a 10-minute recording
costs a fraction of a second to refuse.
"""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from ml.stt.errors import TooLarge, TooLong, Unreadable

RATE = 16_000


def decode(data: bytes | Path, *, max_seconds: float, max_mb: float) -> npt.NDArray[np.float32]:
    """Mono samples at :data:`RATE` Hz in [-1, 1]; raises :class:`TooLarge`, :class:`TooLong` or
    :class:`Unreadable`."""
    size = data.stat().st_size if isinstance(data, Path) else len(data)
    if size > max_mb * 1024 * 1024:
        raise TooLarge(max_mb)
    if size == 0:
        raise Unreadable()
    source = str(data) if isinstance(data, Path) else io.BytesIO(data)
    limit = int(max_seconds * RATE)
    chunks: list[npt.NDArray[np.int16]] = []
    total = 0
    try:
        with av.open(source, mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise Unreadable()
            if container.duration is not None and container.duration / av.time_base > max_seconds + 1:
                raise TooLong(max_seconds)
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunk = np.asarray(out.to_ndarray(), dtype=np.int16).reshape(-1)
                    chunks.append(chunk)
                    total += chunk.size
                if total > limit + RATE:  # a second of slack for encoder padding
                    raise TooLong(max_seconds)
            for out in resampler.resample(None):
                chunks.append(np.asarray(out.to_ndarray(), dtype=np.int16).reshape(-1))
    except (av.FFmpegError, ValueError, IndexError, OSError) as exc:
        if not chunks:
            raise Unreadable() from exc
        # a truncated file: keep what decoded
    if not chunks:
        raise Unreadable()
    samples = np.concatenate(chunks).astype(np.float32) / 32768.0
    return samples
