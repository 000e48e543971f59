"""Reply latency, throughput and memory of the generator backends on held-out messages.

Usage: ``python benchmarks/bench_generate.py [--backend transformer|char_lstm|both] [--n 100]``.
Prints one table row per backend: p50/p95 ms per reply (one request at a time, up to
``max_new_tokens`` new tokens, ``num_candidates`` candidates), the process CPU time per reply
(p50; equals wall time on an idle machine with one thread), reply tokens per second, the
process RSS after loading and after the run, and the quality figures of those replies.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench(backend: str, n: int, threads: int) -> dict[str, float]:
    """Measure one backend."""
    import torch

    from config.settings import GeneratorSettings
    from ml.generate import load_generator
    from ml.generate.corpus import load_pairs
    from ml.generate.evaluate import balanced_sample, request_for
    from ml.generate.scoring import distinct_n, has_repeated_ngram
    from ml.lang import detect_lang

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    settings = GeneratorSettings(backend=backend)
    started = time.perf_counter()
    generator = load_generator(settings)
    load_s = time.perf_counter() - started
    rss_loaded = _rss_mb()
    requests = [request_for(p) for p in balanced_sample(load_pairs(heldout=True), n)]
    generator.generate(requests[:2])  # warm-up
    tokenizer = getattr(generator, "tokenizer", None)
    millis: list[float] = []
    cpu_millis: list[float] = []
    tokens = 0
    replies: list[str] = []
    for request in requests:
        t0, c0 = time.perf_counter(), time.process_time()
        reply = generator.generate([request])[0]
        millis.append(1000 * (time.perf_counter() - t0))
        cpu_millis.append(1000 * (time.process_time() - c0))
        replies.append(reply)
        tokens += len(tokenizer(reply)["input_ids"]) if tokenizer is not None else len(reply)
    return {
        "load_s": load_s,
        "p50_ms": statistics.median(millis),
        "p95_ms": sorted(millis)[int(0.95 * (len(millis) - 1))],
        "cpu_p50_ms": statistics.median(cpu_millis),
        "tok_per_s": tokens / (sum(millis) / 1000),
        "rss_loaded_mb": rss_loaded,
        "rss_after_mb": _rss_mb(),
        "lang_match": sum(detect_lang(r) == q.lang for r, q in zip(replies, requests, strict=True))
        / len(replies),
        "distinct_2": distinct_n(replies, 2),
        "repeated_3gram": sum(has_repeated_ngram(r) for r in replies) / len(replies),
    }


def main() -> None:
    """Parse arguments, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["transformer", "char_lstm", "both"], default="both")
    parser.add_argument("--n", type=int, default=100, help="held-out messages (half English, half Korean)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    backends = ["transformer", "char_lstm"] if args.backend == "both" else [args.backend]
    rows = {b: bench(b, args.n, args.threads) for b in backends}
    keys = list(next(iter(rows.values())))
    print(f"{'backend':12s} " + " ".join(f"{k:>13s}" for k in keys))
    for backend, row in rows.items():
        print(f"{backend:12s} " + " ".join(f"{row[k]:13.3f}" for k in keys))


if __name__ == "__main__":
    main()
