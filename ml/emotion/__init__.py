"""Emotion classification of chat messages into seven labels (English and Korean).

The classifier (and torch) is imported on first use, so ``happytalk --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from ml.emotion.classifier import EmotionClassifier as EmotionClassifier
    from ml.emotion.classifier import EmotionResult as EmotionResult
    from ml.emotion.classifier import ModelLoadError as ModelLoadError
    from ml.emotion.labels import LABELS as LABELS

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "classifier": ["EmotionClassifier", "EmotionResult", "ModelLoadError"],
        "labels": ["LABELS"],
    },
)
