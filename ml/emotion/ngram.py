"""Hashed character n-gram logistic regression: the second member of the Korean ensemble.

Features are fully defined here (no pickled vectoriser): NFKC + lower-case, every
whitespace-separated word padded with one space on each side, its character n-grams of
length 1..4 (scikit-learn's ``char_wb``), the same word's jamo n-grams of length 2..5 (NFD
splits each Hangul syllable into its letters, so endings and particles share features), plus
word uni- and bi-grams, each hashed with CRC-32 into ``2**BITS`` buckets. Values are sublinear
term frequencies (1 + log tf) times a smoothed idf, L2-normalised. The model file holds the
idf vector and the coefficient matrix in fp16 (``ngram.npz``); inference is numpy only.
Fitting (scikit-learn, training time only) lives in :func:`fit`.
"""

from __future__ import annotations

import itertools
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ml.emotion.labels import LABELS

BITS = 20
N_FEATURES = 1 << BITS
CHAR_NGRAMS = (1, 4)
JAMO_NGRAMS = (2, 5)
MAX_CHARS = 2000
FILE = "ngram.npz"


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower()


def grams(text: str) -> list[str]:
    """The n-gram strings of ``text``: character and jamo n-grams within padded words, word 1-2 grams."""
    words = _normalise(text).split()
    out: list[str] = []
    for word in words:
        padded = f" {word} "
        for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
            out += [padded[i : i + n] for i in range(len(padded) - n + 1)]
        jamo = unicodedata.normalize("NFD", padded)
        for n in range(JAMO_NGRAMS[0], JAMO_NGRAMS[1] + 1):
            out += ["\x03" + jamo[i : i + n] for i in range(len(jamo) - n + 1)]
    out += [f"\x01{w}" for w in words]  # word unigrams, kept apart from character grams
    out += [f"\x02{a} {b}" for a, b in itertools.pairwise(words)]
    return out


def hashed_counts(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Bucket indices (sorted, unique) and their sublinear term frequencies for ``text``."""
    counts = Counter(zlib.crc32(g.encode("utf-8")) & (N_FEATURES - 1) for g in grams(text))
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
    order = np.argsort(idx)
    return idx[order], tf[order].astype(np.float32)


def idf_from(texts: Sequence[str]) -> np.ndarray:
    """Smoothed idf, log((1 + n) / (1 + df)) + 1, per bucket over ``texts``."""
    df = np.zeros(N_FEATURES, dtype=np.float64)
    for t in texts:
        df[hashed_counts(t)[0]] += 1.0
    return (np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0).astype(np.float32)


def design_matrix(texts: Sequence[str], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR parts (data, indices, indptr) of the L2-normalised tf-idf matrix of ``texts``."""
    data: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    indptr = [0]
    for t in texts:
        idx, tf = hashed_counts(t)
        v = tf * idf[idx].astype(np.float32)
        norm = float(np.sqrt((v.astype(np.float64) ** 2).sum()))
        data.append(v / norm if norm > 0 else v)
        cols.append(idx)
        indptr.append(indptr[-1] + len(idx))
    return (
        np.concatenate(data) if data else np.zeros(0, np.float32),
        np.concatenate(cols) if cols else np.zeros(0, np.int64),
        np.asarray(indptr, dtype=np.int64),
    )


class NgramModel:
    """A fitted hashed n-gram logistic regression, held in fp16 as shipped.

    ``coef_t`` is the coefficient matrix transposed, (features, labels), so a text's weights
    are one row gather.
    """

    def __init__(self, idf: np.ndarray, coef_t: np.ndarray, intercept: np.ndarray) -> None:
        if idf.shape != (N_FEATURES,) or coef_t.shape != (N_FEATURES, len(LABELS)):
            raise ValueError(f"n-gram model shapes {idf.shape}, {coef_t.shape} do not match {BITS} bits")
        if intercept.shape != (len(LABELS),):
            raise ValueError(f"n-gram intercept shape {intercept.shape} is not ({len(LABELS)},)")
        self.idf = idf.astype(np.float16, copy=False)
        self.coef_t = np.ascontiguousarray(coef_t, dtype=np.float16)
        self.intercept = intercept.astype(np.float16, copy=False)

    @classmethod
    def load(cls, path: Path) -> NgramModel:
        """Read ``ngram.npz`` (fp16 arrays ``idf``, ``coef_t``, ``intercept``)."""
        with np.load(path, allow_pickle=False) as z:
            return cls(z["idf"], z["coef_t"], z["intercept"])

    def save(self, path: Path) -> None:
        """Write the model as fp16 arrays (no pickle; uncompressed: loading skips a zlib pass)."""
        np.savez(path, idf=self.idf, coef_t=self.coef_t, intercept=self.intercept)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Decision values (n, 7)."""
        data, cols, indptr = design_matrix(texts, self.idf)
        contrib = self.coef_t[cols].astype(np.float32) * data[:, None]  # (nnz, labels)
        rows = np.repeat(np.arange(len(texts)), np.diff(indptr))
        sums = np.stack(
            [np.bincount(rows, weights=contrib[:, k], minlength=len(texts)) for k in range(len(LABELS))],
            axis=1,
        )
        return np.asarray(sums, dtype=np.float64) + self.intercept.astype(np.float64)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Softmax probabilities (n, 7) in input order."""
        z = self.logits(texts)
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return np.asarray(p / p.sum(axis=1, keepdims=True))


def fit(texts: Sequence[str], labels: np.ndarray, c: float = 2.0) -> NgramModel:
    """Fit the logistic regression (scikit-learn, multinomial, lbfgs) on hashed tf-idf features."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    idf = idf_from(texts)
    data, cols, indptr = design_matrix(texts, idf)
    x = csr_matrix((data, cols, indptr), shape=(len(texts), N_FEATURES))
    lr = LogisticRegression(C=c, max_iter=2000).fit(x, labels)
    if list(lr.classes_) != list(range(len(LABELS))):
        raise ValueError("every label must occur in the n-gram training rows")
    return NgramModel(idf, lr.coef_.T, lr.intercept_)
