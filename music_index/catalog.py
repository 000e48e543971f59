"""Read the user's catalog (CSV or JSON lines) into validated entries and a list of problems."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from config import EMOTIONS
from music_index.track import track_id


class CatalogError(Exception):
    """The catalog file itself cannot be read (missing, wrong format, no usable columns)."""


@dataclass(frozen=True)
class Entry:
    """One catalog row; ``emotion`` is ``None`` when the user left it untagged."""

    id: str
    rel_path: str
    path: Path
    title: str
    artist: str
    emotion: str | None
    url: str | None


@dataclass(frozen=True)
class Problem:
    """A row or file that was skipped, and why."""

    where: str
    reason: str


@dataclass
class Catalog:
    """Parsed catalog: its library root, usable entries and skipped rows."""

    root: Path
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_catalog(path: Path) -> Catalog:
    """Parse ``path`` (``.csv`` or ``.jsonl``/``.json``); the library root is its folder.

    Rows with a missing path, an unknown emotion, a path escaping the root or a duplicate
    path become :class:`Problem` entries; an unreadable file raises :class:`CatalogError`.
    """
    path = path.expanduser().resolve()
    if not path.is_file():
        raise CatalogError(f"catalog not found: {path}")
    catalog = Catalog(root=path.parent)
    seen: set[str] = set()
    for where, row in _rows(path):
        entry = _entry(catalog.root, row, where, catalog.problems)
        if entry is None:
            continue
        if entry.id in seen:
            catalog.problems.append(Problem(where, f"duplicate path {entry.rel_path}"))
            continue
        seen.add(entry.id)
        catalog.entries.append(entry)
    return catalog


def _rows(path: Path) -> Iterator[tuple[str, dict[str, object]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"cannot read catalog {path}: {exc}") from None
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        for number, line in enumerate(text.split("\n"), start=1):  # not splitlines: \u2028 is JSON text
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield f"line {number}", {"_error": f"invalid JSON: {exc.msg}"}
                continue
            yield f"line {number}", row if isinstance(row, dict) else {"_error": "not an object"}
    elif path.suffix.lower() in (".csv", ".tsv"):
        # csv's own line handling: quoted fields may hold newlines, form feeds and \u2028
        reader = csv.DictReader(
            io.StringIO(text, newline=""), delimiter="\t" if path.suffix == ".tsv" else ","
        )
        if not reader.fieldnames or "path" not in [f.strip().lower() for f in reader.fieldnames]:
            raise CatalogError(f"catalog {path} has no 'path' column")
        for raw in reader:  # line_num: where the record ends (a quoted field may span lines)
            yield f"line {reader.line_num}", {(k or "").strip().lower(): v for k, v in raw.items()}
    else:
        raise CatalogError(f"catalog {path} must end in .csv or .jsonl")


def _text(row: dict[str, object], key: str) -> str:
    """The stripped string at ``key`` ("" if absent or not a string); lone surrogates (JSON may
    escape them) become U+FFFD, as no file name, database or chat platform takes them."""
    value = row.get(key)
    if not isinstance(value, str):
        return ""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace").strip()


def _entry(root: Path, row: dict[str, object], where: str, problems: list[Problem]) -> Entry | None:
    if "_error" in row:
        problems.append(Problem(where, str(row["_error"])))
        return None
    raw_path = _text(row, "path")
    if not raw_path:
        problems.append(Problem(where, "no path"))
        return None
    if "\ufffd" in raw_path:
        problems.append(Problem(where, f"path is not valid text: {raw_path}"))
        return None
    try:
        resolved = (root / raw_path).resolve()
    except (ValueError, OSError) as exc:  # NUL bytes, unencodable surrogates, loops
        problems.append(Problem(where, f"unusable path {raw_path!r}: {exc}"))
        return None
    if not resolved.is_relative_to(root):
        problems.append(Problem(where, f"path escapes the library root: {raw_path}"))
        return None
    emotion = _text(row, "emotion").lower() or None
    if emotion is not None and emotion not in EMOTIONS:
        problems.append(Problem(where, f"unknown emotion {emotion!r} (use {'|'.join(EMOTIONS)})"))
        return None
    rel = resolved.relative_to(root).as_posix()
    return Entry(
        id=track_id(rel),
        rel_path=rel,
        path=resolved,
        title=_text(row, "title") or resolved.stem,
        artist=_text(row, "artist") or "Unknown artist",
        emotion=emotion,
        url=_text(row, "url") or None,
    )
