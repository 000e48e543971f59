"""Stateful sampling from the shipped LSTM: exact bar count, tonic ending, state carried per note."""

from __future__ import annotations

import threading

import numpy as np
import torch

from ml.compose import vocab
from ml.compose.composer import Composer
from ml.compose.corpus import load_corpus
from ml.compose.dataset import to_sequence
from ml.compose.model import condition
from ml.compose.notation import Note
from ml.compose.sampling import BAR, allowed, next_note_logits, one_thread, sample


def test_melody_fills_the_bars_and_ends_on_the_tonic(composer: Composer) -> None:
    for mode, tempo in (("major", "fast"), ("minor", "slow")):
        notes = sample(composer.model, mode, tempo, 3, np.random.default_rng(7))
        assert sum(n.duration for n in notes) == 3 * BAR
        assert notes[0].pitch is not None
        last = notes[-1]
        assert last.pitch is not None and last.pitch % 12 == 0 and last.duration >= 4


def test_same_seed_same_melody(composer: Composer) -> None:
    a = sample(composer.model, "major", "fast", 2, np.random.default_rng(3))
    b = sample(composer.model, "major", "fast", 2, np.random.default_rng(3))
    assert a == b


def test_low_temperature_is_nearly_greedy(composer: Composer) -> None:
    runs = {
        tuple(sample(composer.model, "minor", "slow", 2, np.random.default_rng(s), 0.01)) for s in range(3)
    }
    assert len(runs) == 1
    tiny = sample(composer.model, "minor", "slow", 2, np.random.default_rng(0), 1e-300)
    assert tiny == list(next(iter(runs)))


def test_mask_allows_notes_that_leave_a_beat_or_end_on_a_long_tonic() -> None:
    last = [vocab.TOKENS[i] for i in np.flatnonzero(allowed(4, first=False))]
    assert {(n.pitch, n.duration) for n in last if n} == {(p, 4) for p in (-12, 0, 12, 24)}
    six = [n for n in (vocab.TOKENS[i] for i in np.flatnonzero(allowed(6, first=False))) if n]
    assert {n.duration for n in six} == {1, 2, 6}
    assert all(n.pitch is not None and n.pitch % 12 == 0 for n in six if n.duration == 6)
    assert vocab.TOKENS[1] == Note(None, 1) and not allowed(16, first=True)[1]  # no opening rest


def test_stepping_note_by_note_matches_reading_the_whole_melody(composer: Composer) -> None:
    seq = to_sequence(load_corpus()[0])
    cond = torch.tensor([seq.cond])
    whole = next_note_logits(composer.model, seq.tokens[:10], seq.positions[:10], cond)
    state = None
    for i in range(10):
        logits, state = composer.model.step(seq.tokens[i], seq.positions[i], cond, state)
        torch.testing.assert_close(logits, whole[i], rtol=1e-4, atol=1e-4)
    assert condition("minor", "slow").tolist() == [[1, 0, 0]]


def test_one_thread_is_local_to_the_sampling_thread() -> None:
    before = torch.get_num_threads()
    inside: list[int] = []
    entered, release = threading.Event(), threading.Event()

    def worker() -> None:
        with one_thread():
            inside.append(torch.get_num_threads())
            entered.set()
            release.wait(5)
        inside.append(torch.get_num_threads())

    thread = threading.Thread(target=worker)
    thread.start()
    entered.wait(5)
    assert torch.get_num_threads() == before  # this thread keeps its count meanwhile
    release.set()
    thread.join()
    assert inside[0] == 1 and inside[1] == before
