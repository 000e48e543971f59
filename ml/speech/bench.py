"""Speech benchmarks: offline synthesis + encoding, cache hits, and MP3 → Opus encoding.

Each measurement gives wall-clock p50/p90 and the p50 of the calling thread's CPU time (all
this work runs in the calling thread) in milliseconds, over ``runs`` runs after one warm-up.
On a shared, busy machine the CPU-time median shows the cost without the waiting. MP3 → Opus
is measured with PyAV's libopus (what voice notes use) and, in the same run, with libsndfile's
encoder at its default settings as the baseline; :func:`report` prints their ratio.
"""

from __future__ import annotations

import io
import json
import math
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from config.settings import SpeechSettings
from ml.audio import VOICE_NOTE_RATE, FloatArray, decode_audio, encode_voice_note, resample
from ml.speech.espeak_engine import ESpeakEngine
from ml.speech.speaker import Speaker

REPLY_100 = (
    "I'm really glad you told me that. Take a slow, deep breath, and then let's find a calm song for you."
)
"""A 100-character English reply (``len(REPLY_100) == 100``)."""


@dataclass(frozen=True)
class Timing:
    """One benchmark row."""

    name: str
    runs: int
    p50_ms: float
    p90_ms: float
    cpu_p50_ms: float
    target_ms: float

    @property
    def ok(self) -> bool:
        """True when the median meets the target."""
        return self.p50_ms <= self.target_ms

    def as_dict(self) -> dict[str, object]:
        """JSON-ready fields plus ``ok`` (both null for a row without a target)."""
        if math.isinf(self.target_ms):
            return {**asdict(self), "target_ms": None, "ok": None}
        return {**asdict(self), "ok": self.ok}


def measure(name: str, fn: Callable[[], object], runs: int, target_ms: float) -> Timing:
    """Time ``fn`` ``runs`` times after one warm-up call."""
    fn()
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
        cpu.append((time.thread_time() - start_cpu) * 1000.0)
    times.sort()
    p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
    return Timing(name, runs, statistics.median(times), p90, statistics.median(cpu), target_ms)


def speech_mp3(seconds: float = 10.0, rate: int = 24_000) -> bytes:
    """About ``seconds`` of real speech (espeak-ng) as a mono MP3 at ``rate``, like gTTS sends."""
    engine = ESpeakEngine()
    parts, total = [], 0.0
    while total < seconds:
        out = engine.synthesize(REPLY_100, "en")
        parts.append(out.samples)
        total += len(out.samples) / out.rate
    samples = np.concatenate(parts)[: int(seconds * out.rate)]
    buf = io.BytesIO()
    sf.write(buf, resample(samples, out.rate, rate), rate, format="MP3")
    return buf.getvalue()


def encode_opus_soundfile(samples: FloatArray, rate: int) -> bytes:
    """OGG/Opus 48 kHz through libsndfile's encoder (libopus at its defaults): the baseline."""
    buf = io.BytesIO()
    sf.write(buf, resample(samples, rate), VOICE_NOTE_RATE, format="OGG", subtype="OPUS")
    return buf.getvalue()


MP3_TO_OPUS = "MP3 → Opus, 10 s note"
BASELINE = "  same, libsndfile encoder (baseline)"


def run(runs: int = 20) -> list[Timing]:
    """The three rows of the issue's targets, then the MP3 → Opus baseline."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Speaker(SpeechSettings(engine="espeak", cache_mb=0), Path(tmp) / "off")
        cached = Speaker(SpeechSettings(engine="espeak", cache_mb=16), Path(tmp) / "on")
        mp3 = speech_mp3(10.0)

        def mp3_to_opus() -> object:
            samples, rate = decode_audio(mp3)
            return encode_voice_note(samples, rate)

        def mp3_to_opus_baseline() -> object:
            samples, rate = decode_audio(mp3)
            return encode_voice_note(samples, rate, encoder=encode_opus_soundfile)

        return [
            measure("offline 100 chars: synth + encode", lambda: fresh.synthesize(REPLY_100), runs, 150.0),
            measure("cached note", lambda: cached.synthesize(REPLY_100), runs, 5.0),
            measure(MP3_TO_OPUS, mp3_to_opus, runs, 50.0),
            measure(BASELINE, mp3_to_opus_baseline, runs, float("inf")),
        ]


def baseline_ratio(rows: list[Timing]) -> dict[str, float]:
    """How many times faster MP3 → Opus is than the libsndfile baseline (wall and CPU p50)."""
    new = next(r for r in rows if r.name == MP3_TO_OPUS)
    old = next(r for r in rows if r.name == BASELINE)
    return {"wall": old.p50_ms / new.p50_ms, "cpu": old.cpu_p50_ms / new.cpu_p50_ms}


def report(rows: list[Timing], json_mode: bool) -> str:
    """The rows as a table (or one JSON object) with the same-run baseline ratio."""
    ratio = baseline_ratio(rows)
    if json_mode:
        return json.dumps({"speech": [row.as_dict() for row in rows], "mp3_to_opus_speedup": ratio})
    return (
        f"{format_table(rows)}\nMP3 → Opus vs the libsndfile encoder (same run): "
        f"{ratio['wall']:.1f}x faster (wall p50), {ratio['cpu']:.1f}x less CPU (p50)"
    )


def format_table(rows: list[Timing]) -> str:
    """A fixed-width table of the rows."""
    head = ("benchmark", "runs", "p50 ms", "p90 ms", "cpu p50", "target")
    lines = ["{:<38} {:>4} {:>8} {:>8} {:>8} {:>7}  ok".format(*head)]
    for r in rows:
        target, ok = ("-", "-") if r.target_ms == float("inf") else (f"{r.target_ms:.0f}", "yes")
        lines.append(
            f"{r.name:<38} {r.runs:>4} {r.p50_ms:>8.1f} {r.p90_ms:>8.1f} {r.cpu_p50_ms:>8.1f} "
            f"{target:>7}  {ok if r.ok else 'NO'}"
        )
    return "\n".join(lines)
