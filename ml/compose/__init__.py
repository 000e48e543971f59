"""``/compose``: an LSTM writes a short melody in the mood of an emotion, rendered as audio.

The composer (and torch) is imported on first use, so ``happytalk --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from ml.compose.composer import Composer as Composer
    from ml.compose.composer import Piece as Piece
    from ml.compose.composer import load_composer as load_composer
    from ml.compose.model import ModelLoadError as ModelLoadError

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__, submod_attrs={"composer": ["Composer", "Piece", "load_composer"], "model": ["ModelLoadError"]}
)
