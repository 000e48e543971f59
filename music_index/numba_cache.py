"""Keep numba's compile cache in the data directory so librosa's first call is cheap next time."""

from __future__ import annotations

import os
from pathlib import Path


def use_numba_cache(data_dir: Path) -> None:
    """Point ``NUMBA_CACHE_DIR`` at ``<data_dir>/numba_cache`` unless the user already set it.

    Must run before librosa (and so numba) is imported; worker processes inherit it.
    """
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    cache = data_dir / "numba_cache"
    cache.mkdir(parents=True, exist_ok=True)
    os.environ["NUMBA_CACHE_DIR"] = str(cache)
