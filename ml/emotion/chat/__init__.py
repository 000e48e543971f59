"""The project-written chat emotion set (see README.md and SPEC.md beside this file).

``train.tsv`` feeds the emotion classifier; ``heldout.tsv`` (a fifth, stratified by language ×
label) is read only by evaluation.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ml.lang import Lang

DIR = Path(__file__).resolve().parent
COLUMNS = ("id", "lang", "label", "topic", "kind", "music", "text")
Split = Literal["train", "heldout"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One written message with the feeling it carries; ``music`` is the asked mood of a music request."""

    id: str
    lang: Lang
    label: str
    topic: str
    kind: str
    music: str
    text: str


def path_of(split: Split) -> Path:
    return DIR / f"{split}.tsv"


def read(path: Path) -> Iterator[ChatMessage]:
    """Rows of a TSV with the :data:`COLUMNS` header."""
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            yield ChatMessage(**{c: (row.get(c) or "").strip() for c in COLUMNS})  # type: ignore[arg-type]


def load(split: Split = "train", lang: Lang | None = None) -> list[ChatMessage]:
    """The written messages of ``split`` (``heldout`` is for evaluation only), optionally one language."""
    return [m for m in read(path_of(split)) if lang is None or m.lang == lang]
