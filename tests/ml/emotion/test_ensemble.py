"""The hashed n-gram model, the Korean ensemble and length-bucketed batches (real data and weights)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from ml.emotion import EmotionClassifier, ModelLoadError
from ml.emotion.classifier import BATCH, WEIGHTS_DIR, LanguageModel, length_buckets
from ml.emotion.data import load_korean
from ml.emotion.ensemble import ENSEMBLE_FILE, Ensemble, combine
from ml.emotion.ngram import N_FEATURES, NgramModel, fit, grams, hashed_counts
from ml.emotion.train_ensemble import choose_weight_and_temperature

KO = WEIGHTS_DIR / "ko"


def test_grams_are_padded_word_char_ngrams_plus_word_uni_and_bigrams() -> None:
    g = grams("Ab  c")
    assert {" ", "a", " a", "ab ", " ab "} <= set(g) and " ab c" not in g  # grams stay inside words
    assert "\x01ab" in g and "\x01c" in g and "\x02ab c" in g
    assert grams("") == [] and grams("   ") == []
    idx, tf = hashed_counts("가 가 가")
    assert np.all(np.diff(idx) > 0) and np.all((idx >= 0) & (idx < N_FEATURES)) and tf.max() > 1.0


@pytest.mark.corpora
def test_fit_save_load_round_trip_without_pickle(tmp_path: Path) -> None:
    data = load_korean()
    pick = np.random.default_rng(0).permutation(len(data))[:2000]  # the file is sorted by label
    texts, labels = [data.texts[i] for i in pick], data.labels()[pick]
    model = fit(texts, labels, c=2.0)
    path = tmp_path / "ngram.npz"
    model.save(path)
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["coef_t.npy", "idf.npy", "intercept.npy"]
    with np.load(path, allow_pickle=False) as z:
        assert all(z[k].dtype == np.float16 for k in ("coef_t", "idf", "intercept"))
    loaded = NgramModel.load(path)
    odd = ["", "   ", "😀", "a" * 100_000, "오늘 너무 happy 해요", "\x00"]
    p, q = model.probabilities(texts[:50] + odd), loaded.probabilities(texts[:50] + odd)
    assert np.allclose(p.sum(axis=1), 1.0) and np.abs(p - q).max() < 5e-3
    assert float(np.mean(p[:50].argmax(axis=1) == labels[:50])) > 0.5  # it learned its training rows


def test_combine_mixes_probabilities_and_the_choice_uses_validation_rows() -> None:
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 7, 300)
    good = np.full((300, 7), 0.05)
    good[np.arange(300), gold] = 0.7
    noise = rng.dirichlet(np.ones(7), 300)
    assert np.allclose(combine(good, noise, 1.0, 1.0), good)
    assert np.allclose(combine(good, noise, 0.3, 2.0).sum(axis=1), 1.0)
    weight, temperature, grid = choose_weight_and_temperature(good, noise, gold)
    assert weight >= 0.5 and temperature > 0 and len(grid) == 21  # the informative member wins


def test_shipped_korean_model_uses_its_ensemble() -> None:
    assert (KO / ENSEMBLE_FILE).exists() and (KO / "ngram.npz").stat().st_size < 50 * 2**20
    model = LanguageModel(KO)
    assert model.ensemble is not None
    texts = ["상사가 또 내 탓을 해서 화가 나", "오늘 정말 행복해", ""]
    enc = model.encoder_probabilities(texts)
    both = model.probabilities(texts)
    assert np.allclose(both, model.ensemble.combine(enc, texts)) and not np.allclose(both, enc)
    assert np.allclose(both.sum(axis=1), 1.0)


def test_length_buckets_partition_and_bound_padding() -> None:
    rng = np.random.default_rng(1)
    lengths = rng.integers(2, 49, 300).tolist()
    groups = length_buckets(lengths)
    assert sorted(i for g in groups for i in g) == list(range(300))
    assert all(0 < len(g) <= BATCH for g in groups)
    padded = sum(len(g) * max(lengths[i] for i in g) for g in groups)
    assert padded < 1.25 * sum(lengths)  # one pass per 64 sorted texts would pad far more
    assert length_buckets([]) == [] and length_buckets([7]) == [[0]]
    equal = length_buckets([5] * 130)  # no padding to save: the fewest passes
    assert len(equal) == 3 and sorted(i for g in equal for i in g) == list(range(130))


@pytest.mark.corpora
def test_bucketed_batch_matches_one_text_at_a_time() -> None:
    data = load_korean()
    pick = np.random.default_rng(1).permutation(len(data))[:200]
    texts = [*(data.texts[i] for i in pick), "", "a" * 5000]
    model = LanguageModel(KO)
    batch = model.encoder_probabilities(texts)
    single = np.vstack([model.encoder_probabilities([t]) for t in texts])
    # int8 activations are scaled per forward pass, so the pass a text shares moves it slightly
    assert np.abs(batch - single).max() < 0.1
    assert np.mean(batch.argmax(axis=1) == single.argmax(axis=1)) >= 0.95


def test_broken_ensemble_files_raise_model_load_error(tmp_path: Path) -> None:
    root = tmp_path / "w"
    shutil.copytree(WEIGHTS_DIR, root)
    (root / "ko" / "ngram.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelLoadError):
        EmotionClassifier.load(root)
    shutil.copy(KO / "ngram.npz", root / "ko" / "ngram.npz")
    meta = json.loads((KO / ENSEMBLE_FILE).read_text())
    (root / "ko" / ENSEMBLE_FILE).write_text(json.dumps({**meta, "encoder_weight": 1.5}))
    with pytest.raises(ModelLoadError, match="weight"):
        EmotionClassifier.load(root)
    (root / "ko" / ENSEMBLE_FILE).write_text(json.dumps({**meta, "ngram_file": "missing.npz"}))
    with pytest.raises(ModelLoadError):
        EmotionClassifier.load(root)
    assert isinstance(Ensemble.load(KO), Ensemble)
