"""Encoder + hashed n-gram logistic regression: a weighted average of their probabilities.

``ensemble.json`` beside a language model holds the encoder's weight ``w`` and a temperature
``T``; scores are ``softmax(log(w·p_encoder + (1-w)·p_ngram) / T)``. Both numbers are chosen on
the calibration slice of the training rows (never on held-out data) by
:mod:`ml.emotion.train_ensemble`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml.emotion.ngram import NgramModel

ENSEMBLE_FILE = "ensemble.json"
EPS = 1e-12
"""Keeps the logarithm of a zero probability finite."""


def combine(p_encoder: np.ndarray, p_ngram: np.ndarray, weight: float, temperature: float) -> np.ndarray:
    """Mix two probability matrices (n, 7) and re-temper the result; rows sum to 1."""
    z = np.log(weight * p_encoder + (1.0 - weight) * p_ngram + EPS) / temperature
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return np.asarray(p / p.sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class Ensemble:
    """The n-gram member and the mixing weight/temperature for one language model."""

    ngram: NgramModel
    weight: float  # of the encoder
    temperature: float

    @classmethod
    def load(cls, directory: Path) -> Ensemble:
        """Read ``ensemble.json`` and the n-gram model it names from ``directory``."""
        meta = json.loads((directory / ENSEMBLE_FILE).read_text(encoding="utf-8"))
        weight, temperature = float(meta["encoder_weight"]), float(meta["temperature"])
        if not (0.0 <= weight <= 1.0 and np.isfinite(temperature) and temperature > 0):
            raise ValueError(f"{directory / ENSEMBLE_FILE}: weight must be in [0, 1], temperature > 0")
        return cls(NgramModel.load(directory / str(meta["ngram_file"])), weight, temperature)

    def combine(self, p_encoder: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Ensemble probabilities for ``texts`` given the encoder's calibrated ones."""
        return combine(p_encoder, self.ngram.probabilities(texts), self.weight, self.temperature)
