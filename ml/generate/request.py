"""The generator's public types: a reply request, the generator protocol and its load error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ReplyRequest:
    """One message to answer."""

    text: str
    emotion: str
    lang: str
    history: tuple[str, ...] = ()


class ReplyGenerator(Protocol):
    """Anything that answers a batch of requests with one non-empty reply each (thread-safe)."""

    def generate(self, requests: Sequence[ReplyRequest]) -> list[str]:
        """One non-empty reply per request, in order."""
        ...


class ModelLoadError(Exception):
    """A generator model directory or checkpoint is missing, unreadable or not a model."""
