"""Response selection on held-out pairs: hits@1 of 20 and MRR, for the ranker and two baselines.

Each held-out pair's true reply is ranked against 19 distractors drawn (seeded) from the same
language's held-out replies (never the same text). Systems: the trained ranker (cosine of the
dual encoder's vectors), TF-IDF (cosine between the conversation's and the candidate's TF-IDF
vectors, fitted on the training pairs), and random scores.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ml.dialogue.encoder import context_text

if TYPE_CHECKING:
    from ml.dialogue.corpus import DialoguePair
    from ml.dialogue.encoder import PairEncoder

N_CANDIDATES = 20
Scorer = Callable[[Sequence["DialoguePair"], list[list[str]]], np.ndarray]


@dataclass(frozen=True)
class SelectionResult:
    lang: str
    source: str
    system: str
    n: int
    hits_at_1_of_20: float
    mrr: float

    def as_dict(self) -> dict[str, object]:
        return {
            "lang": self.lang,
            "source": self.source,
            "system": self.system,
            "n": self.n,
            "hits_at_1_of_20": round(self.hits_at_1_of_20, 4),
            "mrr": round(self.mrr, 4),
        }


def candidate_lists(pairs: Sequence[DialoguePair], pool: Sequence[str], seed: int) -> list[list[str]]:
    """For each pair: its reply first, then 19 distinct distractors from ``pool`` (seeded)."""
    rng = random.Random(seed)
    unique = sorted(set(pool))
    out = []
    for p in pairs:
        picks: list[str] = []
        while len(picks) < N_CANDIDATES - 1 and len(unique) >= N_CANDIDATES:
            c = unique[rng.randrange(len(unique))]
            if c != p.reply and c not in picks:
                picks.append(c)
        out.append([p.reply, *picks])
    return out


def ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of column 0 (the true reply) in each row; ties count against it."""
    return np.asarray(1 + (scores[:, 1:] >= scores[:, :1]).sum(axis=1))


def ranker_scores(encoder: PairEncoder) -> Scorer:
    def score(pairs: Sequence[DialoguePair], cands: list[list[str]]) -> np.ndarray:
        ctx = encoder.encode_contexts([p.context for p in pairs])
        flat = sorted({c for row in cands for c in row})
        vec = encoder.encode_replies(flat)
        at = {c: i for i, c in enumerate(flat)}
        return np.stack([vec[[at[c] for c in row]] @ ctx[i] for i, row in enumerate(cands)])

    return score


def tfidf_scores(train_texts: Sequence[str], lang: str) -> Scorer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if lang == "ko":
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
    else:
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    vec.fit(train_texts)

    def score(pairs: Sequence[DialoguePair], cands: list[list[str]]) -> np.ndarray:
        ctx = vec.transform([context_text(p.context) for p in pairs])
        out = np.zeros((len(pairs), N_CANDIDATES))
        for i, row in enumerate(cands):
            out[i, : len(row)] = (vec.transform(row) @ ctx[i].T).toarray().ravel()
        return out

    return score


def random_scores(seed: int) -> Scorer:
    rng = np.random.default_rng(seed)

    def score(pairs: Sequence[DialoguePair], cands: list[list[str]]) -> np.ndarray:
        return rng.random((len(pairs), N_CANDIDATES))

    return score


def evaluate(
    pairs: Sequence[DialoguePair],
    pool: Sequence[str],
    scorer: Scorer,
    lang: str,
    source: str,
    system: str,
    seed: int = 13,
) -> SelectionResult:
    """hits@1 of 20 and MRR of ``scorer`` on ``pairs`` with distractors from ``pool``."""
    if not pairs:
        return SelectionResult(lang, source, system, 0, 0.0, 0.0)
    cands = candidate_lists(pairs, pool, seed)
    r = ranks(scorer(pairs, cands))
    return SelectionResult(lang, source, system, len(pairs), float((r == 1).mean()), float((1.0 / r).mean()))


def hits_at_1(encoder: PairEncoder, pairs: Sequence[DialoguePair], seed: int = 13) -> float:
    """The ranker's hits@1 of 20 on ``pairs`` (distractors from their own replies)."""
    return evaluate(
        pairs, [p.reply for p in pairs], ranker_scores(encoder), "", "", "ranker", seed
    ).hits_at_1_of_20
