"""A process killed mid-write leaves the database consistent: whole exchanges or none."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.store import Store

pytestmark = pytest.mark.resilience

WRITER = """
import sys
from bot.store import Store
store = Store(sys.argv[1])
print("ready", flush=True)
i = 0
while True:
    store.record_exchange("crash:u", f"message {i}", f"reply {i}", "joy", 0.9, ["a", "b", "c", "d", "e"])
    store.set_feedback("crash:u", f"t{i % 7}", 1 if i % 2 else -1)
    i += 1
"""


def test_kill_during_writes_keeps_whole_exchanges(tmp_path: Path) -> None:
    db = tmp_path / "crash.sqlite3"
    url = f"sqlite:///{db}"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2]
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(1.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = Store(url)
    turns = store.recent_turns("crash:u", 1000)
    assert turns, "the writer got some exchanges in before the kill"
    assert len(turns) % 2 == 0  # a user turn never without its reply
    for user_turn, bot_turn in zip(turns[::2], turns[1::2], strict=True):
        assert user_turn.replace("message", "reply") == bot_turn
    assert len(store.last_offer("crash:u")) == 5  # the newest offer is whole
    store.record_exchange("crash:u", "after restart", "still here", "joy", 0.5, ["z"])
    assert store.recent_turns("crash:u", 2) == ["after restart", "still here"]
