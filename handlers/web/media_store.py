"""Media the page fetches by id (voice notes, track clips, melodies, mood charts), visible only to
its owner."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class StoredMedia:
    owner: str
    data: bytes = field(repr=False)
    mime: str
    filename: str


class MediaStore:
    """An in-memory LRU of media bytes, capped at ``max_bytes`` in total."""

    def __init__(self, max_bytes: int = 128 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, StoredMedia] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def put(self, owner: str, data: bytes, mime: str, filename: str) -> str:
        """Keep ``data`` for ``owner``; returns its id (the oldest items go when full)."""
        media_id = secrets.token_urlsafe(12)
        with self._lock:
            self._items[media_id] = StoredMedia(owner, data, mime, filename)
            self._size += len(data)
            while self._size > self.max_bytes and len(self._items) > 1:
                _, old = self._items.popitem(last=False)
                self._size -= len(old.data)
        return media_id

    def get(self, owner: str, media_id: str) -> StoredMedia | None:
        """The item if it exists and belongs to ``owner``; otherwise ``None``."""
        with self._lock:
            item = self._items.get(media_id)
            if item is None or item.owner != owner:
                return None
            self._items.move_to_end(media_id)
            return item

    @property
    def size(self) -> int:
        return self._size
