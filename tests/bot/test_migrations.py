"""The Alembic migrations build exactly the schema the ORM models describe, and upgrade old data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import bot.store
from bot.models import Base
from bot.store import Store, upgrade


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        store.close()


def test_upgrade_drops_offer_rows_a_past_race_duplicated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # schema at revision 0001, then two offers sharing batch 1
        cfg = Config()
        cfg.set_main_option("script_location", str(Path(bot.store.__file__).with_name("migrations")))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with sqlite3.connect(path) as db:
        rows = [("u", 1, p, f"t{p}", "2026-01-01") for p in (1, 2)] * 2
        db.executemany(
            "INSERT INTO offers (user_key, batch, position, track_id, created_at) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
    upgrade(engine)
    engine.dispose()
    store = Store(f"sqlite:///{path}")
    try:
        assert store.last_offer("u") == ["t1", "t2"]
        assert store.record_offer("u", ["a", "b"]) == 2
    finally:
        store.close()
