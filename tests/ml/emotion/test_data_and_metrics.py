"""Dataset readers, label mapping and the figures reported by ``eval emotion``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ml.emotion.data import eval_set, load_goemotions, load_korean, read_labelled_tsv, split_korean
from ml.emotion.labels import LABEL_INDEX, LABELS, normalise_label
from ml.emotion.metrics import best_threshold, expected_calibration_error, report


def test_labels_map_korean_and_english_names() -> None:
    assert normalise_label("슬픔") == "sadness"
    assert normalise_label(" Happiness ") == "joy"
    assert normalise_label("ANGER") == "anger"
    assert normalise_label("boredom") is None


def test_read_labelled_tsv_skips_header_and_reports_bad_lines(tmp_path: Path) -> None:
    f = tmp_path / "set.tsv"
    f.write_text("text\tlabel\nI am sad\tsadness\n화가 나\t분노\nno label here\n\tjoy\nx\tboredom\n")
    texts, labels, bad = read_labelled_tsv(f)
    assert texts == ["I am sad", "화가 나"]
    assert labels == [LABEL_INDEX["sadness"], LABEL_INDEX["anger"]]
    assert bad == [4, 5, 6]


@pytest.mark.corpora
def test_goemotions_soft_targets_cover_multi_label_rows() -> None:
    dev = load_goemotions("dev")
    assert len(dev) == 5426
    assert np.allclose(dev.targets.sum(axis=1), 1.0)
    multi = dev.targets.max(axis=1) < 1.0
    assert multi.any()  # rows spanning several Ekman groups share their mass
    assert not dev.single[multi].any()
    texts, labels = eval_set("goemotions-dev")
    assert len(texts) == int(dev.single.sum()) and set(labels) == set(range(len(LABELS)))


@pytest.mark.corpora
def test_korean_split_is_seeded_and_disjoint() -> None:
    data = load_korean()
    train_a, held_a = split_korean(data)
    train_b, held_b = split_korean(data)
    assert held_a.texts == held_b.texts and len(train_a) == len(train_b)
    assert not set(train_a.texts) & set(held_a.texts)
    assert 3000 < len(held_a) < 4000


def test_report_figures_on_a_known_confusion() -> None:
    gold = np.array([0, 0, 3, 3, 6, 6])
    pred = np.array([0, 3, 3, 3, 6, 0])
    probs = np.eye(7)[pred] * 0.7 + 0.3 / 7
    rep = report(probs, gold)
    assert rep.accuracy == pytest.approx(4 / 6)
    assert rep.per_class_f1["joy"] == pytest.approx(0.8)  # tp 2, fp 1, fn 0
    assert rep.per_class_f1["anger"] == pytest.approx(0.5)
    assert rep.macro_f1 == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)  # only labels present in gold
    assert rep.confusion[0] == [1, 0, 0, 1, 0, 0, 0]
    assert "confusion" in rep.to_text() and rep.to_dict()["n"] == 6


def test_ece_is_zero_when_confidence_matches_accuracy_and_large_when_overconfident() -> None:
    gold = np.array([0, 0, 0, 0])
    half = np.tile([0.5, 0.5, 0, 0, 0, 0, 0], (4, 1))
    half[[1, 3]] = [0.49, 0.51, 0, 0, 0, 0, 0]
    assert expected_calibration_error(half, gold) == pytest.approx(0.0, abs=0.02)
    wrong = np.tile([0.0, 1.0, 0, 0, 0, 0, 0], (4, 1))
    assert expected_calibration_error(wrong, gold) == pytest.approx(1.0)


def test_best_threshold_turns_unsure_rows_neutral() -> None:
    gold = np.array([6, 6, 3, 3])
    probs = np.array(
        [[0.3, 0, 0, 0.35, 0, 0, 0.35], [0.36, 0, 0, 0.34, 0, 0, 0.3]] + [[0, 0, 0, 0.9, 0, 0, 0.1]] * 2
    )
    threshold, f1 = best_threshold(probs, gold, LABEL_INDEX["neutral"])
    assert 0.36 < threshold <= 0.9 and f1 == pytest.approx(1.0)
