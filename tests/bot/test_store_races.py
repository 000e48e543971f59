"""Concurrent writers on one database: offer batches stay whole, feedback rows stay single."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.models import Feedback, Offer
from bot.store import Store
from tests.bot.pg import postgres_cluster

pytestmark = pytest.mark.resilience

WRITERS = 6
ROUNDS = 15


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with postgres_cluster() as url:
        yield url


def _hammer(stores: list[Store], work: Callable[[Store, int, int], object]) -> None:
    """Run ``work(store, writer, round)`` from WRITERS threads over the replicas, all at once."""
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        start.wait()
        try:
            for r in range(ROUNDS):
                work(stores[n % len(stores)], n, r)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def _check_offers(store: Store, user: str) -> None:
    with store._session() as s:
        rows = s.execute(select(Offer.batch, Offer.position).where(Offer.user_key == user)).all()
    per_batch = Counter(batch for batch, _ in rows)
    assert per_batch and set(per_batch.values()) == {5}  # no batch number shared by two offers
    assert len(rows) == len(set(rows))


def _race(url: str, user: str) -> None:
    stores = [Store(url), Store(url)]  # two replicas
    try:
        _hammer(stores, lambda st, n, r: st.record_offer(user, [f"t{n}-{r}-{i}" for i in range(5)]))
        _check_offers(stores[0], user)
        _hammer(stores, lambda st, n, r: st.set_feedback(user, f"t{r % 3}", 1 if n % 2 else -1))
        with stores[0]._session() as s:
            tracks = s.scalars(select(Feedback.track_id).where(Feedback.user_key == user)).all()
        assert sorted(tracks) == ["t0", "t1", "t2"]
    finally:
        for st in stores:
            st.close()


def test_concurrent_offers_on_postgres_get_distinct_batches(pg_url: str) -> None:
    _race(pg_url, "tg:race")


def test_concurrent_offers_on_sqlite_get_distinct_batches(tmp_path: Path) -> None:
    _race(f"sqlite:///{tmp_path / 'race.db'}", "tg:race")
