"""Writers' TSV slices of the project-written sets (dialogue, chat emotion): one row type each."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

Row = TypeVar("Row")
Split = Literal["train", "heldout"]


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


def read_checked(
    slices: Sequence[Path], row_type: type[Row], problems_of: Callable[[Row], list[str]]
) -> tuple[list[Row], list[str]]:
    """The rows of writers' slices that pass ``problems_of``, and ``id: problems`` for the others."""
    rows: list[Row] = []
    dropped: list[str] = []
    for path in slices:
        for row in read_slice(path, row_type):
            problems = problems_of(row)
            if problems:
                dropped.append(f"{row.id}: {'; '.join(problems)}")  # type: ignore[attr-defined]
            else:
                rows.append(row)
    return rows, dropped


def write(rows: Sequence[Any], columns: Sequence[str], path: Path) -> None:
    """A TSV with a ``columns`` header (fields hold no tabs or line breaks: :func:`read_slice`)."""
    lines = ["\t".join(columns), *("\t".join(astuple(r)) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class WrittenSet(Generic[Row]):
    """A project-written set's train and held-out files, and how to merge, check and count them."""

    columns: Sequence[str]
    load: Callable[[Split], list[Row]]
    path_of: Callable[[Split], Path]
    merge: Callable[[list[Path], list[Row]], tuple[list[Row], list[Row], list[str]]]
    check: Callable[[list[Row], list[Row]], list[str]]
    stats: Callable[[list[Row], list[Row]], str]


def check_main(written: WrittenSet[Row], description: str, argv: Sequence[str] | None = None) -> int:
    """The command line of a set's checker: ``--merge`` writers' slices (``--append`` to keep the
    current rows), ``--stats``, or check the set (exit 1 on any problem)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--merge", nargs="+", type=Path, help="writers' slice files to merge")
    parser.add_argument(
        "--append", action="store_true", help="with --merge: keep the current files and add the new rows"
    )
    parser.add_argument("--stats", action="store_true", help="print coverage tables (Markdown)")
    args = parser.parse_args(argv)
    if args.stats:
        print(written.stats(written.load("train"), written.load("heldout")))
        return 0
    if args.merge:
        old_train, old_held = (written.load("train"), written.load("heldout")) if args.append else ([], [])
        train, heldout, dropped = written.merge(args.merge, [*old_train, *old_held])
        train, heldout = [*old_train, *train], [*old_held, *heldout]
        write(train, written.columns, written.path_of("train"))
        write(heldout, written.columns, written.path_of("heldout"))
        print("\n".join(dropped))
        print(f"kept {len(train)} train + {len(heldout)} held-out; dropped {len(dropped)}")
        return 0
    problems = written.check(written.load("train"), written.load("heldout"))
    print("\n".join(problems) or "no problems")
    return 1 if problems else 0
