"""The library's public value types and the id scheme for tracks."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Track:
    """One indexed track."""

    id: str
    title: str
    artist: str
    emotion: str
    path: Path | None
    url: str | None
    emotion_inferred: bool


@dataclass(frozen=True)
class Suggestion:
    """A recommended track and the one-line reason it was picked."""

    track: Track
    reason: str


class LibraryNotReady(Exception):
    """No index has been built under the data directory yet."""


def track_id(relative_path: str) -> str:
    """A stable 12-character id: base32 of a hash of the catalog-relative path."""
    digest = hashlib.blake2b(relative_path.encode("utf-8"), digest_size=8).digest()
    return base64.b32encode(digest).decode("ascii")[:12].lower()
