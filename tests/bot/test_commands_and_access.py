"""Command parsing, access policy, the store's rate window, worker pool bound."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.access import AccessPolicy
from bot.commands import Command, parse_command
from bot.models import RateHit
from bot.store import PURGE_RATE_HITS_EVERY, Store
from bot.types import UserRef
from bot.workers import Busy, WorkerPool

pytestmark = pytest.mark.resilience


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/pick 3", Command("pick", ("3",))),
        ("/PICK@happytalk_bot 3", Command("pick", ("3",))),
        ("  /voice   both ", Command("voice", ("both",))),
        ("/mood", Command("mood", ())),
        ("hello /pick 3", None),
        ("/", None),
        ("/ pick", None),
        ("I love 1/2 of it", None),
    ],
)
def test_parse_command(text: str, expected: Command | None) -> None:
    assert parse_command(text) == expected


def test_access_policy() -> None:
    everyone = AccessPolicy([], [])
    assert everyone.allowed(UserRef("telegram", "1")) and not everyone.is_admin(UserRef("telegram", "1"))
    policy = AccessPolicy(["telegram:1", "42"], ["discord:9"])
    assert policy.allowed(UserRef("telegram", "1"))
    assert not policy.allowed(UserRef("discord", "1"))  # platform-qualified entry
    assert policy.allowed(UserRef("discord", "42"))  # bare id matches any platform
    assert policy.allowed(UserRef("discord", "9")) and policy.is_admin(UserRef("discord", "9"))
    assert not policy.is_admin(UserRef("telegram", "9"))


def test_rate_window_slides_per_user_and_stale_windows_are_purged(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'rate.db'}")
    try:
        take = store.take_rate_slot
        assert take("a", 2, 10.0, now=0.0) and take("a", 2, 10.0, now=1.0) and not take("a", 2, 10.0, now=2.0)
        assert take("b", 2, 10.0, now=2.0)  # per user
        assert take("a", 2, 10.0, now=10.5)  # the first hit left the window
        for n in range(PURGE_RATE_HITS_EVERY):  # every so many calls, stale rows of all users go
            take(f"u{n}", 2, 10.0, now=100.0 + n / 1000)
        with store._session() as s:
            assert s.scalar(select(func.count()).select_from(RateHit).where(RateHit.user_key == "b")) == 0
    finally:
        store.close()


async def test_worker_pool_refuses_when_full() -> None:
    pool = WorkerPool("t", workers=1, max_pending=2)
    gate = threading.Event()
    first = asyncio.create_task(pool.run(gate.wait, 5))
    second = asyncio.create_task(pool.run(gate.wait, 5))
    await asyncio.sleep(0.05)
    with pytest.raises(Busy):
        await pool.run(lambda: None)
    gate.set()
    assert await first and await second
    assert pool.pending == 0
    assert await pool.run(lambda: 7) == 7
    pool.shutdown()
