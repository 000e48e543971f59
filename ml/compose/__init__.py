"""``/compose``: an LSTM writes a short melody in the mood of an emotion, rendered as audio.

The composer (and torch) is imported on first use, so ``happytalk --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ml.compose.composer import Composer, Piece, load_composer
    from ml.compose.model import ModelLoadError

__all__ = ["Composer", "ModelLoadError", "Piece", "load_composer"]
_HOME = {
    "Composer": "ml.compose.composer",
    "Piece": "ml.compose.composer",
    "load_composer": "ml.compose.composer",
    "ModelLoadError": "ml.compose.model",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'ml.compose' has no attribute {name!r}")
