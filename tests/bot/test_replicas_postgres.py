"""Two core replicas on one PostgreSQL database keep one user's state consistent."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from bot.core import DialogueCore
from bot.types import Reply
from handlers.testing import TestAdapter, tracks_of
from tests.bot.pg import postgres_cluster

pytestmark = pytest.mark.resilience


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with postgres_cluster() as url:
        yield url


async def test_user_state_is_shared_between_replicas(make_core: Any, pg_url: str) -> None:
    patient = {"max_wait_ms": 600_000}  # a slow test machine must not make concurrent answers "busy"
    a: DialogueCore = make_core(database_url=pg_url, limits=patient)
    b: DialogueCore = make_core(database_url=pg_url, limits=patient)  # second replica: migrations no-op
    on_a, on_b = TestAdapter(a, "ana"), TestAdapter(b, "ana")

    await on_a.push("/voice both")
    assert b.store.user_settings(on_b.user.key).reply_mode == "both"
    await on_b.push("/voice text")
    assert a.store.user_settings(on_a.user.key).reply_mode == "text"

    offered = tracks_of(await on_a.push("I finally finished my thesis!"))
    similar = tracks_of(await on_b.push("/pick 2"))  # offered by A, picked on B
    assert offered.tracks[1].id not in {t.id for t in similar.tracks}
    (liked,) = await on_a.push("/like 1")  # "1" = first of the list B offered last
    assert isinstance(liked, Reply) and "👍" in liked.text
    assert a.store.feedback(on_a.user.key)[0] == [similar.tracks[0].id]

    # interleaved concurrent messages through both replicas: none lost
    texts = [f"message number {i}" for i in range(8)]
    await asyncio.gather(*((on_a if i % 2 else on_b).push(t) for i, t in enumerate(texts)))
    turns = a.store.recent_turns(on_a.user.key, 50)
    assert all(t in turns for t in texts)
    moods = b.store.mood_history(on_b.user.key, 50)
    assert len(moods) == 1 + len(texts)


async def test_rate_limit_is_shared_between_replicas(make_core: Any, pg_url: str) -> None:
    limits = {"max_wait_ms": 600_000, "user_messages_per_minute": 3}
    a: DialogueCore = make_core(database_url=pg_url, limits=limits)
    b: DialogueCore = make_core(database_url=pg_url, limits=limits)
    on_a, on_b = TestAdapter(a, "rapid"), TestAdapter(b, "rapid")
    for bot in (on_a, on_b, on_a):
        assert (await bot.push("/help"))[0].kind == "info"  # type: ignore[attr-defined]
    (slow_down,) = await on_b.push("/help")  # the fourth in a minute, on the other replica
    assert isinstance(slow_down, Reply) and "faster" in slow_down.text
