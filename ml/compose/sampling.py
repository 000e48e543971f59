"""Stateful melody sampling: one note at a time, carrying the LSTM state, softmax temperature.

The melody fills exactly ``bars`` bars of 4/4: a note may not run past the end, the note that
ends the piece must be the tonic (in any octave), so every melody closes on the home key, and
it lasts at least a beat (no note may leave less than a beat before the end).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import numpy.typing as npt
import torch

from ml.compose import vocab
from ml.compose.model import MelodyLSTM, condition
from ml.compose.notation import Note

BAR = 16
"""Sixteenths per generated bar (4/4)."""
BEAT = 4
_NOTES = [n for n in vocab.TOKENS if n is not None]
_DURATION = np.array([0, *(n.duration for n in _NOTES)])
_IS_REST = np.array([False, *(n.pitch is None for n in _NOTES)])
_IS_TONIC = np.array([False, *(n.pitch is not None and n.pitch % 12 == 0 for n in _NOTES)])


def allowed(remaining: int, first: bool) -> npt.NDArray[np.bool_]:
    """Mask of tokens that may come next with ``remaining`` sixteenths left."""
    ending = (remaining == _DURATION) & _IS_TONIC
    ok: npt.NDArray[np.bool_] = (_DURATION > 0) & ((remaining - _DURATION >= BEAT) | ending)
    if first:
        ok &= np.logical_not(_IS_REST)
    return ok


@contextmanager
def one_thread() -> Iterator[None]:
    """Run torch single-threaded in this thread, then restore its thread count.

    A note step is a few tiny matrix products: splitting them across cores only adds waiting
    (measured 0.44 s vs 3.8 s per 8-bar piece on a busy 2-core machine). With torch's OpenMP
    backend the count is per calling thread, so other threads keep theirs.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def sample(
    model: MelodyLSTM,
    mode: str,
    tempo: str,
    bars: int,
    rng: np.random.Generator,
    temperature: float = 1.0,
) -> list[Note]:
    """A melody of ``bars`` 4/4 bars in tonic-relative pitches."""
    cond = condition(mode, tempo)
    total = bars * BAR
    state = None
    token, at = vocab.START, 0
    notes: list[Note] = []
    with one_thread():
        while at < total:
            logits, state = model.step(token, at % BAR, cond, state)
            scores = logits.double().numpy()
            mask = allowed(total - at, not notes)
            # shift before dividing, so a tiny temperature gives 0 and -inf, never inf - inf
            probs = np.exp(np.where(mask, (scores - scores[mask].max()) / temperature, -np.inf))
            token = int(rng.choice(vocab.SIZE, p=probs / probs.sum()))
            note = vocab.decode(token)
            notes.append(note)
            at += note.duration
    return notes


def next_note_logits(
    model: MelodyLSTM, tokens: list[int], positions: list[int], cond: torch.Tensor
) -> torch.Tensor:
    """Logits ``(len(tokens), vocab)`` for each next note of one melody, reading it in one pass."""
    with torch.no_grad():
        logits, _ = model(torch.tensor([tokens]), torch.tensor([positions]), cond)
    out: torch.Tensor = logits[0]
    return out
