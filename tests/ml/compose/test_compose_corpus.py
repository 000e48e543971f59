"""The hand-written corpus: well-formed bars, both modes and tempos, every note in the vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml.compose import vocab
from ml.compose.corpus import HELD_OUT, CorpusError, load_corpus, parse_block, parse_key, split
from ml.compose.dataset import MIN_WINDOW, to_sequence, windows


def test_corpus_covers_major_minor_slow_and_fast() -> None:
    melodies = load_corpus()
    assert len(melodies) >= 40
    assert {m.mode for m in melodies} == {"major", "minor"}
    assert {m.tempo for m in melodies} == {"slow", "moderate", "fast"}
    for m in melodies:
        for note in m.relative():
            vocab.encode(note)  # raises if outside the vocabulary
        assert len(m.onsets()) == len(m.notes)
        assert all(0 <= o < m.bar_length for o in m.onsets())


def test_split_holds_out_named_tunes_of_both_modes() -> None:
    train, held = split(load_corpus())
    assert sorted(m.title for m in held) == sorted(HELD_OUT)
    assert {m.mode for m in held} == {"major", "minor"}
    assert not {m.title for m in train} & set(HELD_OUT)


def test_pickup_and_relative_pitches() -> None:
    melody = parse_block("title: T\nkey: G major\nmeter: 3/4\ntempo: slow\nnotes: d4 | g2 b4 | g2.")
    assert melody.pickup == 8
    assert melody.onsets() == [8, 0, 8, 0]
    assert [n.pitch for n in melody.relative()] == [-5, 0, 4, 0]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("title: T\nkey: C major\nmeter: 4/4\ntempo: slow\nnotes: c4 | c4 d4 | c1", "bar 2 lasts 8"),
        ("title: T\nkey: C major\nmeter: 4/4\ntempo: slow\nnotes: c4 d4 e4 f4", "bar lines"),
        ("title: T\nkey: C lydian\nmeter: 4/4\ntempo: slow\nnotes: c1 | c1 | c1", "bad key"),
        ("title: T\nkey: C major\nmeter: 5/4\ntempo: slow\nnotes: c1 | c1 | c1", "meter must be"),
        ("title: T\nkey: C major\nmeter: 4/4\nnotes: c1 | c1 | c1", "missing"),
        ("title: T\nkey: C major\nmeter: 4/4\ntempo: slow\nnotes: c1 | x1 | c1", "not a note"),
    ],
)
def test_malformed_blocks_name_the_problem(block: str, message: str) -> None:
    with pytest.raises(CorpusError, match=message):
        parse_block(block)


def test_duplicate_titles_are_refused(tmp_path: Path) -> None:
    block = "title: T\nkey: C major\nmeter: 4/4\ntempo: slow\nnotes: c1 | c1 | c1\n"
    path = tmp_path / "m.txt"
    path.write_text(block + "\n" + block, "utf-8")
    with pytest.raises(CorpusError, match="duplicate"):
        load_corpus(path)


def test_parse_key() -> None:
    assert parse_key("F# minor") == (6, "minor")
    assert parse_key("Bb major") == (10, "major")


def test_windows_pair_each_input_with_the_next_note() -> None:
    seq = to_sequence(load_corpus()[0])
    pairs = windows(seq, MIN_WINDOW)
    assert len(pairs) == len(seq.tokens) - MIN_WINDOW
    first = pairs[0]
    assert first.tokens == seq.tokens[:4] and first.tokens[0] == vocab.START
    assert first.targets == seq.tokens[1:5]
    assert pairs[-1].targets[-1] == seq.tokens[-1]
    assert pairs[3].positions == seq.positions[3:7]


def test_short_melody_gives_one_padded_window() -> None:
    seq = to_sequence(load_corpus()[0])
    (only,) = windows(seq, len(seq.tokens) + 5)
    assert only.targets[: len(seq.tokens) - 1] == seq.tokens[1:]
    assert set(only.targets[len(seq.tokens) - 1 :]) == {-100}
    with pytest.raises(ValueError, match="at least 4"):
        windows(seq, 3)
