"""The held-out response-selection report behind ``happytalk eval dialogue``."""

from __future__ import annotations

import random
from pathlib import Path

from ml.dialogue.corpus import DialoguePair, load_pairs
from ml.dialogue.encoder import context_text, load_encoder
from ml.dialogue.engine import LANGS, WEIGHTS_DIR
from ml.dialogue.evaluate import SelectionResult, evaluate, random_scores, ranker_scores, tfidf_scores
from ml.dialogue.train_ranker import SOURCES

TFIDF_FIT_PAIRS = 60_000


def _sample(pairs: list[DialoguePair], n: int, seed: int) -> list[DialoguePair]:
    return pairs if n <= 0 or len(pairs) <= n else random.Random(seed).sample(pairs, n)


def selection_report(ranker_root: Path | None, per_source: int, seed: int = 13) -> list[SelectionResult]:
    """Per language and source set (and ``all``): the ranker, TF-IDF and random on held-out pairs.

    Distractors come from all of the language's held-out replies; TF-IDF is fitted on the
    training pairs' conversations and replies.
    """
    root = ranker_root or WEIGHTS_DIR
    rows: list[SelectionResult] = []
    for lang in LANGS:
        heldout = [p for p in load_pairs(SOURCES[lang], "heldout") if p.lang == lang]
        if not heldout:
            continue
        pool = [p.reply for p in heldout]
        train = _sample(
            [p for p in load_pairs(SOURCES[lang], "train") if p.lang == lang], TFIDF_FIT_PAIRS, seed
        )
        systems = {
            "ranker": ranker_scores(load_encoder(root / lang)),
            "tfidf": tfidf_scores([t for p in train for t in (context_text(p.context), p.reply)], lang),
            "random": random_scores(seed),
        }
        by_source: dict[str, list[DialoguePair]] = {}
        for p in heldout:
            by_source.setdefault(p.source, []).append(p)
        sets = {s: _sample(ps, per_source, seed) for s, ps in sorted(by_source.items())}
        sets["all"] = [p for ps in sets.values() for p in ps]
        for name, pairs in sets.items():
            for system, scorer in systems.items():
                rows.append(evaluate(pairs, pool, scorer, lang, name, system, seed))
    return rows
