"""The ancestor's note notation: pitch letter plus duration, e.g. ``g8 e8 e4 f8 d8 d4``.

A note is ``<letter><accidental><octave marks><duration><dot>``: letter ``a``–``g`` (``r`` for
a rest), accidental ``#`` or ``b`` (``bb4`` is B-flat), octave marks ``'`` (up) or ``,``
(down) from the octave of middle C (``c4`` is middle C, a quarter note), duration ``1`` (whole),
``2``, ``4``, ``8`` or ``16``, and ``.`` for dotted. Durations are counted in sixteenths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIDDLE_C = 60
"""MIDI number of the unmarked octave's ``c``."""
LETTER_SEMITONES = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}
DURATION_SIXTEENTHS = {
    "16": 1,
    "8": 2,
    "8.": 3,
    "4": 4,
    "4.": 6,
    "2": 8,
    "2.": 12,
    "1": 16,
}
"""Every written duration, in sixteenths."""
DURATIONS: tuple[int, ...] = tuple(sorted(DURATION_SIXTEENTHS.values()))
_DURATION_NAMES = {v: k for k, v in DURATION_SIXTEENTHS.items()}
_LETTERS = "cdefgab"
_SHARPS: dict[int, tuple[str, int]] = {
    pc: (letter, pc - LETTER_SEMITONES[letter])
    for pc, letter in enumerate(("c", "c", "d", "d", "e", "f", "f", "g", "g", "a", "a", "b"))
}
_DEGREE_STEPS = (0, 1, 1, 2, 2, 3, 3, 4, 5, 5, 6, 6)
"""Semitones above the tonic → letter steps (b2, b3, #4, b6, b7: the usual spellings)."""
Spelling = dict[int, tuple[str, int]]
"""Pitch class → (letter, accidental in semitones)."""
_NOTE = re.compile(r"([a-gr])([#b]?)([',]*)(16|8|4|2|1)(\.?)")


class NotationError(ValueError):
    """Text that is not a note in the notation."""


@dataclass(frozen=True)
class Note:
    """One note: MIDI ``pitch`` (``None`` for a rest) and ``duration`` in sixteenths."""

    pitch: int | None
    duration: int


def parse_note(text: str) -> Note:
    """The note written as ``text`` (e.g. ``"f#'8."``)."""
    match = _NOTE.fullmatch(text.strip())
    if match is None:
        raise NotationError(f"not a note: {text!r} (expected e.g. g8, f#'4., bb,2, r4)")
    letter, accidental, marks, length, dot = match.groups()
    duration = DURATION_SIXTEENTHS.get(length + dot)
    if duration is None:
        raise NotationError(f"unsupported duration in {text!r}")
    if letter == "r":
        if accidental or marks:
            raise NotationError(f"a rest takes no accidental or octave: {text!r}")
        return Note(None, duration)
    shift = {"": 0, "#": 1, "b": -1}[accidental]
    octave = marks.count("'") - marks.count(",")
    return Note(MIDDLE_C + LETTER_SEMITONES[letter] + shift + 12 * octave, duration)


def parse_notes(text: str) -> list[Note]:
    """Whitespace-separated notes; bar lines ``|`` are skipped."""
    return [parse_note(tok) for tok in text.split() if tok != "|"]


def key_pitch_class(tonic: str) -> int:
    """Pitch class (0 = C) of a key's tonic named like ``"G"``, ``"F#"`` or ``"Bb"``."""
    name = tonic.strip().lower()
    shift = {"": 0, "#": 1, "b": -1}.get(name[1:])
    if not name or name[0] not in LETTER_SEMITONES or shift is None:
        raise NotationError(f"not a key name: {tonic!r} (expected e.g. G, F#, Bb)")
    return (LETTER_SEMITONES[name[0]] + shift) % 12


def key_spelling(tonic: str) -> Spelling:
    """How each pitch class is written in the key whose tonic is named ``tonic`` (``"Bb"``, ``"F#"``).

    Scale degrees take consecutive letters, so G minor's leading tone is ``f#`` and B-flat major's
    fourth is ``eb``; a degree that would need a double accidental falls back to sharps.
    """
    root = key_pitch_class(tonic)
    letter0 = tonic.strip().lower()[0]
    spelling: Spelling = {}
    for degree, steps in enumerate(_DEGREE_STEPS):
        pc = (root + degree) % 12
        letter = _LETTERS[(_LETTERS.index(letter0) + steps) % 7]
        accidental = (pc - LETTER_SEMITONES[letter] + 6) % 12 - 6
        spelling[pc] = (letter, accidental) if abs(accidental) <= 1 else _SHARPS[pc]
    return spelling


def format_note(note: Note, spelling: Spelling | None = None) -> str:
    """``note`` in the notation; black keys as sharps unless a key's ``spelling`` is given."""
    length = _DURATION_NAMES.get(note.duration)
    if length is None:
        raise NotationError(f"duration {note.duration} sixteenths has no single written value")
    if note.pitch is None:
        return f"r{length}"
    letter, accidental = (spelling or _SHARPS)[note.pitch % 12]
    octave = (note.pitch - accidental - LETTER_SEMITONES[letter] - MIDDLE_C) // 12
    marks = "'" * octave if octave > 0 else "," * -octave
    return f"{letter}{('', '#', 'b')[accidental]}{marks}{length}"


def format_notes(notes: list[Note], spelling: Spelling | None = None) -> str:
    """``notes`` as space-separated text."""
    return " ".join(format_note(n, spelling) for n in notes)
