"""Load benchmark of the dialogue core: N concurrent simulated users, M messages each."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.core import DialogueCore
from bot.texts import BUSY
from bot.types import Heard, MoodChart, Reply, Tracks
from handlers.testing import TestAdapter

BUSY_PAUSE_S = 2.0  # mean pause before the next message after a "busy" answer, even in a closed loop
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


def _status_kb(pid: str, field: str) -> int:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:  # the process has just exited
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith(f"{field}:")), 0)


def child_pids() -> list[str]:
    """Ids of this process's child processes (Linux)."""
    found: list[str] = []
    for task in Path("/proc/self/task").iterdir():
        try:
            found += (task / "children").read_text().split()
        except OSError:
            continue
    return found


def rss_mb() -> float:
    """Resident set size of this process and its child processes (the generator's), in MB (Linux).

    Pages the processes share (the torch library) count once per process: an upper bound.
    """
    return sum(_status_kb(pid, "VmRSS") for pid in ["self", *child_pids()]) / 1024.0


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    served: list[float] = field(default_factory=list)
    busy: list[float] = field(default_factory=list)
    moods: list[float] = field(default_factory=list)  # /mood answers that were charts
    voice: list[float] = field(default_factory=list)  # voice notes heard and answered
    errors: int = 0


async def _user(
    core: DialogueCore,
    n: int,
    messages: int,
    think_s: float,
    rng: random.Random,
    tally: _Tally,
    mood_share: float = 0.0,
) -> None:
    bot = TestAdapter(core, f"load-{n}", platform="bench")
    offered = False  # picks, likes and /mood only once the user has been offered tracks
    pause_s = think_s
    asks_mood = random.Random(n)  # its own stream: the pauses stay those of a run without /mood
    for i in range(messages):
        if pause_s > 0:
            await asyncio.sleep(rng.expovariate(1.0 / pause_s))
        pause_s = think_s
        if offered and asks_mood.random() < mood_share:
            text = "/mood"
        elif offered and i % 4 == 3:
            text = "/pick 1"
        elif offered and i % 5 == 4:
            text = "/like 2"
        else:
            text = MESSAGES[(n * 7 + i) % len(MESSAGES)]
        start = time.perf_counter()
        events = await bot.push(text)
        ms = (time.perf_counter() - start) * 1000.0
        tally.latencies.append(ms)
        failed = [e for e in events if isinstance(e, Reply) and e.kind == "error"]
        if any(e.text == BUSY for e in failed):
            tally.busy.append(ms)
            pause_s = max(think_s, BUSY_PAUSE_S)  # "try again in a few seconds"
        elif failed:
            tally.errors += 1
        else:
            tally.served.append(ms)
            offered = offered or any(isinstance(e, Tracks) for e in events)
            if any(isinstance(e, MoodChart) for e in events):
                tally.moods.append(ms)


async def _listener(core: DialogueCore, n: int, note: bytes, done: asyncio.Event, tally: _Tally) -> None:
    """Send ``note`` as a voice message again and again (right after each answer) until ``done``."""
    bot = TestAdapter(core, f"voice-{n}", platform="bench")
    while not done.is_set():
        start = time.perf_counter()
        events = await bot.push_voice(note)
        ms = (time.perf_counter() - start) * 1000.0
        if any(isinstance(e, Heard) for e in events):
            tally.voice.append(ms)
        else:
            await asyncio.sleep(BUSY_PAUSE_S)


def voice_note_for_load(core: DialogueCore) -> bytes:
    """A 10-second English voice note, spoken offline (the one ``happytalk bench stt`` times)."""
    from ml.stt.bench import TEN_SECONDS

    speaker = core.components.speaker
    if speaker is None:
        raise RuntimeError("voice notes need the speech engine")
    return speaker.synthesize(TEN_SECONDS, "en").ogg


def _pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 1) if values else 0.0


