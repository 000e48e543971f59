"""Readers for GoEmotions, the Korean single-turn set, KOTE, the chat set and ``text<TAB>label`` files."""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml.corpora import corpora_dir
from ml.emotion import chat
from ml.emotion.labels import KOTE_GROUPS, LABEL_INDEX, LABELS, NEUTRAL, normalise_label
from ml.lang import Lang

SHARED_DATA = corpora_dir()
GOEMOTIONS_DIR = SHARED_DATA / "goemotions"
KOREAN_CSV = SHARED_DATA / "korean_single_turn_emotion" / "train.csv"
KOTE_DIR = SHARED_DATA / "kote"


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

    def __add__(self, other: Dataset) -> Dataset:
        return Dataset(
            self.texts + other.texts,
            np.concatenate([self.targets, other.targets]),
            np.concatenate([self.single, other.single]),
        )

    def repeat(self, times: int) -> Dataset:
        """Every row ``times`` times (0 gives an empty set)."""
        return self.subset(np.tile(np.arange(len(self)), times))


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


def load_chat(lang: Lang, split: chat.Split = "train") -> Dataset:
    """The project-written chat messages of one language (``heldout`` is for evaluation only)."""
    rows = chat.load(split, lang)
    labels = [LABEL_INDEX[m.label] for m in rows]
    return Dataset([m.text for m in rows], _one_hot(labels), np.ones(len(rows), dtype=bool))


def load_kote(root: Path = KOTE_DIR) -> Dataset:
    """KOTE's validation and test comments with soft targets over our seven labels.

    Each of the 44 labels maps to one of our groups or to none (:data:`KOTE_GROUPS`); a comment's
    target is the share of its mapped labels per group. Comments with no mapped label are dropped;
    ``single`` marks comments whose mapped labels all fall in one group.
    """
    texts: list[str] = []
    rows: list[np.ndarray] = []
    for name in ("val.tsv", "test.tsv"):
        with (root / name).open(encoding="utf-8", newline="") as fh:
            for parts in csv.reader(fh, delimiter="\t"):
                if len(parts) < 3 or not parts[1].strip():
                    continue
                mapped = (KOTE_GROUPS[int(i)] for i in parts[2].split(",") if i.strip().isdigit())
                groups = [g for g in mapped if g is not None]
                if not groups:
                    continue
                target = np.zeros(len(LABELS), dtype=np.float32)
                for g in groups:
                    target[LABEL_INDEX[g]] += 1.0 / len(groups)
                texts.append(parts[1].strip())
                rows.append(target)
    targets = np.stack(rows)
    return Dataset(texts, targets, (targets > 0).sum(axis=1) == 1)


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


EVAL_SETS = ("goemotions-dev", "korean-heldout", "chat-en", "chat-ko")


def eval_set(name: str) -> tuple[list[str], list[int]]:
    """A named evaluation set: GoEmotions dev single-label rows, the seeded Korean held-out split,
    or the held-out fifth of the project's chat set in one language."""
    if name == "goemotions-dev":
        dev = load_goemotions("dev")
        dev = dev.subset(dev.single)
    elif name == "korean-heldout":
        dev = split_korean(load_korean())[1]
    elif name in ("chat-en", "chat-ko"):
        dev = load_chat("en" if name == "chat-en" else "ko", "heldout")
    else:
        raise ValueError(f"unknown evaluation set {name!r}; choose from {', '.join(EVAL_SETS)}")
    return dev.texts, dev.labels().tolist()
