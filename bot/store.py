"""Persistence: one :class:`Store` over SQLAlchemy 2 (SQLite by default, PostgreSQL by URL).

Methods are synchronous and short; the core runs them in its I/O executor. Every multi-row
write is one transaction, so a crash leaves either the whole exchange or none of it. Writers
on SQLite take the write lock when they begin (``BEGIN IMMEDIATE``), so a read-then-write such
as the next offer batch number is never computed from a stale snapshot; on PostgreSQL a per-user
advisory lock does the same for offers. A unique index backs both up, and a write that still
loses a race (two replicas inserting the same feedback row) is run again.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, delete, event, func, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.models import Feedback, Mood, Offer, Pick, RateHit, Turn, User, utcnow
from bot.types import DEFAULT_REPLY_MODE

log = logging.getLogger(__name__)
_MIGRATIONS = Path(__file__).with_name("migrations")
KEEP_TURNS = 50
KEEP_OFFER_BATCHES = 20
MOODS_IN_CONTEXT = 10  # recent moods read with a chat message (a music request without a mood uses them)
WRITE_OPTION = "happytalk_write"  # execution option: this transaction will write
WRITE_ATTEMPTS = 5  # a write that lost a race with another replica is run again
PURGE_RATE_HITS_EVERY = 1000  # calls; drops the windows of users who stopped writing
MAX_MOODS_IN_WINDOW = 100_000  # the most moods one /mood chart reads (the newest)


class StoreError(Exception):
    """The database could not be used; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class UserSettings:
    reply_mode: str = DEFAULT_REPLY_MODE
    lang: str = "auto"


@dataclass(frozen=True, slots=True)
class MoodEntry:
    emotion: str
    confidence: float
    at: datetime


@dataclass(frozen=True, slots=True)
class ChatContext:
    """What answering a chat message needs from the database, read in one transaction."""

    settings: UserSettings = UserSettings()
    history: tuple[str, ...] = ()
    liked: tuple[str, ...] = ()
    disliked: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()  # the last few classified moods, newest first


def create_store_engine(url: str, busy_timeout_ms: Callable[[], int] = lambda: 5000) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and its parent folder created."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":

        def pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # pysqlite must not begin transactions: begin() below does
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms())}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        def begin(conn: Connection) -> None:
            mode = "IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "DEFERRED"
            conn.exec_driver_sql(f"BEGIN {mode}")

        event.listen(engine, "connect", pragmas)
        event.listen(engine, "begin", begin)
    return engine