async def run_load(
    core: DialogueCore,
    users: int,
    messages: int,
    think_ms: float = 0.0,
    seed: int = 0,
    mood_share: float = 0.0,
    listeners: int = 0,
) -> dict[str, Any]:
    """Drive ``core`` with ``users`` concurrent users; one summary object (see ``happytalk bench load``).

    Each user sends ``messages`` messages one after another; before each it pauses for a random
    exponential time with mean ``think_ms`` (0: a closed loop, the next message right after the
    answer), or at least ``BUSY_PAUSE_S`` after a "busy" answer, as the answer asks (a refused
    user who retried at once would only measure how fast "busy" is said). Every 4th message is a
    ``/pick 1`` and every 5th a ``/like 2`` once the user has been offered tracks; with
    ``mood_share`` > 0, that share of those later messages are ``/mood`` (a chart of the user's week)
    instead. Latencies count every answer; ``served_*`` only those that were not "busy". With
    ``listeners`` > 0, that many more users send a 10-second voice note after another meanwhile
    (transcribed and answered; ``voice_*``), their answers not counted in the text figures.
    """
    core.metrics.reset()
    tally = _Tally()
    rng = random.Random(seed)
    start = time.perf_counter()
    think_s = think_ms / 1000.0
    done = asyncio.Event()
    voice = _Tally()
    note = voice_note_for_load(core) if listeners else b""
    speaking = [asyncio.create_task(_listener(core, n, note, done, voice)) for n in range(listeners)]
    await asyncio.gather(
        *(
            _user(core, n, messages, think_s, random.Random(rng.random()), tally, mood_share)
            for n in range(users)
        )
    )
    elapsed = time.perf_counter() - start
    done.set()
    await asyncio.gather(*speaking)
    return {
        "users": users,
        "messages": messages,
        "think_ms": think_ms,
        "msgs_per_s": round(len(tally.latencies) / elapsed, 1),
        "p50_ms": _pct(tally.latencies, 50),
        "p95_ms": _pct(tally.latencies, 95),
        "p99_ms": _pct(tally.latencies, 99),
        "errors": tally.errors,
        "busy": len(tally.busy),
        "rss_mb": round(rss_mb(), 1),
        "served_per_s": round(len(tally.served) / elapsed, 1),
        "served_p99_ms": _pct(tally.served, 99),
        "busy_p99_ms": _pct(tally.busy, 99),
        "mood_share": mood_share,
        "mood_charts": len(tally.moods),
        "mood_p50_ms": _pct(tally.moods, 50),
        "mood_p99_ms": _pct(tally.moods, 99),
        "listeners": listeners,
        "voice_notes": len(voice.voice),
        "voice_p50_ms": _pct(voice.voice, 50),
        "voice_p99_ms": _pct(voice.voice, 99),
        "duration_s": round(elapsed, 2),
        "stages": core.metrics.summary(),
    }


TABLE_HEADER = "users think ms  msgs/s served/s   p50 ms   p95 ms   p99 ms  errors  busy  rss MB"


def format_row(row: dict[str, Any]) -> str:
    """One table row, then one line per stage."""
    lines = [
        f"{row['users']:5d} {row['think_ms']:8.0f} {row['msgs_per_s']:7.1f} {row['served_per_s']:8.1f} "
        f"{row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
        f"{row['p99_ms']:8.1f} {row['errors']:7d} {row['busy']:5d} {row['rss_mb']:7.0f}"
    ]
    if row.get("mood_charts"):
        p50, p99, n = row["mood_p50_ms"], row["mood_p99_ms"], row["mood_charts"]
        lines.append(f"      /mood     p50 {p50:8.1f}  p99 {p99:8.1f}  (n={n})")
    if row.get("voice_notes"):
        p50, p99, n = row["voice_p50_ms"], row["voice_p99_ms"], row["voice_notes"]
        lines.append(f"      voice     p50 {p50:8.1f}  p99 {p99:8.1f}  (n={n}, 10 s notes, answered)")
    for stage, st in row["stages"].items():
        lines.append(
            f"      {stage:9s} p50 {st.get('p50_ms', 0):8.1f}  p95 {st.get('p95_ms', 0):8.1f}  "
            f"p99 {st.get('p99_ms', 0):8.1f}  (n={st['n']})"
        )
    return "\n".join(lines)
