"""Access control, rate limits, persistence across restarts and database failures."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.app import StartupError, build_core
from bot.core import DialogueCore
from bot.store import Store
from bot.types import MoodChart, Reply
from handlers.testing import TestAdapter, tracks_of
from tests.conftest import make_settings

pytestmark = pytest.mark.resilience


async def test_allow_list_and_admin_commands(make_core: Any) -> None:
    core: DialogueCore = make_core(access={"allowed_ids": ["test:alice"], "admin_ids": ["test:root"]})
    (refused,) = await TestAdapter(core, "eve").push("hello")
    assert isinstance(refused, Reply) and refused.kind == "error" and "private" in refused.text
    alice = TestAdapter(core, "alice")
    assert tracks_of(await alice.push("hello there"))
    (no_admin,) = await alice.push("/reindex")
    assert no_admin.kind == "error" and "admins only" in no_admin.text  # type: ignore[attr-defined]
    (done,) = await TestAdapter(core, "root").push("/reindex")
    assert isinstance(done, Reply) and done.kind == "info" and "index" in done.text
    (help_admin,) = await TestAdapter(core, "root").push("/help")
    assert "/reindex" in help_admin.as_text()
    (help_user,) = await alice.push("/help")
    assert "/reindex" not in help_user.as_text()


async def test_per_user_rate_limit_is_polite_and_per_user(make_core: Any) -> None:
    core: DialogueCore = make_core(limits={"user_messages_per_minute": 3})
    bot = TestAdapter(core, "fast")
    for _ in range(3):
        assert (await bot.push("/help"))[0].kind == "info"  # type: ignore[attr-defined]
    (slow_down,) = await bot.push("/help")
    assert isinstance(slow_down, Reply) and "faster" in slow_down.text
    (other,) = await TestAdapter(core, "calm").push("/help")
    assert other.kind == "info"  # type: ignore[attr-defined]


async def test_restart_keeps_settings_history_and_offers(make_core: Any) -> None:
    first: DialogueCore = make_core()
    bot = TestAdapter(first, "kim")
    await bot.push("/voice both")
    await bot.push("/lang en")
    offered = tracks_of(await bot.push("I passed my driving test!"))
    first.store.close()

    second: DialogueCore = make_core()  # same database file
    again = TestAdapter(second, "kim")
    settings = second.store.user_settings(again.user.key)
    assert (settings.reply_mode, settings.lang) == ("both", "en")
    assert second.store.recent_turns(again.user.key, 10)[0] == "I passed my driving test!"
    similar = tracks_of(await again.push("/pick 3"))
    assert offered.tracks[2].id not in {t.id for t in similar.tracks}
    (mood,) = await again.push("/mood")
    assert isinstance(mood, MoodChart) and sum(mood.counts.values()) == 1


async def test_locked_database_answers_and_keeps_data(make_core: Any, tmp_path: Path) -> None:
    core: DialogueCore = make_core()
    bot = TestAdapter(core, "lee")
    await bot.push("/voice both")
    core.store.engine.dispose()
    blocker = sqlite3.connect(tmp_path / "test.sqlite3", timeout=0.1)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        core.store.busy_timeout_ms = 100
        events = await bot.push("the database is busy but I still want an answer")
        assert any(isinstance(e, Reply) and e.kind == "reply" for e in events)
        assert any(isinstance(e, Reply) and e.kind == "error" and "save" in e.text for e in events)
        (settings_err,) = await bot.push("/voice text")
        assert isinstance(settings_err, Reply) and settings_err.kind == "error"
    finally:
        blocker.rollback()
        blocker.close()
    assert core.store.user_settings(bot.user.key).reply_mode == "both"
    assert tracks_of(await bot.push("and now it works again"))


def test_corrupt_database_stops_startup_and_is_left_untouched(tmp_path: Path, shared_data_dir: Path) -> None:
    db = tmp_path / "test.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    settings = make_settings(shared_data_dir, tmp_path)
    with pytest.raises(StartupError, match="cannot open the database"):
        build_core(settings, progress=lambda _m: None)
    assert db.read_bytes() == b"this is not a database" * 100


def test_missing_database_is_created(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'new' / 'db.sqlite3'}")
    assert store.user_settings("x:1").reply_mode == "auto"
    store.update_settings("x:1", lang="ko")
    assert Store(store.url).user_settings("x:1").lang == "ko"
