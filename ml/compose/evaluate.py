"""The model card's figures: next-note accuracy, share of notes in key, copying of training bars."""

from __future__ import annotations

import collections
from collections.abc import Sequence

import numpy as np
import torch

from ml.compose import vocab
from ml.compose.corpus import Melody
from ml.compose.dataset import to_sequence
from ml.compose.model import MelodyLSTM
from ml.compose.notation import Note
from ml.compose.sampling import BAR, next_note_logits, sample

SCALES = {
    "major": frozenset({0, 2, 4, 5, 7, 9, 11}),
    "minor": frozenset({0, 2, 3, 5, 7, 8, 10, 11}),
}
"""Scale degrees counted as in key; minor is natural minor plus the harmonic leading tone."""
COPY_BARS = 4


def next_note_accuracy(model: MelodyLSTM, melodies: Sequence[Melody]) -> dict[str, float]:
    """Top-1 and top-3 accuracy of predicting each note from all before it (state carried)."""
    hits1 = hits3 = pitch_hits = total = 0
    for melody in melodies:
        seq = to_sequence(melody)
        cond = torch.tensor([seq.cond])
        logits = next_note_logits(model, seq.tokens[:-1], seq.positions, cond)
        targets = torch.tensor(seq.tokens[1:])
        top3 = logits.topk(3, dim=-1).indices
        hits1 += int((top3[:, 0] == targets).sum())
        hits3 += int((top3 == targets[:, None]).any(dim=-1).sum())
        predicted = [vocab.decode(int(t)).pitch for t in top3[:, 0]]
        actual = [vocab.decode(int(t)).pitch for t in targets]
        pitch_hits += sum(p == a for p, a in zip(predicted, actual, strict=True))
        total += len(targets)
    return {
        "top1": hits1 / total,
        "top3": hits3 / total,
        "pitch_top1": pitch_hits / total,
        "notes": float(total),
    }


def majority_baseline(train: Sequence[Melody], held: Sequence[Melody]) -> float:
    """Accuracy of always predicting the most frequent training note."""
    counts = collections.Counter(n for m in train for n in m.relative())
    best = counts.most_common(1)[0][0]
    notes = [n for m in held for n in m.relative()]
    return sum(n == best for n in notes) / len(notes)


def in_key_share(notes: Sequence[Note], mode: str) -> float:
    """Share of pitched notes whose scale degree belongs to ``mode`` (1.0 without pitches)."""
    pitched = [n.pitch for n in notes if n.pitch is not None]
    if not pitched:
        return 1.0
    return sum(p % 12 in SCALES[mode] for p in pitched) / len(pitched)


def longest_copy(notes: Sequence[Note], corpus: Sequence[Sequence[Note]]) -> int:
    """Length in sixteenths of the longest run of ``notes`` found verbatim in a corpus melody."""
    best = 0
    for source in corpus:
        # length[j]: sixteenths of the common run ending at notes[i] and source[j - 1]
        length = [0] * (len(source) + 1)
        for note in notes:
            new = [0] * (len(source) + 1)
            for j, other in enumerate(source, start=1):
                if note == other:
                    new[j] = length[j - 1] + note.duration
            length = new
            best = max(best, *length)
    return best


def generation_report(
    model: MelodyLSTM,
    train: Sequence[Melody],
    samples: int = 100,
    bars: int = 8,
    temperature: float = 1.0,
    seed: int = 0,
) -> dict[str, float]:
    """Sample ``samples`` melodies per mode and measure key share and copying."""
    rng = np.random.default_rng(seed)
    corpus = [m.relative() for m in train]
    report: dict[str, float] = {}
    longest: list[int] = []
    for mode, tempo in (("major", "fast"), ("minor", "slow")):
        shares = []
        for _ in range(samples):
            notes = sample(model, mode, tempo, bars, rng, temperature)
            shares.append(in_key_share(notes, mode))
            longest.append(longest_copy(notes, corpus))
        report[f"in_key_{mode}"] = float(np.mean(shares))
    report["copies_4_bars"] = float(np.mean([n >= COPY_BARS * BAR for n in longest]))
    report["longest_copy_bars_mean"] = float(np.mean(longest)) / BAR
    report["longest_copy_bars_max"] = max(longest) / BAR
    report["corpus_in_key"] = float(np.mean([in_key_share(m.relative(), m.mode) for m in train]))
    return report
