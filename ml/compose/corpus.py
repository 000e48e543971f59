"""The hand-written melody corpus (``melodies.txt``): public-domain folk and children's tunes.

Each melody is a block of ``field: value`` lines separated by blank lines::

    title: Twinkle, Twinkle, Little Star
    key: C major
    meter: 4/4
    tempo: moderate
    notes: c4 c4 g4 g4 | a4 a4 g2 | ...

Lines without a colon continue the previous field. Bar lines are required: every bar but the
first (a pickup) and the last must fill the meter.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ml.compose.notation import NotationError, Note, key_pitch_class, parse_note

CORPUS_PATH = Path(__file__).with_name("melodies.txt")
Mode = Literal["major", "minor"]
Tempo = Literal["slow", "moderate", "fast"]
MODES: tuple[Mode, ...] = ("major", "minor")
TEMPOS: tuple[Tempo, ...] = ("slow", "moderate", "fast")
METERS: tuple[str, ...] = ("4/4", "3/4", "2/4", "6/8")
HELD_OUT = (
    "Oh! Susanna",
    "Au Clair de la Lune",
    "Scarborough Fair",
    "We Three Kings",
)
"""Melodies kept out of training, for the next-note evaluation."""


class CorpusError(ValueError):
    """A malformed melody block (the message names the melody and the problem)."""


@dataclass(frozen=True)
class Melody:
    """One transcribed tune; ``notes`` carry absolute MIDI pitches."""

    title: str
    tonic: int
    """Pitch class of the key's tonic (0 = C)."""
    mode: Mode
    meter: str
    tempo: Tempo
    notes: tuple[Note, ...]
    pickup: int
    """Sixteenths missing from the first bar (0 when the tune starts on the downbeat)."""

    @property
    def bar_length(self) -> int:
        """Sixteenths per bar."""
        return bar_length(self.meter)

    def tonic_pitch(self) -> int:
        """The tonic's MIDI pitch nearest below the melody's median note: the relative-pitch zero."""
        pitches = [n.pitch for n in self.notes if n.pitch is not None]
        median = int(statistics.median(pitches))
        return median - (median - self.tonic) % 12

    def relative(self) -> list[Note]:
        """The notes with pitches in semitones from :meth:`tonic_pitch` (rests stay rests)."""
        zero = self.tonic_pitch()
        return [Note(None if n.pitch is None else n.pitch - zero, n.duration) for n in self.notes]

    def onsets(self) -> list[int]:
        """Each note's start within its bar, in sixteenths."""
        at, out = self.pickup, []
        for note in self.notes:
            out.append(at % self.bar_length)
            at += note.duration
        return out


def bar_length(meter: str) -> int:
    """Sixteenths per bar of ``meter`` (``"3/4"`` → 12)."""
    beats, unit = meter.split("/")
    return int(beats) * 16 // int(unit)


def parse_key(text: str) -> tuple[int, Mode]:
    """``"F# minor"`` → (6, "minor")."""
    parts = text.split()
    if len(parts) != 2 or parts[1] not in MODES:
        raise CorpusError(f"bad key {text!r} (expected e.g. 'G major', 'F# minor')")
    try:
        return key_pitch_class(parts[0]), parts[1]
    except NotationError:
        raise CorpusError(f"bad key {text!r} (expected e.g. 'G major', 'F# minor')") from None


def _bars(title: str, text: str, meter: str) -> tuple[list[Note], int]:
    length = bar_length(meter)
    bars = [b.split() for b in text.split("|")]
    if len(bars) < 3:
        raise CorpusError(f"{title}: write bar lines '|' between bars")
    try:
        parsed = [[parse_note(tok) for tok in bar] for bar in bars]
    except NotationError as exc:
        raise CorpusError(f"{title}: {exc}") from None
    sums = [sum(n.duration for n in bar) for bar in parsed]
    for i, total in enumerate(sums):
        inner = 0 < i < len(sums) - 1
        if total == 0 or (inner and total != length) or total > length:
            raise CorpusError(
                f"{title}: bar {i + 1} lasts {total} sixteenths, the meter {meter} needs {length}"
            )
    return [n for bar in parsed for n in bar], length - sums[0]


def parse_block(block: str) -> Melody:
    """One melody block."""
    fields: dict[str, str] = {}
    last = None
    for line in block.strip().splitlines():
        key, sep, value = line.partition(":")
        if sep:
            last = key.strip()
            fields[last] = value.strip()
        elif last is not None:  # a continuation line
            fields[last] += " " + line.strip()
        else:
            raise CorpusError(f"expected 'field: value', got {line!r}")
    missing = {"title", "key", "meter", "tempo", "notes"} - fields.keys()
    if missing:
        raise CorpusError(f"{fields.get('title', block[:40])!r}: missing {sorted(missing)}")
    title = fields["title"]
    tonic, mode = parse_key(fields["key"])
    meter, tempo = fields["meter"], fields["tempo"]
    if meter not in METERS or tempo not in TEMPOS:
        raise CorpusError(f"{title}: meter must be one of {METERS}, tempo one of {TEMPOS}")
    notes, pickup = _bars(title, fields["notes"], meter)
    return Melody(title, tonic, mode, meter, tempo, tuple(notes), pickup)


def load_corpus(path: Path = CORPUS_PATH) -> list[Melody]:
    """Every melody in ``path`` (lines starting with ``#`` are comments)."""
    text = "\n".join(line for line in path.read_text("utf-8").splitlines() if not line.startswith("#"))
    melodies = [parse_block(b) for b in text.split("\n\n") if b.strip()]
    titles = [m.title for m in melodies]
    if len(set(titles)) != len(titles):
        raise CorpusError("duplicate titles in the corpus")
    return melodies


def split(melodies: list[Melody]) -> tuple[list[Melody], list[Melody]]:
    """(training, held-out) by :data:`HELD_OUT` titles."""
    train = [m for m in melodies if m.title not in HELD_OUT]
    held = [m for m in melodies if m.title in HELD_OUT]
    return train, held
