"""Load benchmark of the dialogue core: N concurrent simulated users, M messages each."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import numpy as np

from bot.core import BUSY, DialogueCore
from bot.types import Reply
from handlers.testing import TestAdapter

MESSAGES = (
    "I miss my dad so much",
    "I got the job!! I can't believe it",
    "my landlord raised the rent again, I'm furious",
    "there's a weird noise downstairs and I'm scared",
    "ugh, someone left rotten food in the fridge",
    "wait, you're telling me the concert is tonight?",
    "just finished work, nothing special today",
    "오늘 정말 행복한 하루였어",
    "요즘 너무 외롭고 슬퍼",
    "상사가 또 내 탓을 해서 화가 나",
)


def rss_mb() -> float:
    """Resident set size of this process in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


async def _user(core: DialogueCore, n: int, messages: int, lat: list[float], counts: dict[str, int]) -> None:
    bot = TestAdapter(core, f"load-{n}", platform="bench")
    for i in range(messages):
        if i % 4 == 3:
            text = "/pick 1"
        elif i % 5 == 4:
            text = "/like 2"
        else:
            text = MESSAGES[(n * 7 + i) % len(MESSAGES)]
        start = time.perf_counter()
        events = await bot.push(text)
        lat.append((time.perf_counter() - start) * 1000.0)
        for e in events:
            if isinstance(e, Reply) and e.kind == "error":
                counts["busy" if e.text == BUSY else "errors"] += 1


async def run_load(core: DialogueCore, users: int, messages: int) -> dict[str, Any]:
    """Drive ``core`` with ``users`` concurrent users; one summary object (see ``happytalk bench load``)."""
    core.metrics.reset()
    latencies: list[float] = []
    counts = {"errors": 0, "busy": 0}
    start = time.perf_counter()
    await asyncio.gather(*(_user(core, n, messages, latencies, counts) for n in range(users)))
    elapsed = time.perf_counter() - start
    p50, p95, p99 = np.percentile(latencies, [50, 95, 99]) if latencies else (0.0, 0.0, 0.0)
    return {
        "users": users,
        "messages": messages,
        "msgs_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(float(p50), 1),
        "p95_ms": round(float(p95), 1),
        "p99_ms": round(float(p99), 1),
        "errors": counts["errors"],
        "busy": counts["busy"],
        "rss_mb": round(rss_mb(), 1),
        "stages": core.metrics.summary(),
    }


TABLE_HEADER = "users  msgs/s   p50 ms   p95 ms   p99 ms  errors  busy  rss MB"


def format_row(row: dict[str, Any]) -> str:
    """One table row, then one line per stage."""
    lines = [
        f"{row['users']:5d} {row['msgs_per_s']:7.1f} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
        f"{row['p99_ms']:8.1f} {row['errors']:7d} {row['busy']:5d} {row['rss_mb']:7.0f}"
    ]
    for stage, st in row["stages"].items():
        lines.append(
            f"      {stage:9s} p50 {st.get('p50_ms', 0):8.1f}  p95 {st.get('p95_ms', 0):8.1f}  "
            f"p99 {st.get('p99_ms', 0):8.1f}  (n={st['n']})"
        )
    return "\n".join(lines)
