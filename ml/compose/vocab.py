"""The note vocabulary: (pitch relative to the tonic, duration) pairs, rests, and a start token.

Pitches are semitones from the key's tonic (so one model serves every key); a melody is
transposed to a concrete key only when rendered. Token 0 is ``<start>``.
"""

from __future__ import annotations

from ml.compose.notation import DURATIONS, Note

LOWEST = -12
HIGHEST = 24
"""Relative pitch range the vocabulary covers (an octave below to two above the tonic)."""
START = 0
PITCHES: tuple[int | None, ...] = (None, *range(LOWEST, HIGHEST + 1))
TOKENS: tuple[Note | None, ...] = (None, *(Note(p, d) for p in PITCHES for d in DURATIONS))
"""Index → note (``None`` at :data:`START`)."""
SIZE = len(TOKENS)
_INDEX = {note: i for i, note in enumerate(TOKENS) if note is not None}


def encode(note: Note) -> int:
    """Token id of a relative ``note``; ``ValueError`` outside the vocabulary."""
    try:
        return _INDEX[note]
    except KeyError:
        raise ValueError(
            f"note {note} is outside the vocabulary (pitch {LOWEST}..{HIGHEST}, durations {DURATIONS})"
        ) from None


def decode(token: int) -> Note:
    """The relative note of ``token`` (not :data:`START`)."""
    note = TOKENS[token]
    if note is None:
        raise ValueError("the start token is not a note")
    return note
