"""Tag untagged tracks with an emotion from a classifier trained on the tagged tracks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FALLBACK_EMOTION = "neutral"


def infer_emotions(
    tagged: npt.NDArray[np.float32],
    labels: Sequence[str],
    untagged: npt.NDArray[np.float32],
) -> list[str]:
    """Predicted emotions for the rows of ``untagged`` (standardised feature vectors).

    A logistic-regression classifier is fitted on ``tagged``/``labels``; with no tagged rows
    every track is ``neutral``, with a single tagged emotion every track gets that one.
    """
    if len(untagged) == 0:
        return []
    classes = sorted(set(labels))
    if not classes:
        return [FALLBACK_EMOTION] * len(untagged)
    if len(classes) == 1:
        return [classes[0]] * len(untagged)
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(max_iter=2000, C=1.0)
    model.fit(tagged, list(labels))
    return [str(p) for p in model.predict(untagged)]
