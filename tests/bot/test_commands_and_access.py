"""Pure logic: command parsing, access policy, rate limiter, worker pool bound."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.access import AccessPolicy, RateLimiter
from bot.commands import Command, parse_command
from bot.types import UserRef
from bot.workers import Busy, WorkerPool


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


def test_rate_limiter_window_and_eviction() -> None:
    rl = RateLimiter(2, 10.0, max_keys=2)
    assert rl.allow("a", 0.0) and rl.allow("a", 1.0) and not rl.allow("a", 2.0)
    assert rl.allow("a", 10.5)  # the first hit left the window
    assert rl.allow("b", 11.0) and rl.allow("c", 30.0)  # evicts stale keys instead of growing
    assert len(rl._hits) <= 2


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
