"""Per-stage latency samples (emotion, reply, recommend, voice, total) for benchmarks; each also
goes to the Prometheus latency histogram (``bot.telemetry``)."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from bot.telemetry import record_stage


class StageMetrics:
    """Keeps the last ``keep`` durations (ms) of each stage."""

    def __init__(self, keep: int = 100_000) -> None:
        self._samples: dict[str, deque[float]] = defaultdict(lambda: deque(maxlen=keep))

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            took = time.perf_counter() - start
            self._samples[name].append(took * 1000.0)
            record_stage(name, took)

    def percentiles(self, name: str, qs: tuple[float, ...] = (50, 95, 99)) -> dict[str, float]:
        data = self._samples.get(name)
        if not data:
            return {}
        values = np.percentile(np.fromiter(data, dtype=float), qs)
        return {f"p{int(q)}_ms": round(float(v), 2) for q, v in zip(qs, values, strict=True)}

    def summary(self) -> dict[str, dict[str, float]]:
        return {name: {"n": len(d), **self.percentiles(name)} for name, d in self._samples.items() if d}

    def reset(self) -> None:
        self._samples.clear()
