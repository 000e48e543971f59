"""Speech benchmark: the issue's targets plus gTTS's full path against the loopback fake.

Run from the repository root: ``python benchmarks/bench_speech.py [--runs N] [--json]``.
Rows: offline engine (espeak-ng) 100-character reply, synthesis + encoding (target p50 ≤ 150
ms); a cached note (≤ 5 ms); MP3 → Opus encoding of a 10-second note (≤ 50 ms), then the same
with libsndfile's encoder as the same-run baseline; and, for reference, a whole gTTS reply of
~10 s through gTTS's real request code against ``tests/ml/speech/fake_gtts.py`` on 127.0.0.1.

``--sweep`` instead times the encoder alone on the 10 s note (24 kHz, as gTTS sends it) for
each libopus mode, complexity and bitrate, with the file size and, when the ``pesq`` package is importable
(``pip install --target /tmp/pesqlib pesq`` and ``PYTHONPATH=/tmp/pesqlib``), wide-band PESQ
against the input (libsndfile's encoder on the first line for comparison).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gtts.tts
import numpy as np
import soundfile as sf

from config.settings import SpeechSettings
from ml.audio import decode_audio, encode_opus, resample
from ml.speech.bench import REPLY_100, Timing, encode_opus_soundfile, measure, report, run, speech_mp3
from ml.speech.speaker import Speaker
from tests.ml.speech.fake_gtts import SECONDS_PER_CHAR, FakeGtts


def gtts_full_path(runs: int) -> Timing:
    """A ~10 s reply through gTTS (no throttle, no cache) against the loopback fake."""
    reply = " ".join([REPLY_100] * round(10.0 / (len(REPLY_100) * SECONDS_PER_CHAR)))
    fake = FakeGtts().start()
    real_url = gtts.tts._translate_url
    gtts.tts._translate_url = fake.url
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = SpeechSettings(engine="gtts", gtts_min_interval_s=0.0, cache_mb=0)
            speaker = Speaker(settings, Path(tmp))

            def speak() -> None:
                note = speaker.synthesize(reply)
                assert note.engine == "gtts", note.notice

            return measure("gTTS reply ~10 s via loopback fake", speak, runs, float("inf"))
    finally:
        gtts.tts._translate_url = real_url
        fake.stop()


def pesq_scorer(reference: np.ndarray) -> Callable[[bytes], float] | None:
    """Wide-band PESQ of an OGG file against ``reference`` (48 kHz), or None without ``pesq``."""
    try:
        from pesq import pesq  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return None
    ref16 = resample(reference, 48_000, 16_000)

    def score(ogg: bytes) -> float:
        decoded, _ = sf.read(io.BytesIO(ogg), dtype="float32")
        n = min(len(ref16), len(decoded) // 3)
        return float(pesq(16_000, ref16[:n], resample(decoded, 48_000, 16_000)[:n], "wb"))

    return score


def sweep(runs: int) -> list[dict[str, object]]:
    """libopus (PyAV) on a 10 s, 24 kHz speech note: CPU/wall p50, bytes and PESQ per setting."""
    samples, rate = decode_audio(speech_mp3(10.0))
    score = pesq_scorer(resample(samples, rate))
    configs: list[tuple[str, Callable[[], bytes]]] = [
        ("libsndfile (baseline)", lambda: encode_opus_soundfile(samples, rate))
    ]
    for mode, app in (("CELT", "lowdelay"), ("SILK/hybrid", "voip")):
        for complexity in (0, 1, 5, 10):
            for bitrate in (32_000, 48_000, 64_000):
                name = f"{mode} c{complexity} {bitrate // 1000}k"
                configs.append((name, partial(encode_opus, samples, rate, bitrate, complexity, app)))
    out: list[dict[str, object]] = []
    for name, encode in configs:
        timing = measure(name, encode, runs, float("inf"))
        ogg = encode()
        out.append(
            {
                "name": name,
                "p50_ms": round(timing.p50_ms, 1),
                "cpu_p50_ms": round(timing.cpu_p50_ms, 1),
                "bytes": len(ogg),
                "pesq_wb": None if score is None else round(score(ogg), 2),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--sweep", action="store_true", help="libopus settings: time, size, PESQ")
    args = parser.parse_args()
    if args.sweep:
        table = sweep(args.runs)
        if args.json:
            print(json.dumps({"opus_sweep": table}))
            return
        print(f"{'encoder':<24} {'p50 ms':>7} {'cpu p50':>8} {'bytes':>7} {'PESQ-WB':>8}")
        for r in table:
            print(
                f"{r['name']:<24} {r['p50_ms']:>7} {r['cpu_p50_ms']:>8} {r['bytes']:>7} "
                f"{'-' if r['pesq_wb'] is None else r['pesq_wb']:>8}"
            )
        return
    print(report([*run(args.runs), gtts_full_path(args.runs)], args.json))


if __name__ == "__main__":
    main()
