"""Classification figures: accuracy, macro-F1, per-class F1 and the confusion matrix (from
``sklearn.metrics``), and the top-label calibration error."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score

from ml.emotion.labels import LABELS


@dataclass(frozen=True)
class Report:
    """Figures for predictions ``probs`` (n, 7) against gold label indices."""

    n: int
    accuracy: float
    macro_f1: float
    per_class_f1: dict[str, float]
    support: dict[str, int]
    confusion: list[list[int]]  # rows gold, columns predicted, in LABELS order
    ece: float
    labels_present: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures."""
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "per_class_f1": {k: round(v, 4) for k, v in self.per_class_f1.items()},
            "support": self.support,
            "ece": round(self.ece, 4),
            "confusion": self.confusion,
            "labels": list(LABELS),
        }

    def to_text(self) -> str:
        """A readable summary with the confusion matrix (rows gold, columns predicted)."""
        lines = [
            f"n={self.n}  accuracy={self.accuracy:.4f}  macro-F1={self.macro_f1:.4f}  ECE={self.ece:.4f}",
            "per-class F1 (support):",
        ]
        lines += [f"  {k:<9} {v:.4f} ({self.support[k]})" for k, v in self.per_class_f1.items()]
        short = [lab[:5] for lab in LABELS]
        lines.append("confusion (rows gold, columns predicted):")
        lines.append(" " * 10 + " ".join(f"{s:>6}" for s in short))
        for lab, row in zip(LABELS, self.confusion, strict=True):
            lines.append(f"  {lab:<8}" + " ".join(f"{c:>6}" for c in row))
        return "\n".join(lines)


def expected_calibration_error(probs: np.ndarray, gold: np.ndarray, bins: int = 15) -> float:
    """Top-label ECE with equal-width confidence bins."""
    if len(gold) == 0:
        return 0.0
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == gold
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        sel = (conf > lo) & (conf <= hi)
        if sel.any():
            ece += sel.mean() * abs(correct[sel].mean() - conf[sel].mean())
    return float(ece)


def report(probs: np.ndarray, gold: np.ndarray) -> Report:
    """Figures for ``probs`` against ``gold``; macro-F1 averages the labels present in gold."""
    pred = probs.argmax(axis=1)
    indices = list(range(len(LABELS)))
    if len(gold):
        confusion = confusion_matrix(gold, pred, labels=indices)
        scores = f1_score(gold, pred, labels=indices, average=None, zero_division=0.0)
    else:
        confusion, scores = np.zeros((len(LABELS), len(LABELS)), dtype=np.int64), np.zeros(len(LABELS))
    f1 = {lab: float(score) for lab, score in zip(LABELS, scores, strict=True)}
    present = [lab for i, lab in enumerate(LABELS) if confusion[i, :].sum() > 0]
    return Report(
        n=len(gold),
        accuracy=float(np.trace(confusion) / len(gold)) if len(gold) else 0.0,
        macro_f1=float(np.mean([f1[lab] for lab in present])) if present else 0.0,
        per_class_f1=f1,
        support={lab: int(confusion[i, :].sum()) for i, lab in enumerate(LABELS)},
        confusion=confusion.tolist(),
        ece=expected_calibration_error(probs, gold),
        labels_present=present,
    )


def best_threshold(probs: np.ndarray, gold: np.ndarray, neutral: int) -> tuple[float, float]:
    """(threshold, macro-F1): the top-probability cut below which calling a message neutral
    maximises macro-F1 on these rows."""
    best = (0.0, report(probs, gold).macro_f1)
    for t in np.arange(0.20, 0.71, 0.025):
        p = probs.copy()
        low = p.max(axis=1) < t
        p[low] = 0.0
        p[low, neutral] = 1.0
        f = report(p, gold).macro_f1
        if f > best[1] + 1e-9:
            best = (round(float(t), 3), f)
    return best
