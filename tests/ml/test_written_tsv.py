"""Writers' slices read into row types and written back with a header, for both written sets."""

from __future__ import annotations

from pathlib import Path

from ml.dialogue import companion
from ml.emotion import chat
from ml.written_tsv import read_slice, write


def test_slices_round_trip_through_the_committed_readers(tmp_path: Path) -> None:
    for module, row_type in ((chat, chat.ChatMessage), (companion, companion.Exchange)):
        rows = module.load("heldout")[:5]  # type: ignore[attr-defined]
        slice_file = tmp_path / "slice.tsv"
        lines = ["\t".join(str(v) for v in vars_of(r)) for r in rows]
        slice_file.write_text("\n".join([*lines, "too\tfew", ""]), encoding="utf-8")
        got = read_slice(slice_file, row_type)
        assert got == rows  # the short line is left out
        out = tmp_path / "out.tsv"
        write(got, module.COLUMNS, out)  # type: ignore[attr-defined]
        assert list(module.read(out)) == rows  # type: ignore[attr-defined]


def vars_of(row: object) -> list[str]:
    from dataclasses import astuple

    return list(astuple(row))  # type: ignore[call-overload]
