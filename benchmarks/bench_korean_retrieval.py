"""Korean message retrieval: character TF-IDF vs the Korean ranker's own vectors.

Among held-out Korean chatbot questions that share their answer with another held-out question, how
often is the nearest other question one with the same answer (a paraphrase)? The engine retrieves
Korean messages with whichever wins (``ml/dialogue/index.py``). Reads ../shared/data.

    python benchmarks/bench_korean_retrieval.py
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ml.dialogue.corpus import load_pairs
from ml.dialogue.encoder import load_encoder
from ml.dialogue.engine import WEIGHTS_DIR


def main() -> None:
    held = load_pairs(["korean_chatbot"], "heldout")
    answers = Counter(p.reply for p in held)
    queries = [i for i, p in enumerate(held) if answers[p.reply] > 1]
    messages = [p.message for p in held]
    train = [
        p.message
        for p in load_pairs(["companion", "korean_chatbot", "chatterbot"], "train")
        if p.lang == "ko"
    ]
    tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True).fit(train)
    m = tfidf.transform(messages)
    vectors = load_encoder(WEIGHTS_DIR / "ko").encode_contexts([(t,) for t in messages])
    lexical, dense = (m @ m.T).toarray(), vectors @ vectors.T
    for name, sim in (("tfidf", lexical), ("ranker vectors", dense), ("sum", lexical + dense)):
        sim = sim.copy()
        np.fill_diagonal(sim, -np.inf)
        hits = np.mean([held[int(np.argmax(sim[i]))].reply == held[i].reply for i in queries])
        print(f"{name:16s} n={len(queries)} same-answer@1 {hits:.3f}")


if __name__ == "__main__":
    main()
