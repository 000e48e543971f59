"""Emotion classifier benchmark: start-up, one message at a time, and batches of 64.

Run from the repository root: ``python benchmarks/bench_emotion.py [--threads N] [--json]``.
Messages are real rows: GoEmotions dev single-label texts and Korean held-out sentences,
alternating. Targets (issue 3): start-up load ≤ 3 s (fresh process, imports included), one
message p50 ≤ 10 ms including tokenisation, batches of 64 ≥ 500 messages/s.
Same-run baseline: every batch is also timed without length bucketing (one padded forward
pass per language, as before bucketing), interleaved with the bucketed runs so both see the
same machine load; ``batch64_bucketing_speedup`` is the ratio of the two medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

import ml.emotion.classifier as classifier_mod  # noqa: E402
from ml.emotion import EmotionClassifier  # noqa: E402
from ml.emotion.data import eval_set  # noqa: E402

STARTUP = (
    "import time; t = time.perf_counter(); import torch; torch.set_num_threads({threads}); "
    "from ml.emotion import EmotionClassifier; EmotionClassifier.load(); "
    "print(time.perf_counter() - t)"
)


def messages(n: int) -> list[str]:
    """``n`` real messages, English and Korean alternating."""
    en, _ = eval_set("goemotions-dev")
    ko, _ = eval_set("korean-heldout")
    return [(en if i % 2 == 0 else ko)[i // 2] for i in range(n)]


def startup_seconds(runs: int, threads: int) -> float:
    """Median seconds for a fresh interpreter to import and load the classifier."""
    times = []
    for _ in range(runs):
        code = STARTUP.format(threads=threads)
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def run(threads: int, singles: int, batches: int, startup_runs: int) -> dict[str, float]:
    """All figures in one dict."""
    torch.set_num_threads(threads)
    clf = EmotionClassifier.load()
    texts = messages(max(singles, 64 * batches))
    clf.classify(texts[:64])  # warm-up
    single = []
    for text in texts[:singles]:
        t = time.perf_counter()
        clf.classify([text])
        single.append(time.perf_counter() - t)
    rates: list[float] = []
    baseline: list[float] = []
    bucketed = classifier_mod.BUCKET_OVERHEAD
    for b in range(batches):
        chunk = texts[b * 64 : (b + 1) * 64]
        for overhead, out in ((bucketed, rates), (10**9, baseline)):
            classifier_mod.BUCKET_OVERHEAD = overhead
            t = time.perf_counter()
            clf.classify(chunk)
            out.append(len(chunk) / (time.perf_counter() - t))
    classifier_mod.BUCKET_OVERHEAD = bucketed
    single.sort()
    return {
        "threads": threads,
        "startup_s_p50": round(startup_seconds(startup_runs, threads), 3),
        "single_ms_p50": round(1e3 * statistics.median(single), 2),
        "single_ms_p95": round(1e3 * single[int(0.95 * (len(single) - 1))], 2),
        "batch64_msgs_per_s_p50": round(statistics.median(rates), 1),
        "batch64_unbucketed_msgs_per_s_p50": round(statistics.median(baseline), 1),
        "batch64_bucketing_speedup": round(statistics.median(rates) / statistics.median(baseline), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--singles", type=int, default=300)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--startup-runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    figures = run(args.threads, args.singles, args.batches, args.startup_runs)
    if args.json:
        print(json.dumps({"emotion": figures}))
        return
    targets = {"startup_s_p50": "<= 3", "single_ms_p50": "<= 10", "batch64_msgs_per_s_p50": ">= 500"}
    print(f"{'measure':<26}{'value':>10}  target")
    for key, value in figures.items():
        print(f"{key:<26}{value:>10}  {targets.get(key, '')}")


if __name__ == "__main__":
    main()
