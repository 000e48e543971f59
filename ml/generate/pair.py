"""One dialogue example of the generator (a reply after a message and its history) and the
stable held-out split of the corpora it is drawn from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    """A reply to ``message`` in language ``lang``, after ``history`` (oldest first)."""

    lang: str
    emotion: str
    history: tuple[str, ...]
    message: str
    reply: str
    source: str = ""


def is_heldout(key: str, share: float) -> bool:
    """Stable pseudo-random split on ``key``."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share
