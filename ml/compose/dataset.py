"""Training pairs cut from the corpus as the ancestor did: sliding windows of notes.

Each melody becomes ``<start>`` followed by its note tokens. A window of ``size`` inputs
(4 or more) is paired with the same notes shifted by one: the last target is the ancestor's
"next note after these ``size``", and the earlier targets train every prefix too.
"""

from __future__ import annotations

from dataclasses import dataclass

from ml.compose import vocab
from ml.compose.corpus import METERS, MODES, TEMPOS, Melody

MIN_WINDOW = 4
IGNORE = -100
"""Target id of padding (skipped by the loss)."""


@dataclass(frozen=True)
class Sequence:
    """A melody as model inputs: tokens (start first), next-note onsets, condition ids."""

    tokens: list[int]
    """``<start>`` then every note; the model reads ``tokens[i]`` and predicts ``tokens[i + 1]``."""
    positions: list[int]
    """``positions[i]``: onset in the bar of the note ``tokens[i + 1]``."""
    cond: tuple[int, int, int]


@dataclass(frozen=True)
class Window:
    """One training pair: ``size`` inputs and their next-note targets."""

    tokens: list[int]
    positions: list[int]
    targets: list[int]
    cond: tuple[int, int, int]


def to_sequence(melody: Melody) -> Sequence:
    """``melody`` as model inputs."""
    tokens = [vocab.START, *(vocab.encode(n) for n in melody.relative())]
    cond = (MODES.index(melody.mode), TEMPOS.index(melody.tempo), METERS.index(melody.meter))
    return Sequence(tokens, melody.onsets(), cond)


def windows(seq: Sequence, size: int) -> list[Window]:
    """Every window of ``size`` inputs (stride 1); a shorter melody gives one padded window."""
    if size < MIN_WINDOW:
        raise ValueError(f"window size must be at least {MIN_WINDOW}, got {size}")
    n = len(seq.tokens) - 1  # input steps
    out = []
    for start in range(max(1, n - size + 1)):
        stop = min(start + size, n)
        pad = size - (stop - start)
        out.append(
            Window(
                tokens=seq.tokens[start:stop] + [vocab.START] * pad,
                positions=seq.positions[start:stop] + [0] * pad,
                targets=seq.tokens[start + 1 : stop + 1] + [IGNORE] * pad,
                cond=seq.cond,
            )
        )
    return out
