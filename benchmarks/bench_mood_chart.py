"""Mood chart benchmark: drawing ``/mood``'s PNG, and the whole read → count → draw path.

Run from the repository root: ``python benchmarks/bench_mood_chart.py [--runs N] [--json]``.
Rows: a month of moods for a talkative user (20 a day, 600), drawn fresh each run (the chart
cache bypassed; target p50 ≤ 150 ms, PNG ≤ 200 kB); the same for a week; a month of 10,000
moods (the issue's heavy user), drawn and also read from SQLite and counted per day first, as
``/mood month`` does in its worker threads; and a repeated request the chart cache answers.
Times are wall-clock medians (and p95) over ``--runs`` runs, after one warm-up run.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.models import Mood
from bot.mood_chart import _render, render_chart
from bot.mood_summary import Period, mood_days, window_start
from bot.store import MoodEntry, Store
from config import EMOTIONS

NOW = datetime(2026, 3, 14, 18, 0, tzinfo=UTC)
WEIGHTS = (1, 0.5, 1, 3, 2, 1, 6)  # anger … neutral: mostly calm, some joy and sadness


def moods(n: int, days: int, seed: int = 0) -> list[MoodEntry]:
    """``n`` moods spread over the ``days`` days before ``NOW``."""
    rng = random.Random(seed)
    seconds = days * 86400
    return [
        MoodEntry(rng.choices(EMOTIONS, WEIGHTS)[0], 0.8, NOW - timedelta(seconds=rng.uniform(0, seconds)))
        for _ in range(n)
    ]


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """p50 and p95 wall milliseconds of ``fn`` over ``runs`` runs, after one warm-up."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def drawing(entries: list[MoodEntry], period: Period, runs: int) -> dict[str, object]:
    days = mood_days(entries, period, NOW, UTC)

    def draw() -> bytes:
        _render.cache_clear()
        return render_chart(days)

    p50, p95 = timed(draw, runs)
    return {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "png_kb": round(len(draw()) / 1024, 1)}


def whole_path(entries: list[MoodEntry], runs: int) -> dict[str, object]:
    """Read from SQLite, count per day, draw: what ``/mood month`` does off the event loop."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        try:
            rows = [dict(user_key="u", emotion=e.emotion, confidence=0.8, created_at=e.at) for e in entries]
            with Session(store.engine) as s, s.begin():
                s.execute(insert(Mood), rows)

            def go() -> bytes:
                _render.cache_clear()
                found = store.moods_since("u", window_start("month", NOW, UTC))
                return render_chart(mood_days(found, "month", NOW, UTC))

            p50, p95 = timed(go, runs)
            return {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "png_kb": round(len(go()) / 1024, 1)}
        finally:
            store.close()


def run(runs: int) -> dict[str, dict[str, object]]:
    month = moods(600, 30)
    heavy = moods(10_000, 30, seed=1)
    cached_days = mood_days(month, "month", NOW, UTC)
    render_chart(cached_days)
    cached_p50, cached_p95 = timed(lambda: render_chart(cached_days), runs)
    return {
        "month, 600 moods: draw": drawing(month, "month", runs),
        "week, 140 moods: draw": drawing(moods(140, 7), "week", runs),
        "month, 10,000 moods: draw": drawing(heavy, "month", runs),
        "month, 10,000 moods: read + count + draw": whole_path(heavy, runs),
        "month, 600 moods: again (cache)": {
            "p50_ms": round(cached_p50, 3),
            "p95_ms": round(cached_p95, 3),
            "png_kb": round(len(render_chart(cached_days)) / 1024, 1),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    table = run(args.runs)
    if args.json:
        print(json.dumps(table))
        return
    print(f"{'':44} {'p50 ms':>8} {'p95 ms':>8} {'PNG kB':>7}")
    for name, row in table.items():
        print(f"{name:44} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['png_kb']:>7}")


if __name__ == "__main__":
    main()
