"""Automatic checks of the written chat emotion set, and the merge that builds train/held-out files.

``python -m ml.chat_set_check`` checks ``train.tsv`` and ``heldout.tsv`` and prints every
problem (exit 1 if any). ``--merge SLICE.tsv ...`` reads writers' slices (no header), drops rows
that fail a check or nearly repeat an earlier message or a message of the dialogue set's held-out
tenth, puts a seeded fifth of each language × label in ``heldout.tsv`` and writes both files.
``--stats`` prints the coverage tables of the README.

Checks: field values, lengths, language (Hangul share), placeholders, phone-like digits, no
crisis messages (the safety module answers those; mild rude words like "stupid" are how angry
people write, so the reply filter's word list is not applied) and near-duplicates
(cosine >= 0.90: all-MiniLM-L6-v2 for English, character 1-3-gram TF-IDF for Korean).
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ml.dialogue import companion
from ml.dialogue.companion_check import PHONE, PLACEHOLDER, english_vectors, korean_vectors
from ml.dialogue.safety import is_crisis
from ml.emotion import chat
from ml.emotion.chat import COLUMNS, ChatMessage
from ml.emotion.labels import LABELS
from ml.lang import hangul_ratio
from ml.written_tsv import WrittenSet, check_main, read_checked

TOPICS = (
    *("love", "family", "friends", "work", "school", "health", "money", "pets", "daily", "food"),
    *("hobby", "news", "weather", "travel", "tech", "music", "bot", "smalltalk"),
)
KINDS = ("statement", "question", "request")
MUSIC_MOODS = ("", *LABELS, "any")
LIMITS = {"en": (2, 200), "ko": (2, 120)}
DUPLICATE = 0.90
HELDOUT_FRACTION = 0.2
SEED = 29


def row_problems(m: ChatMessage) -> list[str]:
    """What is wrong with one message (empty when it passes)."""
    if m.lang not in LIMITS:
        return [f"lang {m.lang!r}"]
    out = []
    for field, allowed in (("label", LABELS), ("topic", TOPICS), ("kind", KINDS), ("music", MUSIC_MOODS)):
        if getattr(m, field) not in allowed:
            out.append(f"{field} {getattr(m, field)!r}")
    lo, hi = LIMITS[m.lang]
    if not lo <= len(m.text) <= hi:
        out.append(f"length {len(m.text)}")
    letters = hangul_ratio(m.text)
    if any(c.isalpha() for c in m.text) and (letters < 0.3 if m.lang == "ko" else letters > 0.05):
        out.append(f"text not in {m.lang}")
    if PLACEHOLDER.search(m.text):
        out.append("placeholder")
    if PHONE.search(m.text):
        out.append("phone-like digits")
    if is_crisis(m.text):
        out.append("crisis message (the safety module answers those)")
    return out


def _vectors(texts: Sequence[str], lang: str) -> np.ndarray:
    return english_vectors(texts) if lang == "en" else korean_vectors(texts)


def near_duplicates(
    rows: Sequence[ChatMessage], others: Sequence[tuple[str, str]] = ()
) -> list[tuple[int, str, float]]:
    """(row index, what it repeats, cosine) for messages at or above :data:`DUPLICATE`.

    A row repeats an earlier row, or one of ``others`` ((lang, text) pairs that must not leak
    into this set, e.g. the dialogue held-out messages).
    """
    found = []
    for lang in LIMITS:
        idx = [i for i, r in enumerate(rows) if r.lang == lang]
        extra = [t for lg, t in others if lg == lang]
        if not idx:
            continue
        v = _vectors([t.lower() for t in extra] + [rows[i].text.lower() for i in idx], lang)
        sim = v[len(extra) :] @ v.T  # each row against the others, then every row
        for a in range(len(idx)):
            sim[a, len(extra) + a :] = 0.0  # only what came before counts
            j = int(sim[a].argmax())
            if sim[a, j] >= DUPLICATE:
                what = f"dialogue held-out {extra[j]!r}" if j < len(extra) else rows[idx[j - len(extra)]].id
                found.append((idx[a], what, float(sim[a, j])))
    return found


def _dialogue_heldout() -> list[tuple[str, str]]:
    return [(ex.lang, ex.message) for ex in companion.load("heldout")]


def merge(
    slices: Sequence[Path], existing: Sequence[ChatMessage] = ()
) -> tuple[list[ChatMessage], list[ChatMessage], list[str]]:
    """(train, heldout, dropped-with-reasons) for the new rows of writers' slices.

    Rows that fail a check, or nearly repeat an ``existing`` row, an earlier new row or a dialogue
    held-out message, are dropped; a seeded fifth of each language × label of the rest is held
    out. ``existing`` rows keep their split and are not returned.
    """
    new, dropped = read_checked(slices, ChatMessage, row_problems)
    rows: list[ChatMessage] = [*existing, *new]
    repeats = [
        (i, what, s) for i, what, s in near_duplicates(rows, _dialogue_heldout()) if i >= len(existing)
    ]
    dropped += [f"{rows[i].id}: repeats {what} ({s:.3f})" for i, what, s in repeats]
    gone = {i for i, _, _ in repeats}
    rows = [r for i, r in enumerate(rows) if i not in gone and i >= len(existing)]
    held: set[str] = set()
    rng = random.Random(SEED)
    for lang in LIMITS:
        for label in LABELS:
            ids = sorted(r.id for r in rows if r.lang == lang and r.label == label)
            rng.shuffle(ids)
            held.update(ids[: round(len(ids) * HELDOUT_FRACTION)])
    return [r for r in rows if r.id not in held], [r for r in rows if r.id in held], dropped


def check(train: Sequence[ChatMessage], heldout: Sequence[ChatMessage]) -> list[str]:
    """Every problem in the two files: row checks, duplicate ids and near-duplicate messages."""
    rows = [*train, *heldout]
    out = [f"{r.id}: {p}" for r in rows for p in row_problems(r)]
    ids = Counter(r.id for r in rows)
    out += [f"{i}: duplicate id" for i, n in ids.items() if n > 1]
    repeats = near_duplicates(rows, _dialogue_heldout())
    out += [f"{rows[i].id}: repeats {what} ({s:.3f})" for i, what, s in repeats]
    return out


def stats(train: Sequence[ChatMessage], heldout: Sequence[ChatMessage]) -> str:
    """Markdown tables: messages per label × language (train/held-out), kinds, music requests, topics."""
    out = ["| label | en train | en held-out | ko train | ko held-out |", "|---|---|---|---|---|"]
    tr = Counter[tuple[str, str]]((r.lang, r.label) for r in train)
    he = Counter[tuple[str, str]]((r.lang, r.label) for r in heldout)
    for label in (*LABELS, None):
        if label is None:
            cells = [sum(v for (lg, _), v in c.items() if lg == lang) for lang in LIMITS for c in (tr, he)]
            out.append("| **all** | " + " | ".join(f"**{n}**" for n in cells) + " |")
        else:
            cells = [c[(lang, label)] for lang in LIMITS for c in (tr, he)]
            out.append(f"| {label} | " + " | ".join(map(str, cells)) + " |")
    rows = [*train, *heldout]
    for key, names in (("kind", KINDS), ("music", [m for m in MUSIC_MOODS if m]), ("topic", TOPICS)):
        count = Counter[tuple[str, str]]((r.lang, getattr(r, key)) for r in rows)
        out += ["", f"| {key} | en | ko |", "|---|---|---|"]
        out += [f"| {n} | {count[('en', n)]} | {count[('ko', n)]} |" for n in names]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    written = WrittenSet(COLUMNS, chat.load, chat.path_of, merge, check, stats)
    return check_main(written, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
