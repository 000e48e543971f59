"""On-disk cache of voice notes keyed by (engine, language, text), LRU-evicted under a size cap."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import struct
import tempfile
import threading
import time
from pathlib import Path

from ml.speech.note import SpokenNote

log = logging.getLogger(__name__)

_MAGIC = b"HTVN1"
_SUFFIX = ".note"


def cache_key(engine: str, lang: str, text: str) -> str:
    """A file-name-safe digest of (engine, language, text)."""
    return hashlib.sha256(f"{engine}\0{lang}\0{text}".encode()).hexdigest()


def _pack(note: SpokenNote) -> bytes:
    meta = json.dumps(
        {
            "duration_s": note.duration_s,
            "waveform": list(note.waveform),
            "engine": note.engine,
            "lang": note.lang,
        }
    ).encode()
    return _MAGIC + struct.pack("<I", len(meta)) + meta + note.ogg


def _unpack(data: bytes) -> SpokenNote:
    """The note stored in ``data``; ValueError/KeyError/TypeError when it is not one."""
    if not data.startswith(_MAGIC):
        raise ValueError("not a cached note")
    start = len(_MAGIC) + 4
    (size,) = struct.unpack("<I", data[len(_MAGIC) : start])
    meta = json.loads(data[start : start + size])
    ogg = data[start + size :]
    if not ogg:
        raise ValueError("cached note has no audio")
    return SpokenNote(
        ogg=ogg,
        duration_s=float(meta["duration_s"]),
        waveform=tuple(int(v) for v in meta["waveform"]),
        engine=str(meta["engine"]),
        lang=str(meta["lang"]),
    )


class NoteCache:
    """Voice notes on disk; a hit refreshes the file's mtime, puts evict the oldest past the cap.

    Thread-safe; files are written atomically, so processes may share the directory.
    ``max_bytes`` 0 disables the cache.
    """

    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def _path(self, engine: str, lang: str, text: str) -> Path:
        return self.directory / (cache_key(engine, lang, text) + _SUFFIX)

    def get(self, engine: str, lang: str, text: str) -> SpokenNote | None:
        """The cached note, or None (a damaged entry is dropped)."""
        if self.max_bytes <= 0:
            return None
        path = self._path(engine, lang, text)
        with self._lock:
            try:
                data = path.read_bytes()
            except OSError:
                return None
            try:
                note = _unpack(data)
            except (ValueError, KeyError, TypeError, struct.error) as exc:
                log.warning("dropping damaged cached note %s: %s", path.name, exc)
                path.unlink(missing_ok=True)
                return None
            with contextlib.suppress(OSError):
                os.utime(path, ns=(time.time_ns(), time.time_ns()))
        return note

    def put(self, text: str, note: SpokenNote) -> None:
        """Store ``note`` (notice not kept) under (note.engine, note.lang, text), then evict."""
        if self.max_bytes <= 0:
            return
        data = _pack(note)
        if len(data) > self.max_bytes:
            return
        path = self._path(note.engine, note.lang, text)
        with self._lock:
            tmp: str | None = None
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                Path(tmp).replace(path)
                tmp = None
                os.utime(path, ns=(time.time_ns(), time.time_ns()))
                self._evict()
            except OSError as exc:
                log.warning("cannot cache voice note in %s: %s", self.directory, exc)
            finally:
                if tmp is not None:
                    Path(tmp).unlink(missing_ok=True)

    def size_bytes(self) -> int:
        """Bytes held by cached notes."""
        return sum(size for _, _, size in self._entries())

    def _entries(self) -> list[tuple[int, Path, int]]:
        entries = []
        for path in self.directory.glob("*" + _SUFFIX):
            with contextlib.suppress(OSError):
                st = path.stat()
                entries.append((st.st_mtime_ns, path, st.st_size))
        return entries

    def _evict(self) -> None:
        entries = sorted(self._entries())
        total = sum(size for _, _, size in entries)
        for _, path, size in entries:
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
