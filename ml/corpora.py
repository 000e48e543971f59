"""Where the shared training corpora live: ``$HAPPYTALK_CORPORA_DIR``, else ``../shared/data``.

The corpora are read in place and never copied into the project; training, evaluation and the
tests that read them all find them here.
"""

from __future__ import annotations

import os
from pathlib import Path

CORPORA_ENV = "HAPPYTALK_CORPORA_DIR"


def corpora_dir() -> Path:
    """The folder holding ``goemotions/``, ``korean_single_turn_emotion/``, ``topical_chat/`` ..."""
    override = os.environ.get(CORPORA_ENV)
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parents[2] / "shared" / "data"
