"""Automatic checks of the written dialogue set, and the merge that builds train/held-out files.

``python -m ml.dialogue.companion_check`` checks ``train.tsv`` and ``heldout.tsv`` and prints
every problem (exit 1 if any). ``--merge SLICE.tsv ...`` reads writers' slices (no header),
drops rows that fail a check or duplicate an earlier message, puts a seeded tenth in
``heldout.tsv`` and writes both files.

Checks: field values, lengths, language (Hangul share), banned phrases, placeholders, digits
that look like phone numbers, the safety filter, and duplicate messages (cosine >= 0.95: the
all-MiniLM-L6-v2 encoder for English, character 1-3-gram TF-IDF for Korean).
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from config.settings import EMOTIONS
from ml.dialogue import companion
from ml.dialogue.companion import COLUMNS, Exchange
from ml.dialogue.safety import is_crisis, is_safe_reply
from ml.lang import hangul_ratio
from ml.written_tsv import WrittenSet, check_main, read_checked

TOPICS = (
    "love",
    "family",
    "friends",
    "work",
    "school",
    "health",
    "money",
    "pets",
    "daily",
    "hobby",
    "news",
    "loneliness",
    "music",
    "greeting",
    "bot",
    "thanks",
    "goodbye",
    "boredom",
    "smalltalk",
)
LIMITS = {"en": ((2, 200), (15, 220)), "ko": ((2, 120), (8, 120))}  # (message, reply) characters
BANNED = re.compile(
    r"(as an ai|i'?m just an ai|language model|i understand how you feel|it'?s important to|you should"
    r"|have you considered|remember that|validate your|인공지능으로서|AI로서|기분을 이해해요)",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(r"(\[[A-Za-z_ ]+\]|<[a-z_]+>|\{[a-z_]+\}|XXX|___)")
PHONE = re.compile(r"\d[\d\s().-]{6,}\d")
DUPLICATE = 0.95
HELDOUT_FRACTION = 0.1
SEED = 17


def row_problems(ex: Exchange) -> list[str]:
    """What is wrong with one exchange (empty when it passes)."""
    out = []
    if ex.lang not in LIMITS:
        return [f"lang {ex.lang!r}"]
    if ex.emotion not in EMOTIONS:
        out.append(f"emotion {ex.emotion!r}")
    if ex.topic not in TOPICS:
        out.append(f"topic {ex.topic!r}")
    if bool(ex.prev_user) != bool(ex.prev_bot):
        out.append("earlier turn half filled")
    (m_lo, m_hi), (r_lo, r_hi) = LIMITS[ex.lang]
    if not m_lo <= len(ex.message) <= m_hi:
        out.append(f"message length {len(ex.message)}")
    if not r_lo <= len(ex.reply) <= r_hi:
        out.append(f"reply length {len(ex.reply)}")
    for name, text in (("message", ex.message), ("reply", ex.reply), ("prev_bot", ex.prev_bot)):
        if not text and name != "prev_bot":
            out.append(f"empty {name}")
        letters = hangul_ratio(text)
        if text and any(c.isalpha() for c in text) and (letters < 0.3 if ex.lang == "ko" else letters > 0.05):
            out.append(f"{name} not in {ex.lang}")
    for text in (ex.reply, ex.prev_bot):
        if BANNED.search(text):
            out.append(f"banned phrase {BANNED.search(text).group(0)!r}")  # type: ignore[union-attr]
    for text in (ex.message, ex.reply, ex.prev_user, ex.prev_bot):
        if PLACEHOLDER.search(text):
            out.append("placeholder")
        if PHONE.search(text):
            out.append("phone-like digits")
    if ex.reply and not is_safe_reply(ex.reply):
        out.append("reply fails the safety filter")
    if is_crisis(ex.message) or is_crisis(ex.prev_user):
        out.append("crisis message (the safety module answers those)")
    return out


def english_vectors(texts: Sequence[str]) -> np.ndarray:
    """all-MiniLM-L6-v2 sentence vectors (mean pooling, unit length), as the model card defines them."""
    import json

    import torch
    from safetensors.torch import load_file

    from ml.bert import BertEncoder, EncoderConfig, from_hf_state
    from ml.dialogue.encoder import EncoderLimits, SentenceEncoder
    from ml.dialogue.train_ranker import minilm_dir

    base = minilm_dir()
    model = BertEncoder(EncoderConfig.from_dict(json.loads((base / "config.json").read_text())))
    model.load_state_dict(from_hf_state(load_file(str(base / "model.safetensors"))))
    torch.set_num_threads(2)
    enc = SentenceEncoder(model, base / "tokenizer.json", EncoderLimits(128, 128))
    return enc.encode_replies(list(texts))


def korean_vectors(texts: Sequence[str]) -> np.ndarray:
    """Character 1-3-gram TF-IDF rows (unit length) fitted on ``texts`` themselves."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    m = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True).fit_transform(texts)
    return np.asarray(m.toarray(), dtype=np.float32)


