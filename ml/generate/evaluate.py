"""Held-out evaluation: perplexity, distinct-1/2, repetition and language match, reply latency."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Sequence
from typing import Any

from ml.generate.pair import Pair
from ml.generate.request import ReplyGenerator, ReplyRequest
from ml.generate.scoring import distinct_n, has_repeated_ngram, repetition_rate
from ml.lang import detect_lang


def balanced_sample(pairs: Sequence[Pair], n: int) -> list[Pair]:
    """Up to ``n`` pairs, half English and half Korean, evenly spread over ``pairs``."""
    out: list[Pair] = []
    for lang in ("en", "ko"):
        of_lang = [p for p in pairs if p.lang == lang]
        want = min(len(of_lang), n // 2 if lang == "en" else n - len(out))
        step = len(of_lang) / want if want else 1.0
        out.extend(of_lang[int(i * step)] for i in range(want))
    return out


def request_for(pair: Pair) -> ReplyRequest:
    """The request the core would send for this held-out message (language detected from it)."""
    return ReplyRequest(pair.message, pair.emotion, detect_lang(pair.message), pair.history[-2:])


def perplexity(generator: Any, pairs: Sequence[Pair]) -> dict[str, float]:
    """Reply perplexity per model token and per character (comparable across backends), overall
    and per language (``perplexity_token_en`` ...)."""
    result: dict[str, float] = {}
    total = [0.0, 0, 0]
    for lang in sorted({p.lang for p in pairs}):
        nll, tokens, chars = generator.reply_nll([p for p in pairs if p.lang == lang])
        result[f"perplexity_token_{lang}"] = math.exp(nll / max(1, tokens))
        total = [total[0] + nll, total[1] + tokens, total[2] + chars]
    nll, tokens, chars = total
    return {
        "perplexity_token": math.exp(nll / max(1, tokens)),
        "perplexity_char": math.exp(nll / max(1, chars)),
        "reply_tokens": float(tokens),
        **result,
    }


def reply_metrics(generator: ReplyGenerator, pairs: Sequence[Pair]) -> dict[str, Any]:
    """Generate one reply per pair (one request at a time) and measure the replies."""
    replies: list[str] = []
    millis: list[float] = []
    matches = 0
    for pair in pairs:
        request = request_for(pair)
        started = time.perf_counter()
        reply = generator.generate([request])[0]
        millis.append(1000 * (time.perf_counter() - started))
        replies.append(reply)
        matches += detect_lang(reply, default="ko" if request.lang == "ko" else "en") == request.lang
    n = max(1, len(replies))
    return {
        "n": len(replies),
        "distinct_1": distinct_n(replies, 1),
        "distinct_2": distinct_n(replies, 2),
        "replies_with_repeated_3gram": sum(has_repeated_ngram(r) for r in replies) / n,
        "mean_repetition_rate": sum(repetition_rate(r) for r in replies) / n,
        "language_match": matches / n,
        "empty_replies": sum(not r.strip() for r in replies),
        "p50_ms": statistics.median(millis) if millis else 0.0,
        "p95_ms": sorted(millis)[int(0.95 * (len(millis) - 1))] if millis else 0.0,
        "samples": [
            {"message": p.message, "lang": p.lang, "emotion": p.emotion, "reply": r}
            for p, r in list(zip(pairs, replies, strict=True))[:: max(1, len(replies) // 6)]
        ],
    }
