"""Which feature blocks help: emotion-inference accuracy and neighbour mood agreement per block set."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from config.settings import MusicSettings
from music_index.features import BLOCKS

#: Block sets compared: the ancestor's MFCC summary, then each addition, then everything.
VARIANTS: dict[str, tuple[str, ...]] = {
    "mfcc": ("mfcc_mean", "mfcc_std"),
    "mfcc+spectral": ("mfcc_mean", "mfcc_std", "spectral", "contrast"),
    "mfcc+rhythm": ("mfcc_mean", "mfcc_std", "rhythm"),
    "mfcc+mode": ("mfcc_mean", "mfcc_std", "mode"),
    "all": tuple(name for name, _ in BLOCKS),
}


def _columns(names: tuple[str, ...]) -> list[int]:
    cols, start = [], 0
    for name, width in BLOCKS:
        if name in names:
            cols += list(range(start, start + width))
        start += width
    return cols


def evaluate(catalog: Path, data_dir: Path, settings: MusicSettings) -> list[dict[str, object]]:
    """Per variant: 5-fold accuracy of the emotion classifier and how often the 5 nearest
    neighbours share the track's tag, on the tagged tracks of ``catalog``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    from music_index.catalog import read_catalog
    from music_index.extraction import extract_all
    from music_index.feature_cache import FeatureCache
    from music_index.numba_cache import use_numba_cache

    use_numba_cache(data_dir)
    entries = [e for e in read_catalog(catalog).entries if e.emotion]
    cache = FeatureCache(data_dir / "feature_cache.sqlite3", settings.clip_seconds)
    try:
        got = extract_all([e.path for e in entries], cache, settings.clip_seconds, settings.workers)
    finally:
        cache.close()
    kept = [e for e in entries if e.path in got.vectors]
    raw = np.stack([got.vectors[e.path] for e in kept]).astype(np.float64)
    x_all = (raw - raw.mean(axis=0)) / np.where(raw.std(axis=0) > 1e-9, raw.std(axis=0), 1.0)
    y = np.array([e.emotion for e in kept])
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    rows: list[dict[str, object]] = []
    for name, blocks in VARIANTS.items():
        x = x_all[:, _columns(blocks)]
        acc = cross_val_score(LogisticRegression(max_iter=2000), x, y, cv=folds)
        rows.append(
            {
                "features": name,
                "dim": x.shape[1],
                "tracks": len(y),
                "cv_accuracy": round(float(acc.mean()), 4),
                "neighbour_agreement_at_5": round(_agreement(x, y, 5), 4),
            }
        )
    return rows


def _agreement(x: npt.NDArray[np.float64], y: npt.NDArray[np.str_], k: int) -> float:
    sq = (x**2).sum(axis=1)
    d = sq[:, None] + sq[None, :] - 2 * x @ x.T
    np.fill_diagonal(d, np.inf)
    near = np.argsort(d, axis=1)[:, :k]
    return float((y[near] == y[:, None]).mean())
