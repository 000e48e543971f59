"""One published index generation, opened read-only: Annoy (memory-mapped) + SQLite + labels."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from config import EMOTIONS
from music_index import index_files
from music_index.index_files import METRIC
from music_index.track import Track

_COLUMNS = "item, id, title, artist, emotion, path, url, emotion_inferred"


class Generation:
    """Read-only view of a generation folder; safe to share between threads."""

    def __init__(self, folder: Path) -> None:
        from annoy import AnnoyIndex

        self.folder = folder
        self.meta: dict[str, object] = json.loads((folder / index_files.META).read_text(encoding="utf-8"))
        dim = int(str(self.meta["dim"]))
        if self.meta.get("metric") != METRIC:
            raise ValueError(f"index metric {self.meta.get('metric')!r} is not {METRIC!r}")
        self.ann = AnnoyIndex(dim, METRIC)
        self.ann.load(str(folder / index_files.VECTORS), prefault=False)
        uri = (folder / index_files.CATALOG).as_uri() + "?mode=ro"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        with np.load(folder / index_files.LABELS) as labels:
            self.emotion: npt.NDArray[np.int8] = labels["emotion"]
            self.artist: npt.NDArray[np.int32] = labels["artist"]
        self._by_emotion = {code: np.flatnonzero(self.emotion == code) for code in range(len(EMOTIONS))}

    @property
    def size(self) -> int:
        """Number of indexed tracks."""
        return int(self.emotion.size)

    def items_with_emotion(self, emotion: str) -> npt.NDArray[np.intp]:
        """Annoy item numbers of the tracks tagged ``emotion``."""
        return self._by_emotion[EMOTIONS.index(emotion)]

    def items_of(self, ids: Iterable[str]) -> dict[str, int]:
        """Annoy item numbers of the known ids among ``ids``."""
        wanted = list(dict.fromkeys(i for i in ids if isinstance(i, str)))
        found: dict[str, int] = {}
        with self._lock:
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                marks = ",".join("?" * len(part))
                for tid, item in self._db.execute(
                    f"SELECT id, item FROM tracks WHERE id IN ({marks})",
                    part,
                ):
                    found[str(tid)] = int(item)
        return found

    def tracks(self, items: Iterable[int]) -> dict[int, Track]:
        """Tracks by item number."""
        wanted = [int(i) for i in items]
        out: dict[int, Track] = {}
        with self._lock:
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                marks = ",".join("?" * len(part))
                for row in self._db.execute(
                    f"SELECT {_COLUMNS} FROM tracks WHERE item IN ({marks})",
                    part,
                ):
                    out[int(row[0])] = Track(
                        id=row[1],
                        title=row[2],
                        artist=row[3],
                        emotion=row[4],
                        path=Path(row[5]) if row[5] else None,
                        url=row[6],
                        emotion_inferred=bool(row[7]),
                    )
        return out

    def vectors(self, items: Iterable[int]) -> npt.NDArray[np.float32]:
        """Stored vectors of ``items`` as rows."""
        rows = [self.ann.get_item_vector(int(i)) for i in items]
        dim = int(str(self.meta["dim"]))
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), dim)

    def inferred_count(self) -> int:
        """How many tracks got their emotion from the classifier."""
        with self._lock:
            row = self._db.execute("SELECT COUNT(*) FROM tracks WHERE emotion_inferred=1").fetchone()
        return int(row[0])

    def disk_bytes(self) -> int:
        """Size of the generation's files."""
        return sum(f.stat().st_size for f in self.folder.iterdir() if f.is_file())
