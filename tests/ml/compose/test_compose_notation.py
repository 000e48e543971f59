"""The ancestor's notation: pitch letter + duration, rests, accidentals, octave marks."""

from __future__ import annotations

import pytest

from ml.compose.notation import (
    NotationError,
    Note,
    format_note,
    format_notes,
    key_spelling,
    parse_note,
    parse_notes,
)


def test_parses_the_ancestor_notes() -> None:
    assert parse_notes("g8 e8 e4 | f8 d8 d4") == [
        Note(67, 2),
        Note(64, 2),
        Note(64, 4),
        Note(65, 2),
        Note(62, 2),
        Note(62, 4),
    ]


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("c4", Note(60, 4)),
        ("f#'8.", Note(78, 3)),
        ("bb,2", Note(58, 8)),
        ("r1", Note(None, 16)),
        ("a16", Note(69, 1)),
    ],
)
def test_round_trip(text: str, note: Note) -> None:
    assert parse_note(text) == note
    assert format_note(note, key_spelling("F") if "bb" in text else None) == text


def test_keys_spell_black_keys_by_scale_degree() -> None:
    notes = [Note(61, 4), Note(70, 8), Note(66, 4)]
    assert format_notes(notes) == "c#4 a#2 f#4"
    assert format_notes(notes, key_spelling("Bb")) == "db4 bb2 gb4"
    assert format_notes(notes, key_spelling("G")) == "c#4 bb2 f#4"  # G minor's leading tone stays f#
    assert format_notes([Note(71, 4), Note(65, 2)], key_spelling("F#")) == "b4 e#8"
    # B-flat major's flat second is c-flat, written in the octave of its letter
    assert format_note(Note(71, 4), key_spelling("Bb")) == "cb'4"
    assert parse_note("cb'4") == Note(71, 4)
    with pytest.raises(NotationError):
        key_spelling("H")


@pytest.mark.parametrize("bad", ["h4", "c3", "c", "r#4", "c4..", "", "c'x4"])
def test_bad_notes_raise_a_typed_error(bad: str) -> None:
    with pytest.raises(NotationError):
        parse_note(bad)


def test_unwritable_duration_is_an_error() -> None:
    with pytest.raises(NotationError, match="5 sixteenths"):
        format_note(Note(60, 5))
