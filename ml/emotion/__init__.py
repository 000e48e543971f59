"""Emotion classification of chat messages into seven labels (English and Korean).

The classifier (and torch) is imported on first use, so ``happytalk --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ml.emotion.labels import LABELS

if TYPE_CHECKING:
    from ml.emotion.classifier import EmotionClassifier, EmotionResult, ModelLoadError

__all__ = ["LABELS", "EmotionClassifier", "EmotionResult", "ModelLoadError"]


def __getattr__(name: str) -> Any:
    if name in {"EmotionClassifier", "EmotionResult", "ModelLoadError"}:
        return getattr(importlib.import_module("ml.emotion.classifier"), name)
    raise AttributeError(f"module 'ml.emotion' has no attribute {name!r}")
