"""Fit the encoder + n-gram ensemble of one language (``happytalk train emotion --ensemble``).

The n-gram model is fitted on the training rows; the encoder's weight ``w`` is chosen on a 0.05
grid by macro-F1 and then the temperature ``T`` by negative log-likelihood, both on the
calibration slice of the training rows (never on held-out data).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from ml.emotion.classifier import LanguageModel, clean
from ml.emotion.ensemble import ENSEMBLE_FILE, EPS, combine
from ml.emotion.metrics import report
from ml.emotion.ngram import FILE as NGRAM_FILE
from ml.emotion.ngram import fit
from ml.emotion.train import TrainConfig, fit_temperature, training_data


def choose_weight_and_temperature(
    p_encoder: np.ndarray, p_ngram: np.ndarray, gold: np.ndarray
) -> tuple[float, float, list[tuple[float, float]]]:
    """(weight, temperature, [(weight, macro-F1), ...]) chosen on validation rows."""
    grid = [round(float(w), 2) for w in np.linspace(0.0, 1.0, 21)]
    scores = [(w, report(combine(p_encoder, p_ngram, w, 1.0), gold).macro_f1) for w in grid]
    weight = max(scores, key=lambda s: s[1])[0]
    log_p = torch.tensor(np.log(weight * p_encoder + (1 - weight) * p_ngram + EPS))
    return weight, fit_temperature(log_p, torch.tensor(gold)), scores


def fit_ensemble(
    directory: Path,
    lang: str = "ko",
    seed: int = 13,
    c: float = 2.0,
    chat_repeat: int = 0,
    kote: bool = False,
    subsample: int = 0,
) -> dict[str, object]:
    """Fit the n-gram model on one language's training rows and the mix on the calibration slice.

    ``directory`` holds an exported encoder of ``lang``; ``ngram.npz`` and ``ensemble.json`` are
    written beside it. The rows are exactly those :func:`ml.emotion.train.training_data` gives
    the encoder with the same settings, so neither member has seen the calibration slice.
    """
    train, calib = training_data(
        TrainConfig(lang=lang, seed=seed, subsample=subsample, chat_repeat=chat_repeat, kote=kote)
    )
    ngram = fit(train.texts, train.labels(), c=c)
    ngram.save(directory / NGRAM_FILE)  # held in fp16 already: the mix is chosen on shipped values
    encoder = LanguageModel(directory)
    gold = calib.labels()
    texts = [clean(t, "en" if lang == "en" else "ko") for t in calib.texts]  # as the classifier sees them
    p_enc = encoder.encoder_probabilities(texts)
    p_ng = ngram.probabilities(texts)
    weight, temperature, scores = choose_weight_and_temperature(p_enc, p_ng, gold)
    meta = {
        "ngram_file": NGRAM_FILE,
        "subsample": subsample,
        "encoder_weight": weight,
        "temperature": temperature,
        "C": c,
        "chat_repeat": chat_repeat,
        "kote": kote,
    }
    (directory / ENSEMBLE_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    mixed = combine(p_enc, p_ng, weight, temperature)
    return {
        "validation_rows": len(calib),
        "encoder_weight": weight,
        "temperature": round(temperature, 4),
        "val_macro_f1": {
            "encoder": round(report(p_enc, gold).macro_f1, 4),
            "ngram": round(report(p_ng, gold).macro_f1, 4),
            "ensemble": round(report(mixed, gold).macro_f1, 4),
        },
        "val_ece_ensemble": round(report(mixed, gold).ece, 4),
        "weight_grid": [(w, round(f, 4)) for w, f in scores],
    }
