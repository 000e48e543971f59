"""Scoring and picking: likes pull, dislikes push, artists are not repeated when avoidable."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

PULL = 1.5
PUSH = 1.5
DUPLICATE_DISTANCE = 1e-3

ADJECTIVE = {
    "anger": "fierce",
    "disgust": "gritty",
    "fear": "tense",
    "joy": "upbeat",
    "sadness": "melancholy",
    "surprise": "playful",
    "neutral": "calm",
}
MOOD = {
    "anger": "anger",
    "disgust": "disgust",
    "fear": "fear",
    "joy": "joy",
    "sadness": "sadness",
    "surprise": "surprise",
    "neutral": "calm mood",
}

Floats = npt.NDArray[np.float64]


def nearest(
    candidates: npt.NDArray[np.float32], anchors: npt.NDArray[np.float32]
) -> tuple[Floats, npt.NDArray[np.intp]]:
    """Distance from each candidate to its nearest anchor, and which anchor that is."""
    if len(anchors) == 0:
        return np.full(len(candidates), np.inf), np.zeros(len(candidates), dtype=np.intp)
    c = candidates.astype(np.float64)
    a = anchors.astype(np.float64)
    sq = (c**2).sum(axis=1)[:, None] + (a**2).sum(axis=1)[None, :] - 2.0 * c @ a.T
    dist = np.sqrt(np.maximum(sq, 0.0))
    which = dist.argmin(axis=1)
    return dist[np.arange(len(candidates)), which], which


def affinity(d_liked: Floats, d_disliked: Floats, scale: float) -> tuple[Floats, Floats]:
    """Pull towards liked tracks and push away from disliked ones, each in ``[0, 1]``."""
    scale = max(scale, 1e-6)
    return np.exp(-d_liked / scale), np.exp(-d_disliked / scale)


def closeness(distances: Floats) -> Floats:
    """Rank-based closeness in ``[0, 1]``: 1 for the nearest candidate, 0 for the farthest."""
    if not np.isfinite(distances).any() or len(distances) < 2:
        return np.where(np.isfinite(distances), 1.0, 0.0)
    ranks = distances.argsort(kind="stable").argsort()
    return 1.0 - ranks / (len(distances) - 1)


def pick_diverse(order: Sequence[int], artists: Sequence[int], k: int) -> list[int]:
    """The first ``k`` positions of ``order``, preferring artists not yet picked."""
    chosen: list[int] = []
    seen: set[int] = set()
    for pos in order:
        if len(chosen) == k:
            return chosen
        if artists[pos] not in seen:
            chosen.append(pos)
            seen.add(artists[pos])
    for pos in order:
        if len(chosen) == k:
            break
        if pos not in chosen:
            chosen.append(pos)
    return chosen
