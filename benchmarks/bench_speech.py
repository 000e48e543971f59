"""Speech benchmark: the issue's targets plus gTTS's full path against the loopback fake.

Run from the repository root: ``python benchmarks/bench_speech.py [--runs N] [--json]``.
Rows: offline engine (espeak-ng) 100-character reply, synthesis + encoding (target p50 ≤ 150
ms); a cached note (≤ 5 ms); MP3 → Opus encoding of a 10-second note (≤ 50 ms); and, for
reference, a whole gTTS reply of ~10 s through gTTS's real request code against
``tests/ml/speech/fake_gtts.py`` on 127.0.0.1 (no target).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gtts.tts

from config.settings import SpeechSettings
from ml.speech.bench import REPLY_100, Timing, format_table, measure, run
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    rows = [*run(args.runs), gtts_full_path(args.runs)]
    if args.json:
        print(json.dumps({"speech": [row.as_dict() for row in rows]}))
    else:
        print(format_table(rows))


if __name__ == "__main__":
    main()
