"""Readers for GoEmotions, the Korean single-turn set and ``text<TAB>label`` files."""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml.corpora import corpora_dir
from ml.emotion.labels import LABEL_INDEX, LABELS, NEUTRAL, normalise_label

SHARED_DATA = corpora_dir()
GOEMOTIONS_DIR = SHARED_DATA / "goemotions"
KOREAN_CSV = SHARED_DATA / "korean_single_turn_emotion" / "train.csv"


@dataclass(frozen=True)
class Dataset:
    """Texts with soft targets (rows sum to 1) and a flag for rows with one label."""

    texts: list[str]
    targets: np.ndarray  # (n, 7) float32
    single: np.ndarray  # (n,) bool: exactly one label

    def __len__(self) -> int:
        return len(self.texts)

    def labels(self) -> np.ndarray:
        """The argmax label index of each row."""
        return np.asarray(self.targets.argmax(axis=1))

    def subset(self, mask: np.ndarray) -> Dataset:
        """Rows where ``mask`` (bool array or index array) selects."""
        idx = np.flatnonzero(mask) if mask.dtype == bool else mask
        return Dataset([self.texts[i] for i in idx], self.targets[idx], self.single[idx])


def _one_hot(labels: list[int]) -> np.ndarray:
    out = np.zeros((len(labels), len(LABELS)), dtype=np.float32)
    out[np.arange(len(labels)), labels] = 1.0
    return out


def load_goemotions(split: str, root: Path = GOEMOTIONS_DIR) -> Dataset:
    """GoEmotions ``split`` (train/dev) mapped to the Ekman groups plus neutral.

    A row whose labels fall in several groups gets an even share of each group (soft target);
    ``single`` marks rows with exactly one original label.
    """
    names = (root / "emotions.txt").read_text(encoding="utf-8").split()
    mapping = json.loads((root / "ekman_mapping.json").read_text(encoding="utf-8"))
    group_of = {fine: group for group, fines in mapping.items() for fine in fines}
    group_of[NEUTRAL] = NEUTRAL
    texts: list[str] = []
    rows: list[np.ndarray] = []
    single: list[bool] = []
    for line in (root / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        ids = [int(x) for x in parts[1].split(",") if x]
        groups = {group_of[names[i]] for i in ids}
        target = np.zeros(len(LABELS), dtype=np.float32)
        for g in groups:
            target[LABEL_INDEX[g]] = 1.0 / len(groups)
        texts.append(parts[0])
        rows.append(target)
        single.append(len(ids) == 1)
    return Dataset(texts, np.stack(rows), np.asarray(single))


def load_korean(path: Path = KOREAN_CSV) -> Dataset:
    """The Korean single-turn emotion CSV (columns Sentence, Emotion), sentences stripped."""
    texts: list[str] = []
    labels: list[int] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            label = normalise_label(row["Emotion"])
            text = row["Sentence"].strip()
            if label is None or not text:
                continue
            texts.append(text)
            labels.append(LABEL_INDEX[label])
    return Dataset(texts, _one_hot(labels), np.ones(len(labels), dtype=bool))


def split_korean(data: Dataset, seed: int = 13, held_out: float = 0.1) -> tuple[Dataset, Dataset]:
    """A seeded (train, held-out) split; sentences in both halves are dropped from train."""
    order = list(range(len(data)))
    random.Random(seed).shuffle(order)
    n_held = int(len(order) * held_out)
    held_idx = np.asarray(sorted(order[:n_held]))
    held_texts = {data.texts[i] for i in held_idx}
    train_idx = np.asarray(sorted(i for i in order[n_held:] if data.texts[i] not in held_texts))
    return data.subset(train_idx), data.subset(held_idx)


def read_labelled_tsv(path: Path) -> tuple[list[str], list[int], list[int]]:
    """``text<TAB>label`` lines: (texts, label indices, 1-based line numbers of bad lines).

    Labels may be English or Korean names; a header line ``text<TAB>label`` is skipped.
    """
    texts: list[str] = []
    labels: list[int] = []
    bad: list[int] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        text, _, raw = line.rpartition("\t")
        if n == 1 and raw.strip().lower() == "label":
            continue
        label = normalise_label(raw)
        if not text or label is None:
            bad.append(n)
            continue
        texts.append(text)
        labels.append(LABEL_INDEX[label])
    return texts, labels, bad


EVAL_SETS = ("goemotions-dev", "korean-heldout")


def eval_set(name: str) -> tuple[list[str], list[int]]:
    """A named evaluation set: GoEmotions dev single-label rows or the seeded Korean held-out split."""
    if name == "goemotions-dev":
        dev = load_goemotions("dev")
        dev = dev.subset(dev.single)
    elif name == "korean-heldout":
        dev = split_korean(load_korean())[1]
    else:
        raise ValueError(f"unknown evaluation set {name!r}; choose from {', '.join(EVAL_SETS)}")
    return dev.texts, dev.labels().tolist()
