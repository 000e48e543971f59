"""Per-file feature cache in SQLite, keyed by absolute path + size + mtime (+ clip length)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from music_index.features import FEATURE_DIM, FEATURE_VERSION, FloatArray

_SCHEMA = """
CREATE TABLE IF NOT EXISTS features (
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    clip_seconds REAL NOT NULL,
    version INTEGER NOT NULL,
    vector BLOB,
    error TEXT,
    PRIMARY KEY (path)
)
"""

Key = tuple[int, int]


def file_key(path: Path) -> Key | None:
    """``(size, mtime_ns)`` of ``path``, or ``None`` when it cannot be stat'ed."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


class FeatureCache:
    """Cached vectors (or failure reasons) of files that have not changed since."""

    def __init__(self, db_path: Path, clip_seconds: float) -> None:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(db_path))
        self._db.execute(_SCHEMA)
        self._clip = clip_seconds

    def get(self, path: Path, key: Key) -> FloatArray | str | None:
        """The cached vector or error message for ``path`` at ``key``; ``None`` if stale/absent."""
        row = self._db.execute(
            "SELECT vector, error FROM features WHERE path=? AND size=? AND mtime_ns=?"
            " AND clip_seconds=? AND version=?",
            (str(path), key[0], key[1], self._clip, FEATURE_VERSION),
        ).fetchone()
        if row is None:
            return None
        if row[1] is not None:
            return str(row[1])
        vector = np.frombuffer(row[0], dtype=np.float32)
        return vector if vector.size == FEATURE_DIM else None

    def put(self, path: Path, key: Key, result: FloatArray | str) -> None:
        """Remember a vector or an error message for ``path`` at ``key``."""
        vector, error = (None, result) if isinstance(result, str) else (result.tobytes(), None)
        self._db.execute(
            "INSERT OR REPLACE INTO features VALUES (?, ?, ?, ?, ?, ?, ?)",
            (str(path), key[0], key[1], self._clip, FEATURE_VERSION, vector, error),
        )

    def commit(self) -> None:
        """Flush pending writes."""
        self._db.commit()

    def close(self) -> None:
        """Commit and close the database."""
        self._db.commit()
        self._db.close()
