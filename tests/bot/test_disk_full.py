"""The database's disk fills up: the bot keeps answering, says what it couldn't save, and the
data already stored stays whole; after a restart with space again everything works.

The full disk is SQLite's own: ``PRAGMA max_page_count`` set to the file's current size on every
connection, so any write that needs a new page fails with ``SQLITE_FULL`` (what a full disk
gives), portably and without root.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from bot.core import DialogueCore
from bot.store import Store, StoreError
from bot.types import Event, Reply, Tracks
from handlers.testing import TestAdapter, tracks_of

pytestmark = pytest.mark.resilience

LONG = "Today was long and I want to tell you all about it. " * 60  # ~3,100 characters: new pages


def _fill_disk(store: Store) -> None:
    def no_growth(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        (pages,) = cur.execute("PRAGMA page_count").fetchone()
        cur.execute(f"PRAGMA max_page_count={pages}")
        cur.close()

    event.listen(store.engine, "connect", no_growth)
    store.engine.dispose()  # new connections get the limit


async def test_disk_full_keeps_answering_and_keeps_data_whole(make_core: Any, tmp_path: Path) -> None:
    core: DialogueCore = make_core()
    bot = TestAdapter(core, "full")
    key = bot.user.key
    first = await bot.push("I finally finished my thesis today")
    expected = ["I finally finished my thesis today", _reply(first)]
    last_saved = [t.id for t in tracks_of(first).tracks]

    _fill_disk(core.store)
    notes: list[str] = []
    for _ in range(10):  # the first long messages may still fit in the file's free pages
        events = await bot.push(LONG)
        assert len(tracks_of(events).tracks) == 5  # the answer is whole: reply, mood, tracks
        notes = [e.text for e in events if isinstance(e, Reply) and e.kind == "error"]
        if notes:
            break
        expected += [LONG.strip(), _reply(events)]
        last_saved = [t.id for t in tracks_of(events).tracks]
    assert notes == ["(I couldn't save this conversation just now, so /pick may not find these tracks.)"]
    with pytest.raises(StoreError, match="disk is full, so I couldn't finish saving the conversation"):
        core.store.record_exchange(key, LONG, "reply", "joy", 0.9, ["x"])
    (pick,) = await bot.push("/pick 1")  # from the last list that was saved; saving the pick may fail
    if isinstance(pick, Tracks):
        assert pick.source_id == last_saved[0]
    else:
        assert isinstance(pick, Reply) and "disk is full" in pick.text
    core.store.close()

    with sqlite3.connect(tmp_path / "test.sqlite3") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    restarted: DialogueCore = make_core()  # same file, no limit: the disk has space again
    assert restarted.store.recent_turns(key, 100) == expected  # whole exchanges, none half-saved
    if not isinstance(pick, Tracks):
        assert restarted.store.last_offer(key) == last_saved
    events = await TestAdapter(restarted, "full").push("and now there is room again")
    assert not [e for e in events if isinstance(e, Reply) and e.kind == "error"]
    assert restarted.store.recent_turns(key, 2) == ["and now there is room again", _reply(events)]


def _reply(events: list[Event]) -> str:
    return next(e.text for e in events if isinstance(e, Reply) and e.kind == "reply")
