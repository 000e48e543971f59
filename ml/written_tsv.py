"""Writers' TSV slices of the project-written sets (dialogue, chat emotion): one row type each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, fields
from pathlib import Path
from typing import Any, TypeVar

Row = TypeVar("Row")


def read_slice(path: Path, row_type: type[Row]) -> list[Row]:
    """Rows of a writer's slice (no header; a header line starting with ``id`` is skipped);
    lines with the wrong number of fields are left out (the checks report what remains)."""
    width = len(fields(row_type))  # type: ignore[arg-type]
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == width and parts[0] != "id":
            rows.append(row_type(*(p.strip() for p in parts)))
    return rows


def write(rows: Sequence[Any], columns: Sequence[str], path: Path) -> None:
    """A TSV with a ``columns`` header (fields hold no tabs or line breaks: :func:`read_slice`)."""
    lines = ["\t".join(columns), *("\t".join(astuple(r)) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
