"""The project-written companion dialogue set (see README.md and SPEC.md beside this file).

``train.tsv`` feeds the ranker and the reply index; ``heldout.tsv`` is read only by evaluation.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ml.lang import Lang

DIR = Path(__file__).resolve().parent
COLUMNS = ("id", "lang", "emotion", "topic", "prev_user", "prev_bot", "message", "reply")


@dataclass(frozen=True, slots=True)
class Exchange:
    """One written exchange: an optional earlier turn (user, bot), the message and the reply."""

    id: str
    lang: Lang
    emotion: str
    topic: str
    prev_user: str
    prev_bot: str
    message: str
    reply: str


def path_of(split: Literal["train", "heldout"]) -> Path:
    return DIR / f"{split}.tsv"


def read(path: Path) -> Iterator[Exchange]:
    """Rows of a TSV with the :data:`COLUMNS` header."""
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            yield Exchange(**{c: (row.get(c) or "").strip() for c in COLUMNS})  # type: ignore[arg-type]


def load(split: Literal["train", "heldout"] = "train") -> list[Exchange]:
    """The written exchanges of ``split`` (``heldout`` is for evaluation only)."""
    return list(read(path_of(split)))