def duplicates(rows: Sequence[Exchange]) -> list[tuple[int, int, float]]:
    """(earlier, later, cosine) for messages of the same language at or above :data:`DUPLICATE`."""
    found = []
    for lang, vectors in (("en", english_vectors), ("ko", korean_vectors)):
        idx = [i for i, r in enumerate(rows) if r.lang == lang]
        if len(idx) < 2:
            continue
        v = vectors([rows[i].message.lower() for i in idx])
        sim = v @ v.T
        np.fill_diagonal(sim, 0.0)
        for a, b in zip(*np.nonzero(np.triu(sim) >= DUPLICATE), strict=True):
            found.append((idx[a], idx[b], float(sim[a, b])))
    return found


def merge(
    slices: Sequence[Path], existing: Sequence[Exchange] = ()
) -> tuple[list[Exchange], list[Exchange], list[str]]:
    """(train, heldout, dropped-with-reasons) for the new rows of writers' slices.

    Rows that fail a check, or whose message duplicates an earlier one (``existing`` rows first),
    are dropped; the rest are split. ``existing`` rows keep their split and are not returned.
    """
    new, dropped = read_checked(slices, Exchange, row_problems)
    rows = [*existing, *new]
    later = {b for _, b, _ in duplicates(rows)}
    dropped += [f"{rows[b].id}: duplicate message" for b in sorted(later) if b >= len(existing)]
    rows = [r for i, r in enumerate(rows) if i not in later and i >= len(existing)]
    # A follow-up whose earlier user turn is another row's message stays with that row, and rows
    # that share one reply (round 3's groups) stay together, so the held-out tenth shares no
    # conversation and no reply with what the models and the index see.
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    first_with = {(r.lang, r.message): i for i, r in reversed(list(enumerate(rows)))}
    first_reply = {(r.lang, r.reply): i for i, r in reversed(list(enumerate(rows)))}
    for i, r in enumerate(rows):
        earlier = first_with.get((r.lang, r.prev_user)) if r.prev_user else None
        for j in (earlier, first_reply[(r.lang, r.reply)]):
            if j is not None:
                parent[root(i)] = root(j)
    group = [root(i) for i in range(len(rows))]
    members: dict[int, list[int]] = {}
    for i, g in enumerate(group):
        members.setdefault(g, []).append(i)
    held: set[int] = set()
    for lang in ("en", "ko"):  # about a tenth of each language
        groups = [m for m in members.values() if rows[m[0]].lang == lang]
        random.Random(SEED).shuffle(groups)
        target, taken = round(sum(len(m) for m in groups) * HELDOUT_FRACTION), 0
        for m in groups:
            if taken + len(m) <= target:
                held.update(m)
                taken += len(m)
    return (
        [r for i, r in enumerate(rows) if i not in held],
        [r for i, r in enumerate(rows) if i in held],
        dropped,
    )


def check(train: Sequence[Exchange], heldout: Sequence[Exchange]) -> list[str]:
    """Every problem in the two files: row checks, duplicate ids and duplicate messages."""
    rows = [*train, *heldout]
    out = [f"{r.id}: {p}" for r in rows for p in row_problems(r)]
    seen: set[str] = set()
    for r in rows:
        if r.id in seen:
            out.append(f"{r.id}: duplicate id")
        seen.add(r.id)
    out += [f"{rows[a].id} ~ {rows[b].id}: messages {s:.3f} alike" for a, b, s in duplicates(rows)]
    return out


def stats(rows: Sequence[Exchange]) -> str:
    """Markdown tables: exchanges per language x emotion and per language x topic."""
    from collections import Counter

    out = []
    for key, names in (("emotion", EMOTIONS), ("topic", TOPICS)):
        count = Counter((r.lang, getattr(r, key)) for r in rows)
        out.append(f"| {key} | en | ko |\n|---|---|---|")
        out += [f"| {n} | {count[('en', n)]} | {count[('ko', n)]} |" for n in names]
        total_en, total_ko = sum(r.lang == "en" for r in rows), sum(r.lang == "ko" for r in rows)
        out.append(f"| **all** | {total_en} | {total_ko} |\n")
    turns = Counter(r.lang for r in rows if r.prev_user)
    out.append(f"With an earlier turn: en {turns['en']}, ko {turns['ko']}.")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    written = WrittenSet(
        COLUMNS, companion.load, companion.path_of, merge, check, lambda train, held: stats([*train, *held])
    )
    return check_main(written, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
