"""Reply latency, throughput and memory of the generator backends on held-out messages.

Usage: ``python benchmarks/bench_generate.py [--backend transformer|char_lstm|both] [--n 100]``.
Prints one table row per backend: p50/p95 ms per reply (one request at a time, up to
``max_new_tokens`` new tokens, ``num_candidates`` candidates), the process CPU time per reply
(p50; equals wall time on an idle machine with one thread), reply tokens per second, the
process RSS after loading and after the run, and the quality figures of those replies.

``--batch 1,8,16,32 [--rounds 5]``: the transformer answering batches of that many held-out
requests, as the core's micro-batcher sends them, several ways in the same run (interleaved, median
ms per batch and messages per second): ``hf`` = Hugging Face ``generate`` with every request's
``num_candidates`` rows (the previous sampler, the baseline), ``budgetR`` = ``generate()`` as
shipped with ``max_batch_rows`` R (``--budgets 16,32``): fewer candidates per request once
requests x ``num_candidates`` would exceed R.
``loop-hf``/``loop-fp32``/``loop-int8`` = our loop with every candidate over the model's own
forward, the lean GPT-2 decoder, and that decoder quantised (``ml/generate/decoders.py``).

``--variants [--n 200] [--batch 16]``: reply quality and batch speed of the shipped settings
against fp32 (``HAPPYTALK_GENERATOR_QUANTIZE=false``) and the longer prompt cap of 88 tokens.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


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


def _hf_generate(generator: Any, requests: list[Any]) -> list[str]:
    """The previous sampler: one HF ``generate`` call with ``num_candidates`` rows per request."""
    import torch

    from ml.generate.scoring import pick_best

    prompts = generator.prompts(requests)
    width = max(len(x) for x in prompts)
    ids = torch.full((len(prompts), width), generator.pad_id, dtype=torch.long)
    mask = torch.zeros((len(prompts), width), dtype=torch.long)
    for row, prompt in enumerate(prompts):
        ids[row, width - len(prompt) :] = torch.tensor(prompt)
        mask[row, width - len(prompt) :] = 1
    p, n = generator.params(), generator.settings.num_candidates
    with torch.inference_mode():
        out = generator.model.generate(
            input_ids=ids,
            attention_mask=mask,
            do_sample=True,
            temperature=p.temperature,
            top_k=p.top_k,
            top_p=p.top_p,
            repetition_penalty=p.repetition_penalty,
            no_repeat_ngram_size=p.no_repeat_ngram_size,
            max_new_tokens=p.max_new_tokens,
            min_new_tokens=p.min_new_tokens,
            num_return_sequences=n,
            pad_token_id=generator.pad_id,
            eos_token_id=list(p.stop_ids),
            suppress_tokens=list(p.suppress_ids),
        )
    texts = [generator._decode([t for t in seq if t not in p.stop_ids]) for seq in out[:, width:].tolist()]
    return [pick_best(r, texts[i * n : (i + 1) * n]) for i, r in enumerate(requests)]


def _loop_with(decoder: str) -> Callable[[Any, list[Any]], list[str]]:
    """Our KV-cache loop with ``num_candidates`` rows per request (no row budget) over
    ``decoder``: ``hf`` (the model's own forward), ``fp32`` or ``int8`` (the lean GPT-2 decoder)."""
    from ml.generate.decoders import GPT2Decoder, HFDecoder
    from ml.generate.sampler import sample
    from ml.generate.scoring import pick_best

    made: dict[int, Any] = {}

    def run(generator: Any, requests: list[Any]) -> list[str]:
        key = id(generator)
        if key not in made:
            model = generator.model
            made[key] = (
                HFDecoder(model, generator.pad_id)
                if decoder == "hf"
                else GPT2Decoder(model, decoder == "int8")
            )
        n = generator.settings.num_candidates
        rows = sample(made[key], generator.prompts(requests), n, generator.params(), generator.pad_id)
        drawn = [[generator._decode(ids) for ids in row] for row in rows]
        return [pick_best(r, c) for r, c in zip(requests, drawn, strict=True)]

    return run


def _with_budget(rows: int) -> Callable[[Any, list[Any]], list[str]]:
    """``generate()`` as shipped, with ``max_batch_rows`` = ``rows``."""

    def run(generator: Any, requests: list[Any]) -> list[str]:
        shipped = generator.settings
        generator.settings = shipped.model_copy(update={"max_batch_rows": rows})
        try:
            return list(generator.generate(requests))
        finally:
            generator.settings = shipped

    return run


def bench_batches(sizes: list[int], rounds: int, threads: int, budgets: list[int]) -> list[dict[str, Any]]:
    """Median ms per batch and messages per second for each batch size and sampler."""
    import torch

    from config.settings import GeneratorSettings
    from ml.generate import load_generator
    from ml.generate.corpus import load_pairs
    from ml.generate.evaluate import balanced_sample, request_for

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    generator: Any = load_generator(GeneratorSettings())
    pool = [request_for(p) for p in balanced_sample(load_pairs(heldout=True), 200)]
    ways: dict[str, Callable[[Any, list[Any]], list[str]]] = {
        "hf": _hf_generate,
        **{f"loop-{d}": _loop_with(d) for d in ("hf", "fp32", "int8")},
        **{f"budget{b}": _with_budget(b) for b in budgets},
    }
    rows: list[dict[str, Any]] = []
    for size in sizes:
        millis: dict[str, list[float]] = {name: [] for name in ways}
        for round_ in range(rounds + 1):  # round 0 warms up
            start = (round_ * size * 7) % len(pool)
            batch = [pool[(start + 37 * i) % len(pool)] for i in range(size)]  # mixed en/ko
            for name, way in ways.items():
                t0 = time.perf_counter()
                replies = way(generator, batch)
                if round_:
                    millis[name].append(1000 * (time.perf_counter() - t0))
                assert len(replies) == size and all(r.strip() for r in replies)
        for name, values in millis.items():
            ms = statistics.median(values)
            rows.append({"batch": size, "sampler": name, "ms_per_batch": ms, "msgs_per_s": 1000 * size / ms})
    return rows


VARIANTS: dict[str, dict[str, Any]] = {
    "shipped": {},
    "fp32": {"quantize": False},
    "prompt88": {"max_prompt_tokens": 88},
    "fp32-prompt88": {"quantize": False, "max_prompt_tokens": 88},
}


def bench_variants(n: int, batch: int, rounds: int) -> list[dict[str, Any]]:
    """Reply quality (``n`` held-out requests, one at a time, every candidate) and batch speed
    (median ms per batch of ``batch``, interleaved rounds) of the shipped settings and of the
    settings this round changed (``VARIANTS``): int8 vs fp32, prompt cap 48 vs 88 tokens."""
    import torch

    from config.settings import GeneratorSettings
    from ml.generate import load_generator
    from ml.generate.corpus import load_pairs
    from ml.generate.evaluate import balanced_sample, request_for
    from ml.generate.scoring import dice, distinct_n, has_repeated_ngram, score
    from ml.lang import detect_lang

    torch.set_num_threads(1)
    gens: dict[str, Any] = {k: load_generator(GeneratorSettings(**v)) for k, v in VARIANTS.items()}
    pool = [request_for(p) for p in balanced_sample(load_pairs(heldout=True), max(n, 200))]
    rows: list[dict[str, Any]] = []
    for name, generator in gens.items():
        torch.manual_seed(0)
        requests = pool[:n]
        replies = [generator.generate([r])[0] for r in requests]
        lengths = [len(p) for p in generator.prompts(requests)]
        rows.append(
            {
                "variant": name,
                "prompt_tokens": statistics.mean(lengths),
                "lang_match": statistics.mean(
                    detect_lang(x) == r.lang for x, r in zip(replies, requests, strict=True)
                ),
                "distinct_2": distinct_n(replies, 2),
                "repeated_3gram": statistics.mean(has_repeated_ngram(x) for x in replies),
                "relevance": statistics.mean(dice(x, r.text) for x, r in zip(replies, requests, strict=True)),
                "score": statistics.mean(score(r, x) for x, r in zip(replies, requests, strict=True)),
                "ms": [],
            }
        )
    for round_ in range(rounds + 1):
        start = (round_ * 53) % len(pool)
        chunk = [pool[(start + 37 * i) % len(pool)] for i in range(batch)]
        for row in rows:
            t0 = time.perf_counter()
            gens[row["variant"]].generate(chunk)
            if round_:
                row["ms"].append(1000 * (time.perf_counter() - t0))
    for row in rows:
        row["ms_per_batch"] = statistics.median(row.pop("ms"))
    return rows


def main() -> None:
    """Parse arguments, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["transformer", "char_lstm", "both"], default="both")
    parser.add_argument("--n", type=int, default=100, help="held-out messages (half English, half Korean)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", default=None, help="comma-separated batch sizes (transformer batch mode)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per batch size (batch mode)")
    parser.add_argument("--budgets", default="16,32", help="max_batch_rows values to compare (batch mode)")
    parser.add_argument("--variants", action="store_true", help="quality and speed of VARIANTS (see there)")
    args = parser.parse_args()
    if args.variants:
        found = bench_variants(args.n, int(args.batch or 16), args.rounds)
        keys = [k for k in found[0] if k != "variant"]
        print(f"{'variant':14s} " + " ".join(f"{k:>14s}" for k in keys))
        for r in found:
            print(f"{r['variant']:14s} " + " ".join(f"{r[k]:14.3f}" for k in keys))
        return
    if args.batch:
        sizes = [int(x) for x in args.batch.split(",") if x.strip()]
        budgets = [int(x) for x in args.budgets.split(",") if x.strip()]
        table = bench_batches(sizes, args.rounds, args.threads, budgets)
        base = {r["batch"]: r["ms_per_batch"] for r in table if r["sampler"] == "hf"}
        print(f"{'batch':>5s} {'sampler':>12s} {'ms/batch':>10s} {'msgs/s':>8s} {'vs hf':>7s}")
        for r in table:
            speedup = base[r["batch"]] / r["ms_per_batch"]
            line = f"{r['batch']:5d} {r['sampler']:>12s} {r['ms_per_batch']:10.1f} {r['msgs_per_s']:8.1f}"
            print(f"{line} {speedup:6.2f}x")
        return
    backends = ["transformer", "char_lstm"] if args.backend == "both" else [args.backend]
    rows = {b: bench(b, args.n, args.threads) for b in backends}
    keys = list(next(iter(rows.values())))
    print(f"{'backend':12s} " + " ".join(f"{k:>13s}" for k in keys))
    for backend, row in rows.items():
        print(f"{backend:12s} " + " ".join(f"{row[k]:13.3f}" for k in keys))


if __name__ == "__main__":
    main()