def disk_full(exc: SQLAlchemyError) -> bool:
    """Whether ``exc`` says the database ran out of space (SQLite ``SQLITE_FULL``, PostgreSQL 53100)."""
    orig = getattr(exc, "orig", None)
    return (
        getattr(orig, "sqlite_errorname", None) == "SQLITE_FULL"
        or getattr(orig, "sqlstate", None) == "53100"
        or "No space left on device" in str(orig)
    )


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def schema_revisions(engine: Engine) -> tuple[str | None, str | None]:
    """The database's Alembic revision (``None``: never migrated) and the newest one; changes nothing."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision(), head


def _lock_user(s: Session, user_key: str) -> None:
    """Make this transaction the only writer of ``user_key``'s read-then-write rows until it ends.

    SQLite writers hold the database's write lock already (``BEGIN IMMEDIATE``); PostgreSQL
    takes a transaction-scoped advisory lock on the key's hash.
    """
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": user_key})


class Store:
    """Users' settings, the last turns of each conversation, moods, offers, picks, feedback."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.busy_timeout_ms = 5000
        try:
            self.engine = create_store_engine(url, lambda: self.busy_timeout_ms)
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            upgrade(self.engine)
        except (DatabaseError, OperationalError) as exc:
            why = " ".join(str(exc.orig or exc).split())  # one line (drivers add hints on more lines)
            raise StoreError(
                f"cannot open the database {self.engine.url.render_as_string(hide_password=True)}: "
                f"{why}. If it is a corrupt SQLite file, move it aside (it is left "
                "untouched) or set HAPPYTALK_DATABASE_URL to another database."
            ) from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        writer = self.engine.execution_options(**{WRITE_OPTION: True})
        self._write_sessions = sessionmaker(writer, expire_on_commit=False)
        self._rate_calls = itertools.count(1)

    def close(self) -> None:
        self.engine.dispose()

    def ping(self) -> bool:
        """Whether the database answers ``SELECT 1`` now (readiness checks)."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def _session(self) -> Session:
        return self._sessions()

    def _run(self, what: str, fn: Any, *, write: bool = False) -> Any:
        """``fn(session)`` in one transaction; a write that lost a race with another one runs again."""
        sessions = self._write_sessions if write else self._sessions
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with sessions() as s, s.begin():
                    return fn(s)
            except IntegrityError as exc:
                if write and attempt < WRITE_ATTEMPTS:
                    log.info("concurrent write while %s; running it again", what)
                    continue
                self._fail(what, exc)
            except SQLAlchemyError as exc:
                self._fail(what, exc)
        raise AssertionError("unreachable")

    @staticmethod
    def _fail(what: str, exc: SQLAlchemyError) -> NoReturn:
        log.warning("database error while %s: %s", what, type(exc).__name__)
        if disk_full(exc):
            raise StoreError(f"the database's disk is full, so I couldn't finish {what}") from exc
        raise StoreError(f"the database is unavailable ({what}); try again in a moment") from exc

    # settings
    def user_settings(self, user_key: str) -> UserSettings:
        def q(s: Session) -> UserSettings:
            u = s.get(User, user_key)
            return UserSettings(u.reply_mode, u.lang) if u else UserSettings()

        result: UserSettings = self._run("reading settings", q)
        return result

    def update_settings(
        self, user_key: str, *, reply_mode: str | None = None, lang: str | None = None
    ) -> UserSettings:
        def q(s: Session) -> UserSettings:
            u = s.get(User, user_key)
            if u is None:
                u = User(key=user_key, reply_mode=DEFAULT_REPLY_MODE, lang="auto")
                s.add(u)
            if reply_mode is not None:
                u.reply_mode = reply_mode
            if lang is not None:
                u.lang = lang
            u.updated_at = utcnow()
            return UserSettings(u.reply_mode, u.lang)

        result: UserSettings = self._run("saving settings", q, write=True)
        return result

    def chat_context(self, user_key: str, turns: int) -> ChatContext:
        """The user's settings, last ``turns`` turns, feedback and recent moods, in one transaction."""

        def q(s: Session) -> ChatContext:
            u = s.get(User, user_key)
            history = (
                s.scalars(
                    select(Turn.text).where(Turn.user_key == user_key).order_by(Turn.id.desc()).limit(turns)
                ).all()
                if turns > 0
                else []
            )
            liked, disliked = self._feedback_in(s, user_key)
            moods = s.scalars(
                select(Mood.emotion)
                .where(Mood.user_key == user_key)
                .order_by(Mood.id.desc())
                .limit(MOODS_IN_CONTEXT)
            ).all()
            return ChatContext(
                UserSettings(u.reply_mode, u.lang) if u else UserSettings(),
                tuple(reversed(history)),
                tuple(liked),
                tuple(disliked),
                tuple(moods),
            )

        result: ChatContext = self._run("reading your conversation", q)
        return result

    # conversation
    def recent_turns(self, user_key: str, n: int) -> list[str]:
        def q(s: Session) -> list[str]:
            rows = s.scalars(
                select(Turn.text).where(Turn.user_key == user_key).order_by(Turn.id.desc()).limit(n)
            ).all()
            return list(reversed(rows))

        result: list[str] = self._run("reading history", q) if n > 0 else []
        return result

    def record_exchange(
        self,
        user_key: str,
        user_text: str,
        bot_text: str,
        emotion: str,
        confidence: float,
        offered: list[str],
    ) -> int:
        """Store one exchange atomically (turns, mood, offered tracks); returns the offer batch."""

        def q(s: Session) -> int:
            s.add_all(
                [
                    Turn(user_key=user_key, role="user", text=user_text),
                    Turn(user_key=user_key, role="bot", text=bot_text),
                ]
            )
            s.add(Mood(user_key=user_key, emotion=emotion, confidence=confidence))
            batch = self._add_offer(s, user_key, offered)
            cutoff = s.scalar(
                select(Turn.id)
                .where(Turn.user_key == user_key)
                .order_by(Turn.id.desc())
                .offset(KEEP_TURNS)
                .limit(1)
            )
            if cutoff is not None:
                s.execute(delete(Turn).where(Turn.user_key == user_key, Turn.id <= cutoff))
            return batch

        result: int = self._run("saving the conversation", q, write=True)
        return result

    def mood_history(self, user_key: str, limit: int = 20) -> list[MoodEntry]:
        def q(s: Session) -> list[MoodEntry]:
            rows = s.execute(
                select(Mood.emotion, Mood.confidence, Mood.created_at)
                .where(Mood.user_key == user_key)
                .order_by(Mood.id.desc())
                .limit(limit)
            ).all()
            return [MoodEntry(e, c, t) for e, c, t in rows]

        result: list[MoodEntry] = self._run("reading mood history", q)
        return result

    def moods_since(
        self, user_key: str, since: datetime, limit: int = MAX_MOODS_IN_WINDOW
    ) -> list[MoodEntry]:
        """The user's moods recorded at or after ``since`` (timezone-aware), at most ``limit``, newest
        first; a mood stamped in the future (another replica's clock) is included."""

        def q(s: Session) -> list[MoodEntry]:
            rows = s.execute(
                select(Mood.emotion, Mood.confidence, Mood.created_at)
                .where(Mood.user_key == user_key, Mood.created_at >= since.astimezone(UTC))
                .order_by(Mood.created_at.desc())
                .limit(limit)
            ).all()
            return [MoodEntry(e, c, t if t.tzinfo else t.replace(tzinfo=UTC)) for e, c, t in rows]

        result: list[MoodEntry] = self._run("reading your moods", q)
        return result

    def latest_user_text(self, user_key: str) -> str | None:
        """The user's most recent message still kept (for the language they write in)."""
        result: str | None = self._run(
            "reading history",
            lambda s: s.scalar(
                select(Turn.text)
                .where(Turn.user_key == user_key, Turn.role == "user")
                .order_by(Turn.id.desc())
                .limit(1)
            ),
        )
        return result

    # rate limit
    def take_rate_slot(self, user_key: str, limit: int, window_s: float, now: float | None = None) -> bool:
        """Count a message from ``user_key`` unless ``limit`` were counted in the last ``window_s`` s.

        The window is kept in the database, so replicas sharing it enforce one limit together.
        """
        purge = next(self._rate_calls) % PURGE_RATE_HITS_EVERY == 0

        def q(s: Session) -> bool:
            _lock_user(s, user_key)
            at = time.time() if now is None else now
            stale = RateHit.at <= at - window_s
            s.execute(delete(RateHit).where(stale if purge else (RateHit.user_key == user_key) & stale))
            count = select(func.count()).select_from(RateHit).where(RateHit.user_key == user_key)
            if (s.scalar(count) or 0) >= limit:
                return False
            s.add(RateHit(user_key=user_key, at=at))
            return True

        result: bool = self._run("checking your message rate", q, write=True)
        return result

    # offers, picks, feedback
    @staticmethod
    def _add_offer(s: Session, user_key: str, track_ids: list[str]) -> int:
        if not track_ids:
            return 0
        _lock_user(s, user_key)
        last = s.scalar(select(func.max(Offer.batch)).where(Offer.user_key == user_key)) or 0
        batch = last + 1
        s.add_all(
            Offer(user_key=user_key, batch=batch, position=i, track_id=t) for i, t in enumerate(track_ids, 1)
        )
        s.execute(delete(Offer).where(Offer.user_key == user_key, Offer.batch <= batch - KEEP_OFFER_BATCHES))
        return batch

    def record_offer(self, user_key: str, track_ids: list[str]) -> int:
        result: int = self._run(
            "saving suggestions", lambda s: self._add_offer(s, user_key, track_ids), write=True
        )
        return result

    def last_offer(self, user_key: str) -> list[str]:
        def q(s: Session) -> list[str]:
            last = s.scalar(select(func.max(Offer.batch)).where(Offer.user_key == user_key))
            if last is None:
                return []
            return list(
                s.scalars(
                    select(Offer.track_id)
                    .where(Offer.user_key == user_key, Offer.batch == last)
                    .order_by(Offer.position)
                ).all()
            )

        result: list[str] = self._run("reading suggestions", q)
        return result

    def was_offered(self, user_key: str, track_id: str) -> bool:
        def q(s: Session) -> bool:
            return (
                s.scalar(
                    select(Offer.id).where(Offer.user_key == user_key, Offer.track_id == track_id).limit(1)
                )
                is not None
            )

        result: bool = self._run("checking suggestions", q)
        return result

    def record_pick(self, user_key: str, track_id: str, offered: list[str]) -> int:
        """Store a pick and the similar tracks offered in answer, atomically."""

        def q(s: Session) -> int:
            s.add(Pick(user_key=user_key, track_id=track_id))
            return self._add_offer(s, user_key, offered)

        result: int = self._run("saving your pick", q, write=True)
        return result

    def set_feedback(self, user_key: str, track_id: str, value: int) -> None:
        def q(s: Session) -> None:
            row = s.get(Feedback, (user_key, track_id))
            if row is None:
                s.add(Feedback(user_key=user_key, track_id=track_id, value=value))
            else:
                row.value = value
                row.updated_at = utcnow()

        self._run("saving feedback", q, write=True)

    def feedback(self, user_key: str) -> tuple[list[str], list[str]]:
        """``(liked, disliked)`` track ids, newest first."""

        result: tuple[list[str], list[str]] = self._run(
            "reading feedback", lambda s: self._feedback_in(s, user_key)
        )
        return result

    @staticmethod
    def _feedback_in(s: Session, user_key: str) -> tuple[list[str], list[str]]:
        rows = s.execute(
            select(Feedback.track_id, Feedback.value)
            .where(Feedback.user_key == user_key)
            .order_by(Feedback.updated_at.desc())
        ).all()
        return [t for t, v in rows if v > 0], [t for t, v in rows if v < 0]

    def recent_picks(self, user_key: str, limit: int = 10) -> list[str]:
        def q(s: Session) -> list[str]:
            return list(
                s.scalars(
                    select(Pick.track_id)
                    .where(Pick.user_key == user_key)
                    .order_by(Pick.id.desc())
                    .limit(limit)
                ).all()
            )

        result: list[str] = self._run("reading picks", q)
        return result
