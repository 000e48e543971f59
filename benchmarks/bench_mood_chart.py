"""Mood chart benchmark: drawing ``/mood``'s PNG, and the whole read → count → draw path.

Run from the repository root: ``python benchmarks/bench_mood_chart.py [--runs N] [--json]``.
Rows: a month of moods for a talkative user (20 a day, 600), drawn fresh each run (the chart
cache bypassed; target p50 ≤ 150 ms, PNG ≤ 200 kB); the same for a week; a month of 10,000
moods (the issue's heavy user), drawn and also read from SQLite and counted per day first, as
``/mood month`` does in a worker thread; a month drawn by the bot's chart process (the days
pickled there, the PNG back); and a repeated request the chart cache answers.
Times are wall-clock medians (and p95) over ``--runs`` runs, after one warm-up run.
"""

from __future__ import annotations

import argparse
import asyncio
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

from bot.chart_worker import ChartWorker
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


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Wall milliseconds of ``fn`` over ``runs`` runs, after one warm-up."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def row(times: list[float], png: bytes, digits: int = 1) -> dict[str, object]:
    """p50 and p95 of ``times`` (ms) and the PNG's size (kB)."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered), digits),
        "p95_ms": round(p95, digits),
        "png_kb": round(len(png) / 1024, 1),
    }


def drawing(entries: list[MoodEntry], period: Period, runs: int) -> dict[str, object]:
    days = mood_days(entries, period, NOW, UTC)

    def draw() -> bytes:
        _render.cache_clear()
        return render_chart(days)

    return row(timed(draw, runs), draw())


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

            return row(timed(go, runs), go())
        finally:
            store.close()


def in_chart_process(entries: list[MoodEntry], runs: int) -> dict[str, object]:
    """Drawn in the bot's chart process: the days pickled there, the PNG back (what ``/mood`` waits
    for); each run a new count, so the process's cache never answers."""
    worker = ChartWorker()
    worker.start()
    variants = [mood_days(entries[: len(entries) - i], "month", NOW, UTC) for i in range(runs + 2)]

    async def go() -> tuple[list[float], bytes]:
        png = await worker.draw(variants[-1])  # warm
        times = []
        for days in variants[:runs]:
            start = time.perf_counter()
            png = await worker.draw(days)
            times.append((time.perf_counter() - start) * 1000.0)
        return times, png

    try:
        return row(*asyncio.run(go()))
    finally:
        worker.close()


def run(runs: int) -> dict[str, dict[str, object]]:
    month = moods(600, 30)
    heavy = moods(10_000, 30, seed=1)
    cached_days = mood_days(month, "month", NOW, UTC)
    return {
        "month, 600 moods: draw": drawing(month, "month", runs),
        "week, 140 moods: draw": drawing(moods(140, 7), "week", runs),
        "month, 10,000 moods: draw": drawing(heavy, "month", runs),
        "month, 10,000 moods: read + count + draw": whole_path(heavy, runs),
        "month, 600 moods: in the chart process": in_chart_process(month, runs),
        "month, 600 moods: again (cache)": row(
            timed(lambda: render_chart(cached_days), runs), render_chart(cached_days), digits=3
        ),
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
