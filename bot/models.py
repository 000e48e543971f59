"""SQLAlchemy tables: users' settings, conversation turns, moods, offers, picks, feedback, rate hits."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.types import DEFAULT_REPLY_MODE


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base; the schema itself is versioned by Alembic (``bot/migrations``)."""


class User(Base):
    __tablename__ = "users"
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    reply_mode: Mapped[str] = mapped_column(String(8), default=DEFAULT_REPLY_MODE)
    lang: Mapped[str] = mapped_column(String(8), default="auto")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Turn(Base):
    __tablename__ = "turns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_key: Mapped[str] = mapped_column(String(160), index=True)
    role: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Mood(Base):
    __tablename__ = "moods"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_key: Mapped[str] = mapped_column(String(160), index=True)
    emotion: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (Index("ix_moods_user_created", "user_key", "created_at"),)  # /mood's time window


class Offer(Base):
    __tablename__ = "offers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_key: Mapped[str] = mapped_column(String(160))
    batch: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    track_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (Index("ux_offers_user_batch_position", "user_key", "batch", "position", unique=True),)


class Pick(Base):
    __tablename__ = "picks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_key: Mapped[str] = mapped_column(String(160), index=True)
    track_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Feedback(Base):
    __tablename__ = "feedback"
    user_key: Mapped[str] = mapped_column(String(160), primary_key=True)
    track_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RateHit(Base):
    """One accepted message, kept for the rate window; in the database so replicas share it."""

    __tablename__ = "rate_hits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_key: Mapped[str] = mapped_column(String(160))
    at: Mapped[float] = mapped_column(Float)  # seconds since the epoch
    __table_args__ = (Index("ix_rate_hits_user_at", "user_key", "at"),)
